//! Locations, members, passwords, the lockout and the audit log, in PostgreSQL. Functions
//! that read before they write lock what they read (`for update`): they run inside the
//! caller's transaction.

use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

use super::profiles;
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::fields::email_digest;
use crate::domain::language::Language;
use crate::domain::lockout::{Admission, FailureState};
use crate::domain::password::PasswordPolicy;
use crate::domain::profile::{Location, User};
use crate::store::shared::{self, LOCATION_COLUMNS};
use crate::store::{
    AddedMember, BASIC_CLIENT, Erasure, FailedAttempt, LoginRecord, NewLocation, NewMember, OperatorPassword,
    PasswordCheck, StoreError, StoreResult,
};

pub async fn add_location(c: &mut PgConnection, location: &NewLocation) -> StoreResult<Location> {
    let id: i64 = sqlx::query_scalar(
        "insert into locations (name, web_address, country_id, created_on) values ($1, $2, $3, $4) returning id",
    )
    .bind(&location.name)
    .bind(&location.web_address)
    .bind(location.country_id)
    .bind(location.created_on)
    .fetch_one(&mut *c)
    .await?;
    self::location(c, id).await
}

pub async fn locations(c: &mut PgConnection) -> StoreResult<Vec<Location>> {
    let sql = format!("select {LOCATION_COLUMNS} from locations order by id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(c).await?;
    rows.iter().map(shared::location_from).collect()
}

pub async fn location(c: &mut PgConnection, id: i64) -> StoreResult<Location> {
    let sql = format!("select {LOCATION_COLUMNS} from locations where id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(c).await?;
    shared::location_from(&row)
}

pub async fn set_location_policy(
    c: &mut PgConnection,
    location_id: i64,
    p: &PasswordPolicy,
) -> StoreResult<()> {
    let done = sqlx::query(
        "update locations set policy_min_length = $1, policy_max_length = $2, policy_reject_common = $3, \
         policy_reject_personal = $4, policy_require_digit = $5, policy_require_upper = $6, \
         policy_require_lower = $7, policy_require_symbol = $8, policy_min_score = $9, \
         policy_require_two_step = $10 where id = $11",
    )
    .bind(i64::from(p.min_length))
    .bind(i64::from(p.max_length))
    .bind(p.reject_common)
    .bind(p.reject_personal)
    .bind(p.require_digit)
    .bind(p.require_upper)
    .bind(p.require_lower)
    .bind(p.require_symbol)
    .bind(i64::from(p.min_score))
    .bind(p.require_two_step)
    .bind(location_id)
    .execute(c)
    .await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn add_members(
    c: &mut PgConnection,
    members: &[NewMember],
    now: OffsetDateTime,
) -> StoreResult<Vec<AddedMember>> {
    let mut added = Vec::with_capacity(members.len());
    for member in members {
        added.push(add_member(c, member, now).await?);
    }
    Ok(added)
}

async fn add_member(
    c: &mut PgConnection,
    member: &NewMember,
    now: OffsetDateTime,
) -> StoreResult<AddedMember> {
    let existing: Option<i64> = sqlx::query_scalar("select id from users where email_key = $1")
        .bind(&member.email_key)
        .fetch_optional(&mut *c)
        .await?;
    let user_id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "insert into users (email, email_key, password_hash, full_name, created_on, updated_on, unique_id) \
                 values ($1, $2, $3, $4, $5, $5, $6) returning id",
            )
            .bind(&member.email)
            .bind(&member.email_key)
            .bind(&member.password_hash)
            .bind(&member.full_name)
            .bind(now)
            .bind(uuid::Uuid::new_v4().to_string())
            .fetch_one(&mut *c)
            .await?
        }
    };
    let profile_id = profiles::insert(c, user_id, member, now)
        .await
        .map_err(|error| shared::profile_conflict(&member.email, error))?;
    sqlx::query("update users set default_profile_id = coalesce(default_profile_id, $1) where id = $2")
        .bind(profile_id)
        .bind(user_id)
        .execute(&mut *c)
        .await?;
    Ok(AddedMember { user_id, profile_id, new_user: existing.is_none() })
}

pub async fn login_record(c: &mut PgConnection, email_key: &str) -> StoreResult<Option<LoginRecord>> {
    let row = sqlx::query(shared::LOGIN_RECORD).bind(email_key).fetch_optional(c).await?;
    Ok(row.map(|row| shared::login_record_from(&row)).transpose()?.flatten())
}

pub async fn user(c: &mut PgConnection, user_id: i64) -> StoreResult<User> {
    let sql = format!("select {} from users where id = $1", *shared::USER_COLUMNS);
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_optional(c).await?;
    shared::user_from(&row.ok_or(StoreError::NotFound)?)
}

pub async fn set_must_reset_password(c: &mut PgConnection, user_id: i64, required: bool) -> StoreResult<()> {
    let done = sqlx::query(shared::SET_MUST_RESET).bind(required).bind(user_id).execute(c).await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn set_user_language(
    c: &mut PgConnection,
    user_id: i64,
    language: Option<Language>,
) -> StoreResult<()> {
    let code = language.map(Language::code);
    let done = sqlx::query(shared::SET_LANGUAGE).bind(code).bind(user_id).execute(c).await?;
    if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn set_operator_password(c: &mut PgConnection, change: &OperatorPassword) -> StoreResult<u64> {
    let done = sqlx::query("update users set password_hash = $1, must_reset_password = false where id = $2")
        .bind(&change.hash)
        .bind(change.user_id)
        .execute(&mut *c)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let ended =
        sqlx::query("delete from sessions where user_id = $1").bind(change.user_id).execute(&mut *c).await?;
    clear_failures(c, &change.lockout_key).await?;
    record_audit(c, &change.audit).await?;
    Ok(ended.rows_affected())
}

/// Refuses with `PasswordChanged` unless `verified` is still the user's stored hash (the
/// row stays locked until the transaction ends).
pub async fn ensure_password_is(c: &mut PgConnection, user_id: i64, verified: &str) -> StoreResult<()> {
    let stored: Option<String> =
        sqlx::query_scalar("select password_hash from users where id = $1 for update")
            .bind(user_id)
            .fetch_optional(c)
            .await?;
    if stored.as_deref() == Some(verified) { Ok(()) } else { Err(StoreError::PasswordChanged) }
}

/// The account's counter, locked for this transaction. A row is made first if there is
/// none, so that concurrent first attempts queue on it instead of racing past each other.
async fn failures_for_update(
    c: &mut PgConnection,
    lockout_key: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<FailureState>> {
    sqlx::query(
        "insert into password_failures (key, attempts, window_started_at) values ($1, 0, $2) \
         on conflict (key) do nothing",
    )
    .bind(lockout_key)
    .bind(now)
    .execute(&mut *c)
    .await?;
    let row: Option<(i64, OffsetDateTime, Option<OffsetDateTime>)> = sqlx::query_as(
        "select attempts, window_started_at, locked_until from password_failures where key = $1 for update",
    )
    .bind(lockout_key)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|(attempts, window_started_at, locked_until)| FailureState {
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        window_started_at,
        locked_until,
    }))
}

async fn upsert_failures(c: &mut PgConnection, lockout_key: &str, state: &FailureState) -> StoreResult<()> {
    sqlx::query(
        "insert into password_failures (key, attempts, window_started_at, locked_until) values ($1, $2, $3, $4) \
         on conflict (key) do update set attempts = excluded.attempts, \
         window_started_at = excluded.window_started_at, locked_until = excluded.locked_until",
    )
    .bind(lockout_key)
    .bind(i64::from(state.attempts))
    .bind(state.window_started_at)
    .bind(state.locked_until)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn clear_failures(c: &mut PgConnection, lockout_key: &str) -> StoreResult<()> {
    sqlx::query("delete from password_failures where key = $1").bind(lockout_key).execute(c).await?;
    Ok(())
}

/// Refuses with `Locked` while password checks for the account are locked.
pub async fn ensure_unlocked(
    c: &mut PgConnection,
    lockout_key: &str,
    now: OffsetDateTime,
) -> StoreResult<()> {
    let locked_until: Option<Option<OffsetDateTime>> =
        sqlx::query_scalar("select locked_until from password_failures where key = $1 for update")
            .bind(lockout_key)
            .fetch_optional(c)
            .await?;
    match locked_until.flatten().filter(|until| *until > now) {
        Some(until) => Err(StoreError::Locked(until)),
        None => Ok(()),
    }
}

pub async fn admit_password_check(c: &mut PgConnection, check: &PasswordCheck) -> StoreResult<Admission> {
    let previous = failures_for_update(c, &check.lockout_key, check.now).await?;
    let (next, admission) = check.rule.admit(previous, check.now);
    upsert_failures(c, &check.lockout_key, &next).await?;
    if let Admission::Locked { .. } = admission {
        record_audit(c, &check.refused).await?;
        if !previous.is_some_and(|p| p.is_locked(check.now)) {
            record_audit(c, &check.refused.locked_out()).await?;
        }
    }
    Ok(admission)
}

pub async fn record_password_failure(
    c: &mut PgConnection,
    attempt: &FailedAttempt,
) -> StoreResult<Option<OffsetDateTime>> {
    let now = attempt.audit.at;
    let counted = failures_for_update(c, &attempt.lockout_key, now).await?.unwrap_or(FailureState {
        attempts: attempt.attempt,
        window_started_at: now,
        locked_until: None,
    });
    let next = attempt.rule.after_failure(counted, attempt.attempt, now);
    upsert_failures(c, &attempt.lockout_key, &next).await?;
    record_audit(c, &attempt.audit).await?;
    if next.is_locked(now) && !counted.is_locked(now) {
        record_audit(c, &attempt.audit.locked_out()).await?;
        // Credentials sent with each request are not believed while the account is locked.
        if let Some(user_id) = attempt.audit.user_id {
            sqlx::query(shared::END_CLIENT_SESSIONS)
                .bind(user_id)
                .bind(BASIC_CLIENT)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(next.locked_until.filter(|until| *until > now))
}

pub async fn record_password_success(
    c: &mut PgConnection,
    lockout_key: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<OffsetDateTime>> {
    let state = failures_for_update(c, lockout_key, now).await?;
    let lock = state.and_then(|s| s.locked_until.filter(|until| *until > now));
    if lock.is_none() {
        clear_failures(c, lockout_key).await?;
    }
    Ok(lock)
}

pub async fn record_audit(c: &mut PgConnection, event: &AuditEvent) -> StoreResult<()> {
    sqlx::query(
        "insert into audit_events (at, user_id, email_key, event, source, user_agent, detail, actor_id, \
         actor_key, location_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(event.at)
    .bind(event.user_id)
    .bind(&event.email_key)
    .bind(event.kind.as_str())
    .bind(&event.source)
    .bind(&event.user_agent)
    .bind(&event.detail)
    .bind(event.actor.as_ref().and_then(|a| a.user_id))
    .bind(event.actor.as_ref().and_then(|a| a.key_name.as_deref()))
    .bind(event.actor.as_ref().and_then(|a| a.location_id))
    .execute(c)
    .await?;
    Ok(())
}

/// Everything about an address: events under its key or its digest, and its user's.
/// Everything recorded with the user's id, whatever address it was recorded under.
pub async fn audit_of_user(c: &mut PgConnection, user_id: i64) -> StoreResult<Vec<AuditRecord>> {
    let rows = sqlx::query(
        "select at, event, user_id, source, user_agent, detail, actor_id, actor_key, location_id from audit_events where user_id = $1 \
         order by at, id",
    )
    .bind(user_id)
    .fetch_all(c)
    .await?;
    rows.iter().map(shared::audit_record_from).collect()
}

/// Makes the e-mail keys again after the way keys are made changed (the migration leaves a
/// step in `store_upgrades`), once, whichever node gets there first. Only addresses with
/// characters outside ASCII can have another key now. Two accounts that the new keys make
/// one address keep their old keys, and the operator is told.
pub async fn rekey_emails(pool: &PgPool) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let pending = sqlx::query("delete from store_upgrades where step = 'email_keys_nfkc' returning step")
        .fetch_optional(&mut *tx)
        .await?;
    if pending.is_some() {
        let users: Vec<(i64, String, String)> =
            sqlx::query_as("select id, email, email_key from users where email ~ '[^\\x01-\\x7f]'")
                .fetch_all(&mut *tx)
                .await?;
        for (id, email, stored) in users {
            let key = crate::domain::fields::email_key(&email);
            if key == stored {
                continue;
            }
            let taken: bool = sqlx::query_scalar("select exists (select 1 from users where email_key = $1)")
                .bind(&key)
                .fetch_one(&mut *tx)
                .await?;
            if taken {
                tracing::warn!(user = id, "two accounts now have the same e-mail key; the older key is kept");
                continue;
            }
            sqlx::query("update users set email_key = $1 where id = $2")
                .bind(&key)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub async fn audit_of(c: &mut PgConnection, email_key: &str) -> StoreResult<Vec<AuditRecord>> {
    let rows = sqlx::query(
        "select at, event, user_id, source, user_agent, detail, actor_id, actor_key, location_id from audit_events \
         where email_key = $1 or email_key = $2 or user_id = (select id from users where email_key = $1) \
         order by at, id",
    )
    .bind(email_key)
    .bind(email_digest(email_key))
    .fetch_all(c)
    .await?;
    rows.iter().map(shared::audit_record_from).collect()
}

/// Suspends or reactivates a user, in one transaction.
pub async fn set_user_active(
    pool: &PgPool,
    user_id: i64,
    active: bool,
    audit: &AuditEvent,
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(shared::SET_USER_ACTIVE).bind(active).bind(user_id).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    if !active {
        sqlx::query(shared::END_USER_SESSIONS).bind(user_id).execute(&mut *tx).await?;
    }
    let profiles: Vec<i64> =
        sqlx::query_scalar(shared::PROFILES_OF_USER_IDS).bind(user_id).fetch_all(&mut *tx).await?;
    for profile_id in profiles {
        super::directory::sync(&mut tx, profile_id).await?;
    }
    record_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Erases a user and everything of theirs, in one transaction.
pub async fn erase_user(pool: &PgPool, erasure: &Erasure) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    let tombstone = format!("erased: user {}", erasure.user_id);
    sqlx::query(shared::TOMBSTONE_AUDIT)
        .bind(tombstone)
        .bind(erasure.user_id)
        .bind(&erasure.email_key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(shared::DELETE_MAIL_TO).bind(&erasure.email_key).execute(&mut *tx).await?;
    sqlx::query(shared::DELETE_LOCKOUT).bind(&erasure.lockout_key).execute(&mut *tx).await?;
    let deleted = sqlx::query(shared::DELETE_USER).bind(erasure.user_id).execute(&mut *tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    record_audit(&mut tx, &erasure.audit).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn rename_location(pool: &PgPool, location_id: i64, name: &str) -> StoreResult<()> {
    let done = sqlx::query(shared::RENAME_LOCATION).bind(name).bind(location_id).execute(pool).await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
