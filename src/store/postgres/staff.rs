//! Staff roles, integration keys, the member list and the location's audit log.

use sqlx::PgPool;

use super::accounts::record_audit;
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::staff::Grant;
use crate::store::shared;
use crate::store::{AuditQuery, MemberPage, MemberQuery, NewStaffKey, StaffKey, StaffRow, StoreResult};

pub async fn find_members(pool: &PgPool, query: &MemberQuery) -> StoreResult<MemberPage> {
    let pattern = |text: &Option<String>| text.as_deref().map(shared::contains_pattern);
    let count = sqlx::query_scalar(shared::COUNT_MEMBERS);
    let sql = shared::find_members_sql(query.order, query.descending);
    // The order is one of a closed set of column names, never text from a request.
    let page = sqlx::query(sqlx::AssertSqlSafe(sql));
    macro_rules! filtered {
        ($statement:expr) => {
            $statement
                .bind(pattern(&query.search))
                .bind(pattern(&query.full_name))
                .bind(pattern(&query.email))
                .bind(pattern(&query.company))
                .bind(query.is_member)
                .bind(query.active)
                .bind(query.location_id)
                .bind(query.staff_user_id)
        };
    }
    let total: i64 = filtered!(count).fetch_one(pool).await?;
    let rows = filtered!(page).bind(query.limit).bind(query.offset).fetch_all(pool).await?;
    let rows = rows.iter().map(shared::member_row_from).collect::<StoreResult<_>>()?;
    Ok(MemberPage { rows, total })
}

pub async fn grant(pool: &PgPool, user_id: i64, grant: Grant, audit: &AuditEvent) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(shared::GRANT_STAFF)
        .bind(user_id)
        .bind(grant.location_id)
        .bind(grant.role.as_str())
        .bind(audit.at)
        .execute(&mut *tx)
        .await?;
    record_audit(&mut tx, audit).await?;
    Ok(tx.commit().await?)
}

pub async fn revoke(pool: &PgPool, user_id: i64, location_id: i64, audit: &AuditEvent) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(shared::REVOKE_STAFF).bind(user_id).bind(location_id).execute(&mut *tx).await?;
    let revoked = done.rows_affected() > 0;
    if revoked {
        record_audit(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

pub async fn grants(pool: &PgPool, user_id: i64) -> StoreResult<Vec<Grant>> {
    let rows = sqlx::query(shared::STAFF_GRANTS).bind(user_id).fetch_all(pool).await?;
    rows.iter().map(shared::grant_from).collect()
}

pub async fn staff(pool: &PgPool) -> StoreResult<Vec<StaffRow>> {
    let rows = sqlx::query(shared::STAFF).fetch_all(pool).await?;
    rows.iter().map(shared::staff_row_from).collect()
}

pub async fn add_key(pool: &PgPool, key: &NewStaffKey) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar(shared::ADD_STAFF_KEY)
        .bind(&key.name)
        .bind(&key.secret_hash)
        .bind(key.location_id)
        .bind(key.role.as_str())
        .bind(key.created_at)
        .fetch_one(&mut *tx)
        .await?;
    record_audit(&mut tx, &key.audit).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn key(pool: &PgPool, secret_hash: &str) -> StoreResult<Option<StaffKey>> {
    let row = sqlx::query(shared::STAFF_KEY).bind(secret_hash).fetch_optional(pool).await?;
    row.as_ref().map(shared::staff_key_from).transpose()
}

pub async fn keys(pool: &PgPool) -> StoreResult<Vec<StaffKey>> {
    let rows = sqlx::query(shared::STAFF_KEYS).fetch_all(pool).await?;
    rows.iter().map(shared::staff_key_from).collect()
}

pub async fn remove_key(pool: &PgPool, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    let removed =
        sqlx::query(shared::REMOVE_STAFF_KEY).bind(name).execute(&mut *tx).await?.rows_affected() > 0;
    if removed {
        record_audit(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

pub async fn audit_of_location(pool: &PgPool, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
    let rows = sqlx::query(shared::LOCATION_AUDIT)
        .bind(query.location_id)
        .bind(&query.event)
        .bind(query.user_id)
        .bind(query.since)
        .bind(query.until)
        .bind(query.limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(shared::audit_record_from).collect()
}
