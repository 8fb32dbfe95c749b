//! Profiles and the PATCH, in SQLite. The columns written come from the property catalogue;
//! values are always bound.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use time::OffsetDateTime;

use super::accounts::{clear_failures, ensure_password_is, ensure_unlocked, insert_audit};
use super::connection::{all_rows, date_text, time_text};
use super::sessions::{end_other_sessions, replace_refresh, session_exists};
use crate::domain::catalogue::{Field, FieldValue, Values};
use crate::domain::history;
use crate::domain::patch::ProfilePatch;
use crate::domain::profile::{Profile, ProfileSummary, Version};
use crate::store::columns;
use crate::store::{Applied, NewMember, ProfileUpdate, StoreError, StoreResult};

pub fn profile(c: &Connection, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = ?1",
        columns::profile_columns()
    );
    let mut statement = c.prepare_cached(&sql)?;
    let mut rows = statement.query([profile_id])?;
    let row = rows.next()?.ok_or(StoreError::NotFound)?;
    columns::profile_from(row)
}

pub fn profiles_of_user(c: &Connection, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
    let mut statement = c.prepare_cached(
        "select p.id, p.full_name, p.company_name, p.active, p.coworker_type, l.id, l.name \
         from profiles p join locations l on l.id = p.location_id where p.user_id = ?1 order by p.id",
    )?;
    all_rows(statement.query([user_id])?, |row| columns::profile_summary_from(row))
}

/// A new profile takes its countries from the location and its billing details from the
/// user; then the member's further properties (a CSV import) apply.
pub fn insert(c: &Connection, user_id: i64, member: &NewMember, now: OffsetDateTime) -> StoreResult<i64> {
    let profile_id: Option<i64> = c
        .query_row(
            "insert into profiles (unique_id, user_id, location_id, full_name, country_id, billing_name, \
             billing_email, billing_country_id, created_on, updated_on) \
             select ?1, ?2, l.id, ?3, l.country_id, ?3, ?4, l.country_id, ?5, ?5 from locations l where l.id = ?6 \
             returning id",
            params![
                uuid::Uuid::new_v4().to_string(),
                user_id,
                member.full_name,
                member.email,
                time_text(now),
                member.location_id
            ],
            |row| row.get(0),
        )
        .optional()?;
    let profile_id = profile_id.ok_or(StoreError::NotFound)?;
    if member.fields.touches_profile() {
        update_profile_row(c, profile_id, user_id, &member.fields, now)?;
    }
    Ok(profile_id)
}

/// Applies one PATCH; the writer runs it inside a savepoint, so any error undoes all of it.
pub fn apply(c: &Connection, update: &ProfileUpdate) -> StoreResult<Applied> {
    if !session_exists(c, update.session_id)? {
        return Err(StoreError::SessionEnded);
    }
    if let Some(expected) = update.expected
        && versions(c, update.profile_id, update.user_id)? != expected
    {
        return Err(StoreError::VersionMismatch);
    }
    if let Some(password) = &update.password {
        ensure_unlocked(c, &password.lockout_key, update.now)?;
        ensure_password_is(c, update.user_id, &password.verified_hash)?;
    }
    let changes = history::diff(&stored_values(c, update)?, &update.patch);
    if let Some(entry) = history::encode(&changes, update.password.is_some()) {
        super::history::insert(c, update, &entry)?;
    }
    if update.patch.touches_profile() {
        update_profile_row(c, update.profile_id, update.user_id, &update.patch, update.now)?;
    }
    let new_hash = update.password.as_ref().map(|p| p.hash.as_str());
    if update.patch.touches_user() || new_hash.is_some() {
        update_user_row(c, update.user_id, &update.patch, new_hash, update.now)?;
    }
    if let Some(password) = &update.password {
        end_other_sessions(c, update.user_id, password.keep_session)?;
        replace_refresh(c, password.keep_session, &password.next_refresh)?;
        clear_failures(c, &password.lockout_key)?;
        insert_audit(c, &password.audit)?;
    }
    if update.return_profile {
        let profile = profile(c, update.profile_id)?;
        return Ok(Applied { version: profile.version, profile: Some(profile) });
    }
    Ok(Applied { version: versions(c, update.profile_id, update.user_id)?, profile: None })
}

/// The stored values of the fields the patch sends (the others stay empty): what the
/// history compares with. Only those columns are read, on the writer's thread.
fn stored_values(c: &Connection, update: &ProfileUpdate) -> StoreResult<Values> {
    let fields: Vec<Field> = update.patch.iter().map(|(field, _)| field).collect();
    let mut values = Values::empty();
    if fields.is_empty() {
        return Ok(values);
    }
    let columns: Vec<String> = fields
        .iter()
        .map(|f| format!("{}.{}", if f.on_profile() { "p" } else { "u" }, f.spec().column))
        .collect();
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = ?1 and p.user_id = ?2",
        columns.join(", ")
    );
    let mut statement = c.prepare_cached(&sql)?;
    let mut rows = statement.query([update.profile_id, update.user_id])?;
    let row = rows.next()?.ok_or(StoreError::NotFound)?;
    for (index, field) in fields.into_iter().enumerate() {
        values.set(field, columns::value_at(row, index, field.kind())?);
    }
    Ok(values)
}

/// The versions of a profile and its user; `NotFound` unless the profile is the user's.
fn versions(c: &Connection, profile_id: i64, user_id: i64) -> StoreResult<Version> {
    let versions = c
        .prepare_cached(
            "select p.version, u.version from profiles p join users u on u.id = p.user_id \
             where p.id = ?1 and u.id = ?2",
        )?
        .query_row([profile_id, user_id], |row| Ok(Version { profile: row.get(0)?, user: row.get(1)? }))
        .optional()?;
    versions.ok_or(StoreError::NotFound)
}

/// `update profiles` with the patch's profile properties. The version and the time of
/// change move only if a value differs from the stored one.
fn update_profile_row(
    c: &Connection,
    profile_id: i64,
    user_id: i64,
    patch: &ProfilePatch,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let (assignments, mut values) = assignments(patch.iter().filter(|(f, _)| f.on_profile()));
    let changed = changed_condition(patch.iter().filter(|(f, _)| f.on_profile()));
    let n = values.len();
    let sql = format!(
        "update profiles set {assignments}, version = version + ({changed}), \
         updated_on = case when {changed} then ?{} else updated_on end where id = ?{} and user_id = ?{}",
        n + 1,
        n + 2,
        n + 3
    );
    values.extend([Value::Text(time_text(now)), Value::Integer(profile_id), Value::Integer(user_id)]);
    let updated = c.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    if updated == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// `update users` with the patch's user properties and a new password hash (which the
/// representation does not show, so it moves no version).
fn update_user_row(
    c: &Connection,
    user_id: i64,
    patch: &ProfilePatch,
    password_hash: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let on_user: Vec<(Field, Option<&FieldValue>)> = patch.iter().filter(|(f, _)| f.on_user()).collect();
    let (mut assignments, mut values) = assignments(on_user.iter().copied());
    if let Some(hash) = password_hash {
        values.push(Value::Text(hash.to_string()));
        let hash_assignment = format!("password_hash = ?{}", values.len());
        assignments = if assignments.is_empty() {
            hash_assignment
        } else {
            format!("{assignments}, {hash_assignment}")
        };
    }
    if !on_user.is_empty() {
        let changed = changed_condition(on_user.iter().copied());
        values.push(Value::Text(time_text(now)));
        assignments = format!(
            "{assignments}, version = version + ({changed}), updated_on = case when {changed} then ?{} else updated_on end",
            values.len()
        );
    }
    values.push(Value::Integer(user_id));
    let sql = format!("update users set {assignments} where id = ?{}", values.len());
    c.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// `column = ?n, …` for the fields (numbered from 1, in order) and the values to bind.
fn assignments<'a>(fields: impl Iterator<Item = (Field, Option<&'a FieldValue>)>) -> (String, Vec<Value>) {
    let mut assignments = Vec::new();
    let mut values = Vec::new();
    for (field, value) in fields {
        values.push(sql_value(value));
        assignments.push(format!("{} = ?{}", field.spec().column, values.len()));
    }
    (assignments.join(", "), values)
}

/// True when any of the fields (bound as `?1`, `?2`, … in the same order) differs from the
/// stored value.
fn changed_condition<'a>(fields: impl Iterator<Item = (Field, Option<&'a FieldValue>)>) -> String {
    let conditions: Vec<String> = fields
        .enumerate()
        .map(|(i, (field, _))| format!("{} is not ?{}", field.spec().column, i + 1))
        .collect();
    format!("({})", conditions.join(" or "))
}

fn sql_value(value: Option<&FieldValue>) -> Value {
    match value {
        None => Value::Null,
        Some(FieldValue::Text(text)) => Value::Text(text.clone()),
        Some(FieldValue::Int(number)) => Value::Integer(*number),
        Some(FieldValue::Bool(flag)) => Value::Integer(i64::from(*flag)),
        Some(FieldValue::Date(date)) => Value::Text(date_text(*date)),
    }
}
