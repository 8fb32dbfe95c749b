//! Staff roles, integration keys, the member list and the location's audit log.

use rusqlite::{Connection, OptionalExtension, params};

use super::accounts::record_audit;
use super::connection::{all_rows, time_text};
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::staff::Grant;
use crate::store::shared;
use crate::store::{AuditQuery, MemberPage, MemberQuery, NewStaffKey, StaffKey, StaffRow, StoreResult};

pub fn find_members(c: &Connection, query: &MemberQuery) -> StoreResult<MemberPage> {
    let pattern = |text: &Option<String>| text.as_deref().map(shared::contains_pattern);
    let (search, full_name, email, company) =
        (pattern(&query.search), pattern(&query.full_name), pattern(&query.email), pattern(&query.company));
    let filter = params![
        search,
        full_name,
        email,
        company,
        query.is_member,
        query.active,
        query.location_id,
        query.staff_user_id,
    ];
    let total = c.prepare_cached(shared::COUNT_MEMBERS)?.query_row(filter, |row| row.get(0))?;
    let sql = shared::find_members_sql(query.order, query.descending);
    let mut statement = c.prepare_cached(&sql)?;
    let mut all = filter.to_vec();
    all.extend(params![query.limit, query.offset]);
    let rows = all_rows(statement.query(all.as_slice())?, |row| shared::member_row_from(row))?;
    Ok(MemberPage { rows, total })
}

pub fn grant(c: &Connection, user_id: i64, grant: Grant, audit: &AuditEvent) -> StoreResult<()> {
    c.prepare_cached(shared::GRANT_STAFF)?.execute(params![
        user_id,
        grant.location_id,
        grant.role.as_str(),
        time_text(audit.at)
    ])?;
    record_audit(c, audit)
}

pub fn revoke(c: &Connection, user_id: i64, location_id: i64, audit: &AuditEvent) -> StoreResult<bool> {
    let revoked = c.prepare_cached(shared::REVOKE_STAFF)?.execute(params![user_id, location_id])? > 0;
    if revoked {
        record_audit(c, audit)?;
    }
    Ok(revoked)
}

pub fn grants(c: &Connection, user_id: i64) -> StoreResult<Vec<Grant>> {
    all_rows(c.prepare_cached(shared::STAFF_GRANTS)?.query([user_id])?, |row| shared::grant_from(row))
}

pub fn staff(c: &Connection) -> StoreResult<Vec<StaffRow>> {
    all_rows(c.prepare_cached(shared::STAFF)?.query([])?, |row| shared::staff_row_from(row))
}

pub fn add_key(c: &Connection, key: &NewStaffKey) -> StoreResult<i64> {
    let id = c.prepare_cached(shared::ADD_STAFF_KEY)?.query_row(
        params![key.name, key.secret_hash, key.location_id, key.role.as_str(), time_text(key.created_at)],
        |row| row.get(0),
    )?;
    record_audit(c, &key.audit)?;
    Ok(id)
}

pub fn key(c: &Connection, secret_hash: &str) -> StoreResult<Option<StaffKey>> {
    let mut statement = c.prepare_cached(shared::STAFF_KEY)?;
    let found = statement.query_row([secret_hash], |row| Ok(shared::staff_key_from(row))).optional()?;
    found.transpose()
}

pub fn keys(c: &Connection) -> StoreResult<Vec<StaffKey>> {
    all_rows(c.prepare_cached(shared::STAFF_KEYS)?.query([])?, |row| shared::staff_key_from(row))
}

pub fn remove_key(c: &Connection, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
    let removed = c.prepare_cached(shared::REMOVE_STAFF_KEY)?.execute([name])? > 0;
    if removed {
        record_audit(c, audit)?;
    }
    Ok(removed)
}

pub fn audit_of_location(c: &Connection, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
    let mut statement = c.prepare_cached(shared::LOCATION_AUDIT)?;
    let rows = statement.query(params![
        query.location_id,
        query.event,
        query.user_id,
        query.since.map(time_text),
        query.until.map(time_text),
        query.limit
    ])?;
    all_rows(rows, |row| shared::audit_record_from(row))
}
