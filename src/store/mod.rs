//! Persistence: one trait of use-case methods, implemented for SQLite and PostgreSQL.
//! Every write method is one transaction; nothing above this layer sees SQL.

pub mod postgres;
mod rows;
mod shared;
mod sql;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::auth::token::TokenHash;
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::lockout::LockoutRule;
use crate::domain::password::PasswordPolicy;
use crate::domain::patch::ProfilePatch;
use crate::domain::profile::{Location, Profile, ProfileSummary, User, Version};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the record changed since it was read")]
    VersionMismatch,
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A location to create.
#[derive(Debug, Clone)]
pub struct NewLocation {
    pub name: String,
    pub web_address: String,
    pub country_id: i64,
}

/// A member to create (or a profile to add to an existing user with the same e-mail).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub full_name: String,
    pub location_id: i64,
    /// Further profile properties, already validated (from a CSV import).
    pub fields: ProfilePatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddedMember {
    pub user_id: i64,
    pub profile_id: i64,
    pub new_user: bool,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: i64,
    pub password_hash: String,
    pub active: bool,
    pub default_profile_id: i64,
}

/// A signed-in session, as the bearer token resolves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    pub profile_id: i64,
    pub access_expires_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: i64,
    pub profile_id: i64,
    pub tokens: SessionTokens,
    pub created_at: OffsetDateTime,
    pub source: Option<String>,
    pub user_agent: Option<String>,
}

/// The stored form of a token pair and when each part expires.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    pub access_hash: TokenHash,
    pub refresh_hash: TokenHash,
    pub access_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefreshOutcome {
    Rotated(Session),
    /// The token was valid once but has been rotated away: a sign of theft, so the
    /// session it belonged to has been ended.
    Reused {
        user_id: i64,
    },
    Invalid,
}

/// A live session, as `portico member sessions` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub id: i64,
    pub profile_id: i64,
    pub created_at: OffsetDateTime,
    pub refreshed_at: Option<OffsetDateTime>,
    pub access_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
    pub source: Option<String>,
    pub user_agent: Option<String>,
}

/// One wrong password for an account (known or not), to count toward its lockout.
#[derive(Debug, Clone)]
pub struct FailedAttempt {
    pub email_key: String,
    pub rule: LockoutRule,
    pub audit: AuditEvent,
}

/// A new password hash, applied with the rest of a PATCH; every other session of the
/// user ends with it.
#[derive(Debug, Clone)]
pub struct PasswordUpdate {
    pub hash: String,
    pub keep_session: i64,
    pub audit: AuditEvent,
}

/// One PATCH, validated, ready to apply atomically.
#[derive(Debug, Clone)]
pub struct ProfileUpdate<'a> {
    pub profile_id: i64,
    pub user_id: i64,
    pub patch: &'a ProfilePatch,
    /// `If-Match`: apply only if the representation is still at this version.
    pub expected: Option<Version>,
    pub password: Option<PasswordUpdate>,
    /// Whether the caller wants the updated profile back (otherwise only its new version).
    pub representation: bool,
    pub now: OffsetDateTime,
}

/// What a PATCH left behind: the new version, and the profile when it was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub version: Version,
    pub profile: Option<Profile>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;

    async fn create_location(&self, location: &NewLocation) -> StoreResult<Location>;
    async fn locations(&self) -> StoreResult<Vec<Location>>;
    async fn location(&self, id: i64) -> StoreResult<Location>;
    async fn set_location_policy(&self, location_id: i64, policy: &PasswordPolicy) -> StoreResult<()>;

    /// Creates every member in one transaction: all or none.
    async fn add_members(&self, members: &[NewMember], now: OffsetDateTime) -> StoreResult<Vec<AddedMember>>;
    /// Whether any user exists (cheap on a large table).
    async fn has_users(&self) -> StoreResult<bool>;
    async fn login_record(&self, email_key: &str) -> StoreResult<Option<LoginRecord>>;
    async fn user(&self, user_id: i64) -> StoreResult<User>;
    async fn password_hash(&self, user_id: i64) -> StoreResult<String>;
    /// Replaces a hash made with older parameters; the password itself is unchanged.
    async fn upgrade_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;

    /// Until when password checks for this account are locked, if they are.
    async fn password_lock(
        &self,
        email_key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>>;
    /// Counts a wrong password and records it; returns the lock's end if this failure locked
    /// the account.
    async fn record_password_failure(&self, attempt: &FailedAttempt) -> StoreResult<Option<OffsetDateTime>>;
    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Everything recorded for an e-mail address or its user, oldest first.
    async fn audit_of(&self, email_key: &str) -> StoreResult<Vec<AuditRecord>>;

    /// Starts a session after a successful sign-in: clears the account's failure count and
    /// records the sign-in.
    async fn create_session(
        &self,
        session: &NewSession,
        email_key: &str,
        audit: &AuditEvent,
    ) -> StoreResult<Session>;
    /// The live session an access token belongs to, if it has not expired.
    async fn session_by_access(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>>;
    /// The live session of an access token together with its current profile, in one read.
    async fn session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>>;
    /// Swaps a live refresh token for a new pair.
    async fn rotate_refresh(
        &self,
        refresh: &TokenHash,
        next: &SessionTokens,
        now: OffsetDateTime,
    ) -> StoreResult<RefreshOutcome>;
    async fn revoke_session(&self, session_id: i64, audit: &AuditEvent) -> StoreResult<()>;
    /// Ends every session of the user; returns how many there were.
    async fn revoke_user_sessions(&self, user_id: i64, audit: &AuditEvent) -> StoreResult<u64>;
    async fn sessions_of_user(&self, user_id: i64, now: OffsetDateTime) -> StoreResult<Vec<SessionSummary>>;
    /// Makes another of the user's profiles current for the session and the user's default.
    async fn switch_profile(&self, session: &Session, profile_id: i64) -> StoreResult<()>;
    /// Deletes sessions past their refresh expiry and failure counters that no longer matter.
    async fn purge_expired(&self, now: OffsetDateTime, rule: &LockoutRule) -> StoreResult<()>;

    async fn profile(&self, profile_id: i64) -> StoreResult<Profile>;
    async fn profiles_of_user(&self, user_id: i64) -> StoreResult<Vec<ProfileSummary>>;
    /// Applies every change of one PATCH (and a password change) in one transaction.
    async fn apply_profile_patch(&self, update: &ProfileUpdate<'_>) -> StoreResult<Applied>;
}

pub type DynStore = Arc<dyn Store>;

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and brings its
/// schema up to date.
pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url, options).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PostgresStore::connect(url, options).await?))
    } else {
        anyhow::bail!("unsupported database URL (expected sqlite://… or postgres://…): {}", redact(url))
    }
}

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Readers in the pool (SQLite) or connections in all (PostgreSQL).
    pub max_connections: u32,
    /// `FULL` makes every acknowledged commit survive power loss; `NORMAL` only a crash.
    pub sqlite_synchronous_full: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions { max_connections: 8, sqlite_synchronous_full: true }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
