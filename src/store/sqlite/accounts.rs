//! Locations, members, passwords, the lockout and the audit log, in SQLite. Each function
//! runs on the connection it is given: the writer's (inside the group's transaction) or a
//! reader's.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::connection::{all_rows, time_text};
use super::profiles;
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::catalogue::Owner;
use crate::domain::fields::email_digest;
use crate::domain::language::Language;
use crate::domain::lockout::{Admission, FailureState};
use crate::domain::password::PasswordPolicy;
use crate::domain::profile::{Location, User};
use crate::store::shared::{self, ColumnSource, LOCATION_COLUMNS};
use crate::store::{
    AddedMember, BASIC_CLIENT, Erasure, FailedAttempt, LoginRecord, NewLocation, NewMember, OperatorPassword,
    PasswordCheck, StoreError, StoreResult,
};

pub fn add_location(c: &Connection, location: &NewLocation) -> StoreResult<Location> {
    let id: i64 = c.query_row(
        "insert into locations (name, web_address, country_id, created_on) values (?1, ?2, ?3, ?4) returning id",
        params![location.name, location.web_address, location.country_id, time_text(location.created_on)],
        |row| row.get(0),
    )?;
    self::location(c, id)
}

pub fn locations(c: &Connection) -> StoreResult<Vec<Location>> {
    let mut statement = c.prepare_cached(&format!("select {LOCATION_COLUMNS} from locations order by id"))?;
    all_rows(statement.query([])?, |row| shared::location_from(row))
}

pub fn location(c: &Connection, id: i64) -> StoreResult<Location> {
    let mut statement =
        c.prepare_cached(&format!("select {LOCATION_COLUMNS} from locations where id = ?1"))?;
    let mut rows = statement.query([id])?;
    let row = rows.next()?.ok_or(StoreError::NotFound)?;
    shared::location_from(row)
}

pub fn set_location_policy(c: &Connection, location_id: i64, p: &PasswordPolicy) -> StoreResult<()> {
    let changed = c.execute(
        "update locations set policy_min_length = ?1, policy_max_length = ?2, policy_reject_common = ?3, \
         policy_reject_personal = ?4, policy_require_digit = ?5, policy_require_upper = ?6, \
         policy_require_lower = ?7, policy_require_symbol = ?8, policy_min_score = ?9, \
         policy_require_two_step = ?10 where id = ?11",
        params![
            p.min_length,
            p.max_length,
            p.reject_common,
            p.reject_personal,
            p.require_digit,
            p.require_upper,
            p.require_lower,
            p.require_symbol,
            p.min_score,
            p.require_two_step,
            location_id
        ],
    )?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Creates every member (all or none: the caller's transaction).
pub fn add_members(
    c: &Connection,
    members: &[NewMember],
    now: OffsetDateTime,
) -> StoreResult<Vec<AddedMember>> {
    let added: Vec<AddedMember> =
        members.iter().map(|member| add_member(c, member, now)).collect::<StoreResult<_>>()?;
    let listed: Vec<i64> = added
        .iter()
        .zip(members)
        .filter(|(_, member)| {
            crate::domain::directory::indexes_any(member.fields.iter().map(|(field, _)| field))
        })
        .map(|(added, _)| added.profile_id)
        .collect();
    super::directory::add(c, &listed)?;
    Ok(added)
}

fn add_member(c: &Connection, member: &NewMember, now: OffsetDateTime) -> StoreResult<AddedMember> {
    let existing: Option<i64> = c
        .prepare_cached("select id from users where email_key = ?1")?
        .query_row([&member.email_key], |row| row.get(0))
        .optional()?;
    let user_id = match existing {
        Some(id) => id,
        None => c
            .prepare_cached(
                "insert into users (email, email_key, password_hash, full_name, created_on, updated_on, unique_id) \
                 values (?1, ?2, ?3, ?4, ?5, ?5, ?6) returning id",
            )?
            .query_row(
                params![
                    member.email,
                    member.email_key,
                    member.password_hash,
                    member.full_name,
                    time_text(now),
                    uuid::Uuid::new_v4().to_string()
                ],
                |row| row.get(0),
            )?,
    };
    let profile_id = profiles::insert(c, user_id, member, now)
        .map_err(|error| shared::profile_conflict(&member.email, error))?;
    c.prepare_cached("update users set default_profile_id = coalesce(default_profile_id, ?1) where id = ?2")?
        .execute([profile_id, user_id])?;
    // The user's own properties an import sets (notification preferences, consent).
    let on_user: Vec<_> =
        member.fields.iter().filter(|(field, _)| field.spec().owner == Owner::User).collect();
    if !on_user.is_empty() {
        profiles::update_user_row(c, user_id, &on_user, None, now)?;
    }
    Ok(AddedMember { user_id, profile_id, new_user: existing.is_none() })
}

pub fn has_users(c: &Connection) -> StoreResult<bool> {
    Ok(c.query_row("select exists (select 1 from users)", [], |row| row.get(0))?)
}

pub fn login_record(c: &Connection, email_key: &str) -> StoreResult<Option<LoginRecord>> {
    let mut statement = c.prepare_cached(shared::LOGIN_RECORD)?;
    let mut rows = statement.query([email_key])?;
    Ok(rows.next()?.map(shared::login_record_from).transpose()?.flatten())
}

pub fn user(c: &Connection, user_id: i64) -> StoreResult<User> {
    let sql = format!("select {} from users where id = $1", *shared::USER_COLUMNS);
    let mut statement = c.prepare_cached(&sql)?;
    let mut rows = statement.query([user_id])?;
    shared::user_from(rows.next()?.ok_or(StoreError::NotFound)?)
}

pub fn set_must_reset_password(c: &Connection, user_id: i64, required: bool) -> StoreResult<()> {
    let changed = c.prepare_cached(shared::SET_MUST_RESET)?.execute(params![required, user_id])?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub fn set_user_language(c: &Connection, user_id: i64, language: Option<Language>) -> StoreResult<()> {
    let code = language.map(Language::code);
    let changed = c.prepare_cached(shared::SET_LANGUAGE)?.execute(params![code, user_id])?;
    if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub fn password_hash(c: &Connection, user_id: i64) -> StoreResult<String> {
    Ok(c.query_row("select password_hash from users where id = ?1", [user_id], |row| row.get(0))?)
}

/// Replaces the hash only if `verified` is still the stored one.
pub fn upgrade_password_hash(c: &Connection, user_id: i64, verified: &str, hash: &str) -> StoreResult<bool> {
    let changed = c.execute(
        "update users set password_hash = ?1 where id = ?2 and password_hash = ?3",
        params![hash, user_id, verified],
    )?;
    Ok(changed == 1)
}

pub fn set_operator_password(c: &Connection, change: &OperatorPassword) -> StoreResult<u64> {
    let changed = c.execute(
        "update users set password_hash = ?1, must_reset_password = 0 where id = ?2",
        params![change.hash, change.user_id],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    let ended = c.execute("delete from sessions where user_id = ?1", [change.user_id])?;
    clear_failures(c, &change.lockout_key)?;
    record_audit(c, &change.audit)?;
    Ok(ended as u64)
}

/// Refuses with `PasswordChanged` unless `verified` is still the user's stored hash.
pub fn ensure_password_is(c: &Connection, user_id: i64, verified: &str) -> StoreResult<()> {
    let stored: Option<String> = c
        .query_row("select password_hash from users where id = ?1", [user_id], |row| row.get(0))
        .optional()?;
    if stored.as_deref() == Some(verified) { Ok(()) } else { Err(StoreError::PasswordChanged) }
}

/// The account's counter. The writer's transaction holds SQLite's write lock, so no other
/// check can read it until this one has written it back.
fn failures(c: &Connection, lockout_key: &str) -> StoreResult<Option<FailureState>> {
    let mut statement = c.prepare_cached(
        "select attempts, window_started_at, locked_until from password_failures where key = ?1",
    )?;
    let mut rows = statement.query([lockout_key])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    Ok(Some(FailureState {
        attempts: u32::try_from(row.int(0)?).unwrap_or(u32::MAX),
        window_started_at: row.time(1)?,
        locked_until: row.optional_time(2)?,
    }))
}

fn upsert_failures(c: &Connection, lockout_key: &str, state: &FailureState) -> StoreResult<()> {
    c.prepare_cached(
        "insert into password_failures (key, attempts, window_started_at, locked_until) values (?1, ?2, ?3, ?4) \
         on conflict (key) do update set attempts = excluded.attempts, \
         window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
    )?
    .execute(params![lockout_key, state.attempts, time_text(state.window_started_at), state.locked_until.map(time_text)])?;
    Ok(())
}

pub fn clear_failures(c: &Connection, lockout_key: &str) -> StoreResult<()> {
    c.prepare_cached("delete from password_failures where key = ?1")?.execute([lockout_key])?;
    Ok(())
}

/// Refuses with `Locked` while password checks for the account are locked.
pub fn ensure_unlocked(c: &Connection, lockout_key: &str, now: OffsetDateTime) -> StoreResult<()> {
    match failures(c, lockout_key)?.and_then(|state| state.locked_until.filter(|until| *until > now)) {
        Some(until) => Err(StoreError::Locked(until)),
        None => Ok(()),
    }
}

pub fn admit_password_check(c: &Connection, check: &PasswordCheck) -> StoreResult<Admission> {
    let previous = failures(c, &check.lockout_key)?;
    let (next, admission) = check.rule.admit(previous, check.now);
    upsert_failures(c, &check.lockout_key, &next)?;
    if let Admission::Locked { .. } = admission {
        record_audit(c, &check.refused)?;
        if !previous.is_some_and(|p| p.is_locked(check.now)) {
            record_audit(c, &check.refused.locked_out())?;
        }
    }
    Ok(admission)
}

pub fn record_password_failure(
    c: &Connection,
    attempt: &FailedAttempt,
) -> StoreResult<Option<OffsetDateTime>> {
    let now = attempt.audit.at;
    let counted = failures(c, &attempt.lockout_key)?.unwrap_or(FailureState {
        attempts: attempt.attempt,
        window_started_at: now,
        locked_until: None,
    });
    let next = attempt.rule.after_failure(counted, attempt.attempt, now);
    upsert_failures(c, &attempt.lockout_key, &next)?;
    record_audit(c, &attempt.audit)?;
    if next.is_locked(now) && !counted.is_locked(now) {
        record_audit(c, &attempt.audit.locked_out())?;
        // Credentials sent with each request are not believed while the account is locked.
        if let Some(user_id) = attempt.audit.user_id {
            c.prepare_cached(shared::END_CLIENT_SESSIONS)?.execute(params![user_id, BASIC_CLIENT])?;
        }
    }
    Ok(next.locked_until.filter(|until| *until > now))
}

pub fn record_password_success(
    c: &Connection,
    lockout_key: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<OffsetDateTime>> {
    let lock = failures(c, lockout_key)?.and_then(|state| state.locked_until.filter(|until| *until > now));
    if lock.is_none() {
        clear_failures(c, lockout_key)?;
    }
    Ok(lock)
}

pub fn record_audit(c: &Connection, event: &AuditEvent) -> StoreResult<()> {
    c.prepare_cached(
        "insert into audit_events (at, user_id, email_key, event, source, user_agent, detail, actor_id, \
         actor_key, location_id) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        time_text(event.at),
        event.user_id,
        event.email_key,
        event.kind.as_str(),
        event.source,
        event.user_agent,
        event.detail,
        event.actor.as_ref().and_then(|a| a.user_id),
        event.actor.as_ref().and_then(|a| a.key_name.as_deref()),
        event.actor.as_ref().and_then(|a| a.location_id),
    ])?;
    Ok(())
}

/// Everything about an address: events under its key or its digest (whoever held it), and
/// its current holder's.
pub fn audit_of(c: &Connection, email_key: &str) -> StoreResult<Vec<AuditRecord>> {
    let mut statement = c.prepare_cached(
        "select at, event, user_id, source, user_agent, detail, actor_id, actor_key, location_id from audit_events \
         where email_key = ?1 or email_key = ?2 or user_id = (select id from users where email_key = ?1) \
         order by at, id",
    )?;
    all_rows(statement.query([email_key, &email_digest(email_key)])?, |row| shared::audit_record_from(row))
}

/// Everything recorded with the user's id, whatever address it was recorded under.
pub fn audit_of_user(c: &Connection, user_id: i64) -> StoreResult<Vec<AuditRecord>> {
    let mut statement = c.prepare_cached(
        "select at, event, user_id, source, user_agent, detail, actor_id, actor_key, location_id from audit_events where user_id = ?1 \
         order by at, id",
    )?;
    all_rows(statement.query([user_id])?, |row| shared::audit_record_from(row))
}

/// Deletes failure counters that no longer matter.
pub fn purge_stale_failures(
    c: &Connection,
    window_start: OffsetDateTime,
    now: OffsetDateTime,
) -> StoreResult<()> {
    c.execute(
        "delete from password_failures where window_started_at <= ?1 and (locked_until is null or locked_until <= ?2)",
        [time_text(window_start), time_text(now)],
    )?;
    Ok(())
}

/// Makes the e-mail keys again after the way keys are made changed (the migration leaves a
/// step in `store_upgrades`), once. Only addresses with characters outside ASCII can have
/// another key now. Two accounts that the new keys make one address keep their old keys,
/// and the operator is told.
pub fn rekey_emails(c: &Connection) -> StoreResult<()> {
    let pending = c.execute("delete from store_upgrades where step = 'email_keys_nfkc'", [])?;
    if pending == 0 {
        return Ok(());
    }
    let users: Vec<(i64, String, String)> = {
        let mut statement = c.prepare(
            "select id, email, email_key from users where email glob ('*[^' || char(1) || '-~]*')",
        )?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, email, stored) in users {
        let key = crate::domain::fields::email_key(&email);
        if key == stored {
            continue;
        }
        let taken: bool =
            c.query_row("select exists (select 1 from users where email_key = ?1)", [&key], |row| {
                row.get(0)
            })?;
        if taken {
            tracing::warn!(user = id, "two accounts now have the same e-mail key; the older key is kept");
            continue;
        }
        c.execute("update users set email_key = ?1 where id = ?2", params![key, id])?;
    }
    Ok(())
}

/// Suspends or reactivates a user (the writer's savepoint makes it one change).
pub fn set_user_active(c: &Connection, user_id: i64, active: bool, audit: &AuditEvent) -> StoreResult<()> {
    if c.prepare_cached(shared::SET_USER_ACTIVE)?.execute(params![active, user_id])? == 0 {
        return Err(StoreError::NotFound);
    }
    if !active {
        c.prepare_cached(shared::END_USER_SESSIONS)?.execute([user_id])?;
    }
    let profiles =
        all_rows(c.prepare_cached(shared::PROFILES_OF_USER_IDS)?.query([user_id])?, |row| Ok(row.get(0)?))?;
    for profile_id in profiles {
        super::directory::sync(c, profile_id)?;
    }
    record_audit(c, audit)
}

pub fn erase_user(c: &Connection, erasure: &Erasure) -> StoreResult<()> {
    let user_id = erasure.user_id;
    let tombstone = format!("erased: user {user_id}");
    c.prepare_cached(shared::TOMBSTONE_AUDIT)?.execute(params![tombstone, user_id, erasure.email_key])?;
    // The search index is a virtual table: no foreign key takes its rows with the profiles.
    c.prepare_cached(
        "delete from directory_search where rowid in (select id from profiles where user_id = ?1)",
    )?
    .execute([user_id])?;
    c.prepare_cached(shared::DELETE_MAIL_TO)?.execute([&erasure.email_key])?;
    c.prepare_cached(shared::DELETE_LOCKOUT)?.execute([&erasure.lockout_key])?;
    if c.prepare_cached(shared::DELETE_USER)?.execute([user_id])? == 0 {
        return Err(StoreError::NotFound);
    }
    record_audit(c, &erasure.audit)
}

pub fn rename_location(c: &Connection, location_id: i64, name: &str) -> StoreResult<()> {
    if c.prepare_cached(shared::RENAME_LOCATION)?.execute(params![name, location_id])? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
