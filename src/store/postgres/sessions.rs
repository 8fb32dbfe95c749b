//! Sessions and refresh-token families, in PostgreSQL.

use sqlx::{PgConnection, PgPool};

use time::OffsetDateTime;

use super::accounts::{clear_failures, ensure_password_is, ensure_unlocked, record_audit};
use crate::auth::token::TokenHash;
use crate::domain::audit::AuditEvent;
use crate::domain::profile::Profile;
use crate::store::shared::{self, RefreshStep};
use crate::store::{
    LinkSignIn, NewSession, RefreshOutcome, Session, SessionSummary, SessionTokens, StoreError, StoreResult,
    TokenOwner, VerifiedPassword,
};

pub async fn create_session(
    c: &mut PgConnection,
    session: &NewSession,
    verified: &VerifiedPassword,
    audit: &AuditEvent,
) -> StoreResult<Session> {
    ensure_unlocked(c, &verified.lockout_key, session.created_at).await?;
    ensure_password_is(c, session.user_id, &verified.hash).await?;
    let started = insert_session(c, session).await?;
    clear_failures(c, &verified.lockout_key).await?;
    record_audit(c, audit).await?;
    Ok(started)
}

/// Writes a new session; the client's earlier refresh tokens end.
async fn insert_session(c: &mut PgConnection, session: &NewSession) -> StoreResult<Session> {
    let tokens = &session.tokens;
    let id: i64 = sqlx::query_scalar(shared::INSERT_SESSION)
        .bind(session.user_id)
        .bind(session.profile_id)
        .bind(&tokens.access_hash.0)
        .bind(&tokens.refresh_hash.0)
        .bind(tokens.access_expires_at)
        .bind(tokens.refresh_expires_at)
        .bind(session.created_at)
        .bind(&session.source)
        .bind(&session.user_agent)
        .bind(session.expires_at)
        .bind(&session.client_id)
        .fetch_one(&mut *c)
        .await?;
    sqlx::query(shared::END_CLIENT_REFRESH)
        .bind(session.created_at)
        .bind(session.user_id)
        .bind(&session.client_id)
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(Session {
        id,
        user_id: session.user_id,
        profile_id: session.profile_id,
        access_expires_at: tokens.access_expires_at,
    })
}

/// A session through a sign-in link, for the link's user at their default profile.
pub async fn sign_in_with_link(c: &mut PgConnection, sign_in: &LinkSignIn) -> StoreResult<Option<Session>> {
    let found = super::links::link(c, &sign_in.token_hash, sign_in.now, true).await?;
    let Some(found) = found.filter(|l| l.purpose.signs_in()) else { return Ok(None) };
    let (profile_id, user_key): (Option<i64>, String) =
        sqlx::query_as("select default_profile_id, email_key from users where id = $1")
            .bind(found.user_id)
            .fetch_one(&mut *c)
            .await?;
    let Some(profile_id) = profile_id else { return Ok(None) };
    sqlx::query(shared::USE_LINK).bind(sign_in.now).bind(&sign_in.token_hash.0).execute(&mut *c).await?;
    let session = NewSession {
        user_id: found.user_id,
        profile_id,
        tokens: sign_in.tokens.clone(),
        created_at: sign_in.now,
        expires_at: sign_in.expires_at,
        source: sign_in.source.clone(),
        user_agent: sign_in.user_agent.clone(),
        client_id: sign_in.client_id.clone().unwrap_or(user_key),
    };
    let started = insert_session(c, &session).await?;
    record_audit(c, &AuditEvent { user_id: Some(found.user_id), ..sign_in.audit.clone() }).await?;
    Ok(Some(started))
}

/// The live session of an access token.
pub async fn session_by_access(
    pool: &PgPool,
    hash: &TokenHash,
    now: OffsetDateTime,
) -> StoreResult<Option<Session>> {
    let session: Option<(i64, i64, i64, OffsetDateTime)> = sqlx::query_as(
        "select id, user_id, profile_id, access_expires_at from sessions where access_hash = $1 and access_expires_at > $2",
    )
    .bind(&hash.0)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(session.map(|(id, user_id, profile_id, access_expires_at)| Session {
        id,
        user_id,
        profile_id,
        access_expires_at,
    }))
}

/// The live session of an access token and its current profile, in one read.
pub async fn session_profile(
    pool: &PgPool,
    hash: &TokenHash,
    now: OffsetDateTime,
) -> StoreResult<Option<(Session, Profile)>> {
    let sql: &str = &shared::SESSION_PROFILE;
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&hash.0).bind(now).fetch_optional(pool).await?;
    row.map(|row| shared::session_profile_from(&row)).transpose()
}

pub async fn rotate_refresh(
    c: &mut PgConnection,
    refresh: &TokenHash,
    next: &SessionTokens,
    now: OffsetDateTime,
    client_id: Option<&str>,
) -> StoreResult<RefreshOutcome> {
    let locked = format!("{} for update of s", shared::REFRESH_HOLDER);
    let row = sqlx::query(sqlx::AssertSqlSafe(locked)).bind(&refresh.0).fetch_optional(&mut *c).await?;
    let holder = row.map(|row| shared::refresh_holder_from(&row)).transpose()?;
    match shared::refresh_step(holder.as_ref(), client_id, now) {
        RefreshStep::Rotate { session_id, session_ends } => {
            retire_refresh_of(c, session_id).await?;
            let (id, user_id, profile_id, access_expires_at): (i64, i64, i64, OffsetDateTime) =
                sqlx::query_as(shared::ROTATE_REFRESH)
                    .bind(&next.access_hash.0)
                    .bind(&next.refresh_hash.0)
                    .bind(next.access_expires_at.min(session_ends))
                    .bind(next.refresh_expires_at.min(session_ends))
                    .bind(now)
                    .bind(session_id)
                    .fetch_one(c)
                    .await?;
            Ok(RefreshOutcome::Rotated(Session { id, user_id, profile_id, access_expires_at }))
        }
        RefreshStep::EndExpired(session_id) => {
            end_session_unaudited(c, session_id).await?;
            Ok(RefreshOutcome::Invalid)
        }
        RefreshStep::OtherClient => Ok(RefreshOutcome::Invalid),
        RefreshStep::LookForReuse => {
            let locked = format!("{} for update of s", shared::RETIRED_REFRESH_HOLDER);
            let reused: Option<(i64, i64)> =
                sqlx::query_as(sqlx::AssertSqlSafe(locked)).bind(&refresh.0).fetch_optional(&mut *c).await?;
            match reused {
                Some((id, user_id)) => {
                    end_session_unaudited(c, id).await?;
                    Ok(RefreshOutcome::Reused { user_id })
                }
                None => Ok(RefreshOutcome::Invalid),
            }
        }
    }
}

/// Moves a session's refresh token into its family's history.
async fn retire_refresh_of(c: &mut PgConnection, session_id: i64) -> StoreResult<()> {
    sqlx::query(shared::RETIRE_REFRESH).bind(session_id).execute(c).await?;
    Ok(())
}

/// Retires a session's refresh token and gives it `next` (a password change).
pub async fn replace_refresh(c: &mut PgConnection, session_id: i64, next: &TokenHash) -> StoreResult<()> {
    retire_refresh_of(c, session_id).await?;
    sqlx::query("update sessions set refresh_hash = $1 where id = $2")
        .bind(&next.0)
        .bind(session_id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn token_owner(pool: &PgPool, hash: &TokenHash) -> StoreResult<Option<TokenOwner>> {
    let owner: Option<(i64, i64)> = sqlx::query_as(
        "select id, user_id from sessions where access_hash = $1 or refresh_hash = $1 \
         union all select s.id, s.user_id from retired_refresh_tokens r join sessions s on s.id = r.session_id \
         where r.hash = $1",
    )
    .bind(&hash.0)
    .fetch_optional(pool)
    .await?;
    Ok(owner.map(|(session_id, user_id)| TokenOwner { session_id, user_id }))
}

/// Whether the session is still alive; locks it, so that a concurrent revocation waits for
/// this transaction instead of passing it.
pub async fn session_exists(c: &mut PgConnection, session_id: i64) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar("select id from sessions where id = $1 for share")
        .bind(session_id)
        .fetch_optional(c)
        .await?;
    Ok(found.is_some())
}

pub async fn end_session_unaudited(c: &mut PgConnection, id: i64) -> StoreResult<()> {
    sqlx::query("delete from sessions where id = $1").bind(id).execute(c).await?;
    Ok(())
}

pub async fn delete_user_sessions(c: &mut PgConnection, user_id: i64) -> StoreResult<u64> {
    let done = sqlx::query("delete from sessions where user_id = $1").bind(user_id).execute(c).await?;
    Ok(done.rows_affected())
}

/// Every other session of the user ends (a password change).
pub async fn end_other_sessions(c: &mut PgConnection, user_id: i64, keep: i64) -> StoreResult<()> {
    sqlx::query("delete from sessions where user_id = $1 and id <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn sessions_of_user(
    pool: &PgPool,
    user_id: i64,
    now: OffsetDateTime,
) -> StoreResult<Vec<SessionSummary>> {
    let rows = sqlx::query(
        "select id, profile_id, created_at, refreshed_at, access_expires_at, refresh_expires_at, source, \
         user_agent from sessions where user_id = $1 \
         and (refresh_expires_at > $2 or access_expires_at > $2) order by created_at, id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    rows.iter().map(shared::session_summary_from).collect()
}

pub async fn switch_profile(c: &mut PgConnection, session: &Session, profile_id: i64) -> StoreResult<()> {
    let owned: Option<i64> = sqlx::query_scalar("select id from profiles where id = $1 and user_id = $2")
        .bind(profile_id)
        .bind(session.user_id)
        .fetch_optional(&mut *c)
        .await?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("update sessions set profile_id = $1 where id = $2")
        .bind(profile_id)
        .bind(session.id)
        .execute(&mut *c)
        .await?;
    sqlx::query("update users set default_profile_id = $1 where id = $2")
        .bind(profile_id)
        .bind(session.user_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Deletes sessions past their refresh expiry and failure counters that no longer matter.
pub async fn purge_expired(
    c: &mut PgConnection,
    now: OffsetDateTime,
    window_start: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("delete from sessions where refresh_expires_at <= $1 and access_expires_at <= $1")
        .bind(now)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "delete from password_failures where window_started_at <= $1 and (locked_until is null or locked_until <= $2)",
    )
    .bind(window_start)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
