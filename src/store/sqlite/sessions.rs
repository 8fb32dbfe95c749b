//! Sessions and refresh-token families, in SQLite.

use rusqlite::{Connection, OptionalExtension, params};

use time::OffsetDateTime;

use super::accounts::{self, clear_failures, ensure_password_is, ensure_unlocked, record_audit};
use super::connection::{all_rows, time_text};
use crate::auth::token::TokenHash;
use crate::domain::audit::AuditEvent;
use crate::domain::profile::Profile;
use crate::store::shared::{self, ColumnSource, RefreshStep};
use crate::store::{
    LinkSignIn, NewSession, RefreshOutcome, Session, SessionSummary, SessionTokens, StoreError, StoreResult,
    TokenOwner, VerifiedPassword,
};

pub fn create_session(
    c: &Connection,
    session: &NewSession,
    verified: &VerifiedPassword,
    audit: &AuditEvent,
) -> StoreResult<Session> {
    ensure_unlocked(c, &verified.lockout_key, session.created_at)?;
    ensure_password_is(c, session.user_id, &verified.hash)?;
    let started = insert_session(c, session)?;
    clear_failures(c, &verified.lockout_key)?;
    record_audit(c, audit)?;
    Ok(started)
}

/// Writes a new session; the client's earlier refresh tokens end.
fn insert_session(c: &Connection, session: &NewSession) -> StoreResult<Session> {
    let tokens = &session.tokens;
    let id: i64 = c.prepare_cached(shared::INSERT_SESSION)?.query_row(
        params![
            session.user_id,
            session.profile_id,
            tokens.access_hash.0,
            tokens.refresh_hash.0,
            time_text(tokens.access_expires_at),
            time_text(tokens.refresh_expires_at),
            time_text(session.created_at),
            session.source,
            session.user_agent,
            time_text(session.expires_at),
            session.client_id,
        ],
        |row| row.get(0),
    )?;
    c.prepare_cached(shared::END_CLIENT_REFRESH)?.execute(params![
        time_text(session.created_at),
        session.user_id,
        session.client_id,
        id
    ])?;
    Ok(Session {
        id,
        user_id: session.user_id,
        profile_id: session.profile_id,
        access_expires_at: tokens.access_expires_at,
    })
}

/// A session through a sign-in link, for the link's user at their default profile.
pub fn sign_in_with_link(c: &Connection, sign_in: &LinkSignIn) -> StoreResult<Option<Session>> {
    let found = super::links::link(c, &sign_in.token_hash, sign_in.now)?.filter(|l| l.purpose.signs_in());
    let Some(found) = found else { return Ok(None) };
    let profile_id: Option<i64> =
        c.query_row("select default_profile_id from users where id = ?1", [found.user_id], |row| row.get(0))?;
    let Some(profile_id) = profile_id else { return Ok(None) };
    c.execute(shared::USE_LINK, params![time_text(sign_in.now), sign_in.token_hash.0])?;
    let user_key: String =
        c.query_row("select email_key from users where id = ?1", [found.user_id], |row| row.get(0))?;
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
    let started = insert_session(c, &session)?;
    record_audit(c, &AuditEvent { user_id: Some(found.user_id), ..sign_in.audit.clone() })?;
    Ok(Some(started))
}

/// The live session of an access token.
pub fn session_by_access(
    c: &Connection,
    hash: &TokenHash,
    now: OffsetDateTime,
) -> StoreResult<Option<Session>> {
    let mut statement = c.prepare_cached(
        "select id, user_id, profile_id, access_expires_at from sessions \
         where access_hash = ?1 and access_expires_at > ?2",
    )?;
    let mut rows = statement.query(params![hash.0, time_text(now)])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    Ok(Some(Session {
        id: row.int(0)?,
        user_id: row.int(1)?,
        profile_id: row.int(2)?,
        access_expires_at: row.time(3)?,
    }))
}

/// The live session of an access token and its current profile, in one read.
pub fn session_profile(
    c: &Connection,
    hash: &TokenHash,
    now: OffsetDateTime,
) -> StoreResult<Option<(Session, Profile)>> {
    let sql: &str = &shared::SESSION_PROFILE;
    let mut statement = c.prepare_cached(sql)?;
    let mut rows = statement.query(params![hash.0, time_text(now)])?;
    rows.next()?.map(shared::session_profile_from).transpose()
}

pub fn rotate_refresh(
    c: &Connection,
    refresh: &TokenHash,
    next: &SessionTokens,
    now: OffsetDateTime,
    client_id: Option<&str>,
) -> StoreResult<RefreshOutcome> {
    let mut statement = c.prepare_cached(shared::REFRESH_HOLDER)?;
    let mut rows = statement.query([&refresh.0])?;
    let holder = rows.next()?.map(shared::refresh_holder_from).transpose()?;
    match shared::refresh_step(holder.as_ref(), client_id, now) {
        RefreshStep::Rotate { session_id, session_ends } => {
            retire_refresh_of(c, session_id)?;
            let row = c.prepare_cached(shared::ROTATE_REFRESH)?.query_row(
                params![
                    next.access_hash.0,
                    next.refresh_hash.0,
                    time_text(next.access_expires_at.min(session_ends)),
                    time_text(next.refresh_expires_at.min(session_ends)),
                    time_text(now),
                    session_id
                ],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get::<_, String>(3)?)),
            )?;
            let (id, user_id, profile_id, access): (i64, i64, i64, String) = row;
            let access_expires_at =
                time::OffsetDateTime::parse(&access, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| StoreError::Other(e.into()))?;
            Ok(RefreshOutcome::Rotated(Session { id, user_id, profile_id, access_expires_at }))
        }
        RefreshStep::EndExpired(session_id) => {
            end_session_unaudited(c, session_id)?;
            Ok(RefreshOutcome::Invalid)
        }
        RefreshStep::OtherClient => Ok(RefreshOutcome::Invalid),
        RefreshStep::LookForReuse => {
            let reused: Option<(i64, i64)> = c
                .query_row(shared::RETIRED_REFRESH_HOLDER, [&refresh.0], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            match reused {
                Some((id, user_id)) => {
                    end_session_unaudited(c, id)?;
                    Ok(RefreshOutcome::Reused { user_id })
                }
                None => Ok(RefreshOutcome::Invalid),
            }
        }
    }
}

/// Moves a session's refresh token into its family's history.
fn retire_refresh_of(c: &Connection, session_id: i64) -> StoreResult<()> {
    c.prepare_cached(shared::RETIRE_REFRESH)?.execute([session_id])?;
    Ok(())
}

/// Retires a session's refresh token and gives it `next` (a password change).
pub fn replace_refresh(c: &Connection, session_id: i64, next: &TokenHash) -> StoreResult<()> {
    retire_refresh_of(c, session_id)?;
    c.prepare_cached("update sessions set refresh_hash = ?1 where id = ?2")?
        .execute(params![next.0, session_id])?;
    Ok(())
}

pub fn token_owner(c: &Connection, hash: &TokenHash) -> StoreResult<Option<TokenOwner>> {
    let owner = c
        .prepare_cached(
            "select id, user_id from sessions where access_hash = ?1 or refresh_hash = ?1 \
             union all select s.id, s.user_id from retired_refresh_tokens r join sessions s on s.id = r.session_id \
             where r.hash = ?1",
        )?
        .query_row([&hash.0], |row| Ok(TokenOwner { session_id: row.get(0)?, user_id: row.get(1)? }))
        .optional()?;
    Ok(owner)
}

pub fn session_exists(c: &Connection, session_id: i64) -> StoreResult<bool> {
    Ok(c.prepare_cached("select 1 from sessions where id = ?1")?.exists([session_id])?)
}

pub fn end_session_unaudited(c: &Connection, id: i64) -> StoreResult<()> {
    c.prepare_cached("delete from sessions where id = ?1")?.execute([id])?;
    Ok(())
}

pub fn end_session(c: &Connection, id: i64, audit: &AuditEvent) -> StoreResult<()> {
    end_session_unaudited(c, id)?;
    record_audit(c, audit)
}

pub fn end_user_sessions(c: &Connection, user_id: i64, audit: &AuditEvent) -> StoreResult<u64> {
    let ended = c.execute("delete from sessions where user_id = ?1", [user_id])?;
    record_audit(c, audit)?;
    Ok(ended as u64)
}

/// Every other session of the user ends (a password change).
pub fn end_other_sessions(c: &Connection, user_id: i64, keep: i64) -> StoreResult<()> {
    c.prepare_cached("delete from sessions where user_id = ?1 and id <> ?2")?.execute([user_id, keep])?;
    Ok(())
}

pub fn sessions_of_user(
    c: &Connection,
    user_id: i64,
    now: OffsetDateTime,
) -> StoreResult<Vec<SessionSummary>> {
    let mut statement = c.prepare_cached(
        "select id, profile_id, created_at, refreshed_at, access_expires_at, refresh_expires_at, source, \
         user_agent from sessions where user_id = ?1 \
         and (refresh_expires_at > ?2 or access_expires_at > ?2) order by created_at, id",
    )?;
    all_rows(statement.query(params![user_id, time_text(now)])?, |row| shared::session_summary_from(row))
}

pub fn switch_profile(c: &Connection, session: &Session, profile_id: i64) -> StoreResult<()> {
    let owned = c
        .prepare_cached("select 1 from profiles where id = ?1 and user_id = ?2")?
        .exists([profile_id, session.user_id])?;
    if !owned {
        return Err(StoreError::NotFound);
    }
    c.execute("update sessions set profile_id = ?1 where id = ?2", [profile_id, session.id])?;
    c.execute("update users set default_profile_id = ?1 where id = ?2", [profile_id, session.user_id])?;
    Ok(())
}

/// Deletes sessions past their refresh expiry and failure counters that no longer matter.
pub fn purge_expired(c: &Connection, now: OffsetDateTime, window_start: OffsetDateTime) -> StoreResult<()> {
    c.execute(
        "delete from sessions where refresh_expires_at <= ?1 and access_expires_at <= ?1",
        [time_text(now)],
    )?;
    accounts::purge_stale_failures(c, window_start, now)
}
