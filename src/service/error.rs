//! The one error type of the use-case layer; the HTTP edge turns it into the envelope.

use std::time::Duration;

use crate::ai::AiError;
use crate::auth::password::HashError;
use crate::domain::FieldErrors;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    /// The token endpoint's own failure (RFC 6749 `invalid_grant`).
    #[error("invalid grant: {0}")]
    InvalidGrant(&'static str),
    /// A malformed token request (RFC 6749 `invalid_request`), refused before any work.
    #[error("invalid request: {0}")]
    InvalidRequest(&'static str),
    /// A query parameter the use case cannot take.
    #[error("{parameter} {message}")]
    InvalidParameter { parameter: &'static str, message: String },
    #[error("not signed in")]
    Unauthenticated,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("the profile changed since it was read")]
    PreconditionFailed,
    /// Password checks for the account are locked after repeated failures.
    #[error("locked for {retry_after:?}")]
    Locked { retry_after: Duration },
    /// The client's address sent more password work than its rate limit allows.
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// The member's hourly drafts, or the location's daily cap, are used up.
    #[error("no drafts left for {retry_after:?} ({limit:?})")]
    DraftsUsedUp { limit: DraftLimit, retry_after: Duration },
    /// The account was sent its hourly number of links of this kind.
    #[error("too many links for {retry_after:?}")]
    TooManyLinks { retry_after: Duration },
    /// The AI provider failed (502) or did not answer in time (504).
    #[error(transparent)]
    Ai(#[from] AiError),
    #[error("the store is unavailable: {reason}")]
    Unavailable { reason: String, retry_after: Duration },
    /// Password work could not be taken on (the hashing queue is full) or was given up (the
    /// client left): expected under load, so not logged as a fault.
    #[error("busy: {0}")]
    Busy(HashError),
    /// What an operator asked for cannot be done (the command line says why).
    #[error("{0}")]
    Invalid(String),
    /// Problems found in an import file, each with its line number; nothing was written.
    #[error("the file was not imported (nothing was written):\n{}", .0.join("\n"))]
    Import(Vec<String>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Which draft limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftLimit {
    Member,
    Location,
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Validation(errors)
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound("record"),
            StoreError::VersionMismatch => ServiceError::PreconditionFailed,
            StoreError::Unavailable(reason) => {
                metrics::counter!("portico_store_errors_total", "kind" => "unavailable").increment(1);
                ServiceError::Unavailable { reason, retry_after: Duration::from_secs(2) }
            }
            StoreError::Conflict(message) => ServiceError::Internal(anyhow::anyhow!("conflict: {message}")),
            StoreError::SessionEnded => ServiceError::Unauthenticated,
            // Both are mapped where they can happen, with the clock and the right field.
            StoreError::Locked(_) | StoreError::PasswordChanged => {
                ServiceError::Internal(anyhow::anyhow!("unexpected store outcome: {error}"))
            }
            StoreError::Other(e) => {
                metrics::counter!("portico_store_errors_total", "kind" => "other").increment(1);
                ServiceError::Internal(e)
            }
        }
    }
}

impl From<HashError> for ServiceError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy | HashError::Abandoned => ServiceError::Busy(error),
            HashError::Argon2(_) | HashError::Closed => ServiceError::Internal(anyhow::Error::new(error)),
        }
    }
}

impl From<super::rate_limit::OverLimit> for ServiceError {
    fn from(over: super::rate_limit::OverLimit) -> Self {
        ServiceError::RateLimited { retry_after: over.retry_after }
    }
}
