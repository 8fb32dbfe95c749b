//! Sign-in, token refresh, sign-out and resolving a bearer token to its session.

use secrecy::SecretString;
use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use crate::app::AppState;
use crate::auth::password::Verification;
use crate::auth::token::{self, TokenPair};
use crate::domain::audit::{AuditEvent, AuditKind};
use crate::domain::fields::email_key;
use crate::domain::profile::{Location, User};
use crate::store::{FailedAttempt, LoginRecord, NewSession, RefreshOutcome, Session, SessionTokens};

const WRONG_CREDENTIALS: &str = "The user name or password is incorrect.";

/// Where a request came from, for the session list and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub source: Option<String>,
    pub user_agent: Option<String>,
}

/// The tokens handed to a client, in clear, once.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// The password grant. An unknown e-mail and a wrong password get the same answer after
/// the same work, and lock out alike.
pub async fn sign_in(
    app: &AppState,
    email: &str,
    password: &SecretString,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let key = email_key(email);
    ensure_unlocked(app, &key, None, AuditKind::SignInFailed, &client).await?;
    let record = app.store.login_record(&key).await?;
    let stored_hash = record.as_ref().map(|r| r.password_hash.as_str());
    let verification = app.hasher.verify(password, stored_hash).await?;
    let (record, needs_rehash) = match (record, verification) {
        (Some(record), Verification::Match { needs_rehash }) if record.active => (record, needs_rehash),
        (record, _) => {
            let user_id = record.map(|r| r.user_id);
            record_failure(app, &key, user_id, AuditKind::SignInFailed, &client).await?;
            return Err(ServiceError::InvalidGrant(WRONG_CREDENTIALS));
        }
    };
    let tokens = start_session(app, &record, &key, client).await?;
    if needs_rehash {
        upgrade_hash(app, record.user_id, password).await;
    }
    Ok(tokens)
}

async fn start_session(
    app: &AppState,
    record: &LoginRecord,
    key: &str,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let now = app.clock.now();
    let tokens = TokenPair::generate();
    let audit = audit_event(app, AuditKind::SignIn, Some(record.user_id), key, &client, None);
    let session = NewSession {
        user_id: record.user_id,
        profile_id: record.default_profile_id,
        tokens: session_tokens(app, &tokens, now),
        created_at: now,
        source: client.source,
        user_agent: client.user_agent,
    };
    app.store.create_session(&session, key, &audit).await?;
    Ok(issued(app, tokens))
}

/// A hash made with older Argon2 parameters is replaced while the password is at hand.
/// Failing to do so must not fail the sign-in.
async fn upgrade_hash(app: &AppState, user_id: i64, password: &SecretString) {
    let upgraded = match app.hasher.hash(password).await {
        Ok(hash) => app.store.upgrade_password_hash(user_id, &hash).await.map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match upgraded {
        Ok(()) => tracing::info!(user_id, "upgraded a password hash to the current parameters"),
        Err(error) => tracing::warn!(user_id, %error, "could not upgrade a password hash"),
    }
}

/// Refuses a password check while the account is locked, recording the attempt.
pub async fn ensure_unlocked(
    app: &AppState,
    key: &str,
    user_id: Option<i64>,
    kind: AuditKind,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let now = app.clock.now();
    let Some(until) = app.store.password_lock(key, now).await? else {
        return Ok(());
    };
    let audit = audit_event(app, kind, user_id, key, client, Some("refused: password checks are locked"));
    app.store.record_audit(&audit).await?;
    let seconds = (until - now).whole_seconds().max(1);
    Err(ServiceError::Locked { retry_after: std::time::Duration::from_secs(seconds.unsigned_abs()) })
}

/// Counts a wrong password toward the account's lockout.
pub async fn record_failure(
    app: &AppState,
    key: &str,
    user_id: Option<i64>,
    kind: AuditKind,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let attempt = FailedAttempt {
        email_key: key.to_string(),
        rule: app.settings.lockout,
        audit: audit_event(app, kind, user_id, key, client, None),
    };
    if app.store.record_password_failure(&attempt).await?.is_some() {
        tracing::warn!(user_id, "password checks locked after repeated failures");
    }
    Ok(())
}

pub fn audit_event(
    app: &AppState,
    kind: AuditKind,
    user_id: Option<i64>,
    key: &str,
    client: &ClientInfo,
    detail: Option<&str>,
) -> AuditEvent {
    AuditEvent {
        at: app.clock.now(),
        kind,
        user_id,
        email_key: Some(key.to_string()),
        source: client.source.clone(),
        user_agent: client.user_agent.clone(),
        detail: detail.map(str::to_string),
    }
}

/// The refresh grant: a live refresh token buys a new pair and dies.
pub async fn refresh(
    app: &AppState,
    refresh_token: &str,
    client: &ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let now = app.clock.now();
    let tokens = TokenPair::generate();
    let outcome = app
        .store
        .rotate_refresh(&token::hash(refresh_token), &session_tokens(app, &tokens, now), now)
        .await?;
    match outcome {
        RefreshOutcome::Rotated(_) => Ok(issued(app, tokens)),
        RefreshOutcome::Reused { user_id } => {
            tracing::warn!(user_id, "a rotated refresh token was presented again; its session was ended");
            let user = app.store.user(user_id).await?;
            let audit = audit_event(
                app,
                AuditKind::RefreshTokenReused,
                Some(user_id),
                &email_key(&user.email),
                client,
                None,
            );
            app.store.record_audit(&audit).await?;
            Err(ServiceError::InvalidGrant("The refresh token is invalid, expired or already used."))
        }
        RefreshOutcome::Invalid => {
            Err(ServiceError::InvalidGrant("The refresh token is invalid, expired or already used."))
        }
    }
}

/// The session a bearer token belongs to.
pub async fn authenticate(app: &AppState, access_token: &str) -> ServiceResult<Session> {
    app.store
        .session_by_access(&token::hash(access_token), app.clock.now())
        .await?
        .ok_or(ServiceError::Unauthenticated)
}

pub async fn revoke(app: &AppState, session: &Session, client: &ClientInfo) -> ServiceResult<()> {
    let user = app.store.user(session.user_id).await?;
    let audit =
        audit_event(app, AuditKind::SessionRevoked, Some(user.id), &email_key(&user.email), client, None);
    Ok(app.store.revoke_session(session.id, &audit).await?)
}

/// What `/login/me` shows.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub current_profile_id: i64,
    pub location: Location,
    pub expires_on: OffsetDateTime,
}

pub async fn describe(app: &AppState, session: &Session) -> ServiceResult<SessionInfo> {
    let user = app.store.user(session.user_id).await?;
    let profile = app.store.profile(session.profile_id).await?;
    let location = app.store.location(profile.location_id).await?;
    Ok(SessionInfo {
        user,
        current_profile_id: session.profile_id,
        location,
        expires_on: session.access_expires_at,
    })
}

fn session_tokens(app: &AppState, tokens: &TokenPair, now: OffsetDateTime) -> SessionTokens {
    SessionTokens {
        access_hash: tokens.access_hash(),
        refresh_hash: tokens.refresh_hash(),
        access_expires_at: now + app.settings.access_token_ttl,
        refresh_expires_at: now + app.settings.refresh_token_ttl,
    }
}

fn issued(app: &AppState, tokens: TokenPair) -> IssuedTokens {
    IssuedTokens {
        access_token: tokens.access,
        refresh_token: tokens.refresh,
        expires_in: app.settings.access_token_ttl.as_secs(),
    }
}
