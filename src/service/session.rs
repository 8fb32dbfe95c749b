//! Sign-in, token refresh, sign-out and resolving a bearer token to its session.

use secrecy::SecretString;
use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use crate::app::AppState;
use crate::auth::password::Verification;
use crate::auth::token::{self, TokenPair};
use crate::domain::fields::email_key;
use crate::domain::profile::{Location, User};
use crate::store::{NewSession, RefreshOutcome, Session, SessionTokens};

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
/// the same work.
pub async fn sign_in(
    app: &AppState,
    email: &str,
    password: &SecretString,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let record = app.store.login_record(&email_key(email)).await?;
    let stored_hash = record.as_ref().map(|r| r.password_hash.as_str());
    let verification = app.hasher.verify(password, stored_hash).await?;
    let record = match (record, verification) {
        (Some(record), Verification::Match { .. }) if record.active => record,
        _ => return Err(ServiceError::InvalidGrant(WRONG_CREDENTIALS)),
    };
    let now = app.clock.now();
    let tokens = TokenPair::generate();
    let session = NewSession {
        user_id: record.user_id,
        profile_id: record.default_profile_id,
        tokens: session_tokens(app, &tokens, now),
        created_at: now,
        source: client.source,
        user_agent: client.user_agent,
    };
    app.store.create_session(&session).await?;
    Ok(issued(app, tokens))
}

/// The refresh grant: a live refresh token buys a new pair and dies.
pub async fn refresh(app: &AppState, refresh_token: &str) -> ServiceResult<IssuedTokens> {
    let now = app.clock.now();
    let tokens = TokenPair::generate();
    let outcome = app
        .store
        .rotate_refresh(&token::hash(refresh_token), &session_tokens(app, &tokens, now), now)
        .await?;
    match outcome {
        RefreshOutcome::Rotated(_) => Ok(issued(app, tokens)),
        RefreshOutcome::Reused => {
            tracing::warn!("a rotated refresh token was presented again; its session was ended");
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

pub async fn revoke(app: &AppState, session: &Session) -> ServiceResult<()> {
    Ok(app.store.revoke_session(session.id).await?)
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
