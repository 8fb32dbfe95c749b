//! Profiles and the PATCH, in SQLite. The columns written come from the property catalogue;
//! values are always bound.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use time::OffsetDateTime;

use super::accounts::{clear_failures, ensure_password_is, ensure_unlocked, record_audit};
use super::connection::{all_rows, date_text, time_text};
use super::directory;
use super::sessions::{end_other_sessions, replace_refresh, session_exists};
use crate::domain::catalogue::{Field, FieldValue, Values};
use crate::domain::history;
use crate::domain::markdown::RenderedBio;
use crate::domain::profile::{Profile, ProfileSummary, Version};
use crate::store::shared;
use crate::store::{Applied, DirectoryProfile, NewMember, ProfileUpdate, StaleBio, StoreError, StoreResult};

pub fn profile(c: &Connection, profile_id: i64) -> StoreResult<Profile> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id = ?1",
        shared::profile_columns()
    );
    let mut statement = c.prepare_cached(&sql)?;
    let mut rows = statement.query([profile_id])?;
    let row = rows.next()?.ok_or(StoreError::NotFound)?;
    shared::profile_from(row)
}

/// The profiles of these ids that exist, in the order asked.
pub fn profiles(c: &Connection, profile_ids: &[i64]) -> StoreResult<Vec<Profile>> {
    let sql = format!(
        "select {} from profiles p join users u on u.id = p.user_id where p.id in (select value from json_each(?1))",
        shared::profile_columns()
    );
    let ids = serde_json::to_string(profile_ids).map_err(anyhow::Error::new)?;
    let mut statement = c.prepare_cached(&sql)?;
    let found = all_rows(statement.query([ids])?, |row| shared::profile_from(row))?;
    Ok(shared::in_order_of(profile_ids, found, |profile| profile.id))
}

/// Those of the profiles that are public at the location, with their bios' HTML.
pub fn public_profiles(
    c: &Connection,
    location_id: i64,
    profile_ids: &[i64],
) -> StoreResult<Vec<DirectoryProfile>> {
    let sql = format!(
        "select {}, p.profile_summary_html, p.profile_summary_render from profiles p join users u on u.id = p.user_id \
         where p.id in (select value from json_each(?1)) and p.location_id = ?2 and p.profile_is_public \
         and p.active and u.active",
        shared::profile_columns()
    );
    let ids = serde_json::to_string(profile_ids).map_err(anyhow::Error::new)?;
    let mut statement = c.prepare_cached(&sql)?;
    all_rows(statement.query(params![ids, location_id])?, |row| shared::directory_profile_from(row))
}

/// Bios without HTML rendered under `render_key`, in profile order after `after`.
pub fn stale_bios(c: &Connection, render_key: &str, after: i64, limit: i64) -> StoreResult<Vec<StaleBio>> {
    let mut statement = c.prepare_cached(
        "select id, profile_summary from profiles where id > ?1 and profile_summary is not null \
         and (profile_summary_render is null or profile_summary_render <> ?2) order by id limit ?3",
    )?;
    all_rows(statement.query(params![after, render_key, limit])?, |row| {
        Ok(StaleBio { profile_id: row.get(0)?, markdown: row.get(1)? })
    })
}

/// Stores a bio's HTML if the bio is still the one rendered.
pub fn save_bio_html(c: &Connection, bio: &StaleBio, html: &RenderedBio) -> StoreResult<bool> {
    let saved = c
        .prepare_cached(
            "update profiles set profile_summary_html = ?1, profile_summary_render = ?2 \
             where id = ?3 and profile_summary = ?4",
        )?
        .execute(params![html.html, html.render_key, bio.profile_id, bio.markdown])?;
    Ok(saved == 1)
}

pub fn profiles_of_user(c: &Connection, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
    let mut statement = c.prepare_cached(
        "select p.id, p.full_name, p.company_name, p.active, p.coworker_type, l.id, l.name \
         from profiles p join locations l on l.id = p.location_id where p.user_id = ?1 order by p.id",
    )?;
    all_rows(statement.query([user_id])?, |row| shared::profile_summary_from(row))
}

/// A new profile takes its countries from the location and its billing details from the
/// user, unless the member's further properties (a CSV import, a seed) say otherwise; one
/// statement writes it all. The caller adds its directory entries (`directory::add`), for
/// many new profiles at once.
///
/// `INSERT … VALUES`, not `INSERT … SELECT`: a statement that may write several rows gets a
/// statement journal, and releasing it walks the command's whole in-memory sub-journal, so
/// an import of thousands of members spent most of its time there.
pub fn insert(c: &Connection, user_id: i64, member: &NewMember, now: OffsetDateTime) -> StoreResult<i64> {
    let mut columns: Vec<(&str, String)> = [
        ("unique_id", "?1"),
        ("user_id", "?2"),
        ("location_id", "?6"),
        ("full_name", "?3"),
        ("country_id", "?7"),
        ("billing_name", "?3"),
        ("billing_email", "?4"),
        ("billing_country_id", "?7"),
        ("created_on", "?5"),
        ("updated_on", "?5"),
    ]
    .map(|(column, value)| (column, value.to_string()))
    .into();
    let country_id: i64 = c
        .prepare_cached("select country_id from locations where id = ?1")?
        .query_row([member.location_id], |row| row.get(0))
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let mut values = vec![
        Value::Text(uuid::Uuid::new_v4().to_string()),
        Value::Integer(user_id),
        Value::Text(member.full_name.clone()),
        Value::Text(member.email.clone()),
        Value::Text(time_text(now)),
        Value::Integer(member.location_id),
        Value::Integer(country_id),
    ];
    for (field, value) in member.fields.iter().filter(|(field, _)| field.on_profile()) {
        values.push(sql_value(value));
        let placeholder = format!("?{}", values.len());
        let column = field.spec().column;
        match columns.iter_mut().find(|(name, _)| *name == column) {
            Some(default) => default.1 = placeholder,
            None => columns.push((column, placeholder)),
        }
    }
    if let Some(bio) = &member.summary_html {
        values.push(Value::Text(bio.html.clone()));
        columns.push(("profile_summary_html", format!("?{}", values.len())));
        values.push(Value::Text(bio.render_key.clone()));
        columns.push(("profile_summary_render", format!("?{}", values.len())));
    }
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let placeholders: Vec<&str> = columns.iter().map(|(_, value)| value.as_str()).collect();
    let sql = format!(
        "insert into profiles ({}) values ({}) returning id",
        names.join(", "),
        placeholders.join(", ")
    );
    Ok(c.prepare_cached(&sql)?.query_row(params_from_iter(values), |row| row.get(0))?)
}

/// Applies one PATCH; the writer runs it inside a savepoint, so any error undoes all of it.
/// The writer is the one thread every SQLite write waits for, so the checks share one read
/// and a row is written only when a value in it changes.
pub fn apply(c: &Connection, update: &ProfileUpdate) -> StoreResult<Applied> {
    let stored = stored_state(c, update)?;
    if update.expected.is_some_and(|expected| expected != stored.version) {
        return Err(StoreError::VersionMismatch);
    }
    if let Some(password) = &update.password {
        ensure_unlocked(c, &password.lockout_key, update.now)?;
        ensure_password_is(c, update.user_id, &password.verified_hash)?;
    }
    let changes = history::diff(&stored.values, &update.patch);
    if let Some(entry) = history::encode(&changes, update.password.is_some()) {
        super::history::insert(c, update, &entry)?;
    }
    let changed = |owned: fn(Field) -> bool| -> Vec<(Field, Option<&FieldValue>)> {
        changes
            .iter()
            .filter(|change| owned(change.field))
            .map(|change| (change.field, change.new.as_ref()))
            .collect()
    };
    let (on_profile, on_user) = (changed(Field::on_profile), changed(Field::on_user));
    if !on_profile.is_empty() {
        let bio = update
            .summary_html
            .as_ref()
            .filter(|_| on_profile.iter().any(|(f, _)| *f == Field::ProfileSummary));
        update_profile_row(c, update.profile_id, update.user_id, &on_profile, bio, update.now)?;
    }
    if crate::domain::directory::indexes_any(on_profile.iter().map(|(field, _)| *field)) {
        directory::sync(c, update.profile_id)?;
    }
    let new_hash = update.password.as_ref().map(|p| p.hash.as_str());
    if !on_user.is_empty() || new_hash.is_some() {
        update_user_row(c, update.user_id, &on_user, new_hash, update.now)?;
    }
    if let Some(password) = &update.password {
        end_other_sessions(c, update.user_id, password.keep_session)?;
        replace_refresh(c, password.keep_session, &password.next_refresh)?;
        clear_failures(c, &password.lockout_key)?;
        record_audit(c, &password.audit)?;
    }
    if update.return_profile {
        let profile = profile(c, update.profile_id)?;
        return Ok(Applied { version: profile.version, profile: Some(profile) });
    }
    let version = Version {
        profile: stored.version.profile + i64::from(!on_profile.is_empty()),
        user: stored.version.user + i64::from(!on_user.is_empty()),
    };
    Ok(Applied { version, profile: None })
}

/// What a PATCH is checked against and compared with.
struct StoredState {
    version: Version,
    /// The stored values of the fields the patch sends (the others stay empty).
    values: Values,
}

/// The versions of the profile and its user and the stored values of the patched fields,
/// read in one statement with whether the session still exists.
fn stored_state(c: &Connection, update: &ProfileUpdate) -> StoreResult<StoredState> {
    const LEADING: usize = 3;
    let fields: Vec<Field> = update.patch.iter().map(|(field, _)| field).collect();
    let columns: String = fields
        .iter()
        .map(|f| format!(", {}.{}", if f.on_profile() { "p" } else { "u" }, f.spec().column))
        .collect();
    let sql = format!(
        "select p.version, u.version, ?3 is null or exists (select 1 from sessions where id = ?3){columns} \
         from profiles p join users u on u.id = p.user_id where p.id = ?1 and p.user_id = ?2"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let mut rows =
        statement.query(rusqlite::params![update.profile_id, update.user_id, update.session_id])?;
    let Some(row) = rows.next()? else {
        let alive = match update.session_id {
            Some(session) => session_exists(c, session)?,
            None => true,
        };
        return Err(if alive { StoreError::NotFound } else { StoreError::SessionEnded });
    };
    if !row.get::<_, bool>(2)? {
        return Err(StoreError::SessionEnded);
    }
    let mut values = Values::empty();
    for (index, field) in fields.into_iter().enumerate() {
        values.set(field, shared::value_at(row, LEADING + index, field.kind())?);
    }
    Ok(StoredState { version: Version { profile: row.get(0)?, user: row.get(1)? }, values })
}

/// `update profiles` with new values; the version moves and the time of change with it.
fn update_profile_row(
    c: &Connection,
    profile_id: i64,
    user_id: i64,
    fields: &[(Field, Option<&FieldValue>)],
    bio: Option<&Option<RenderedBio>>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let (mut assignments, mut values) = assignments(fields);
    if let Some(bio) = bio {
        values.push(bio.as_ref().map_or(Value::Null, |b| Value::Text(b.html.clone())));
        assignments.push(format!("profile_summary_html = ?{}", values.len()));
        values.push(bio.as_ref().map_or(Value::Null, |b| Value::Text(b.render_key.clone())));
        assignments.push(format!("profile_summary_render = ?{}", values.len()));
    }
    let assignments = assignments.join(", ");
    let n = values.len();
    let sql = format!(
        "update profiles set {assignments}, version = version + 1, updated_on = ?{} \
         where id = ?{} and user_id = ?{}",
        n + 1,
        n + 2,
        n + 3
    );
    values.extend([Value::Text(time_text(now)), Value::Integer(profile_id), Value::Integer(user_id)]);
    let updated = c.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    if updated == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// `update users` with new values and a new password hash (which the representation does
/// not show, so it alone moves no version).
pub(super) fn update_user_row(
    c: &Connection,
    user_id: i64,
    fields: &[(Field, Option<&FieldValue>)],
    password_hash: Option<&str>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let (mut assignments, mut values) = assignments(fields);
    if !fields.is_empty() {
        values.push(Value::Text(time_text(now)));
        assignments.push(format!("version = version + 1, updated_on = ?{}", values.len()));
    }
    if let Some(hash) = password_hash {
        values.push(Value::Text(hash.to_string()));
        assignments.push(format!("password_hash = ?{}, must_reset_password = 0", values.len()));
    }
    values.push(Value::Integer(user_id));
    let sql = format!("update users set {} where id = ?{}", assignments.join(", "), values.len());
    c.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// `column = ?n` for each field (numbered from 1, in order) and the values to bind.
fn assignments(fields: &[(Field, Option<&FieldValue>)]) -> (Vec<String>, Vec<Value>) {
    let mut assignments = Vec::new();
    let mut values = Vec::new();
    for (field, value) in fields {
        values.push(sql_value(*value));
        assignments.push(format!("{} = ?{}", field.spec().column, values.len()));
    }
    (assignments, values)
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
