//! The one error type of the use-case layer; the HTTP edge turns it into the envelope.

use std::time::Duration;

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
    #[error("not signed in")]
    Unauthenticated,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("the profile changed since it was read")]
    PreconditionFailed,
    /// Password checks for the account are locked after repeated failures.
    #[error("locked for {retry_after:?}")]
    Locked { retry_after: Duration },
    #[error("the store is unavailable: {reason}")]
    Unavailable { reason: String, retry_after: Duration },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

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
                ServiceError::Unavailable { reason, retry_after: Duration::from_secs(2) }
            }
            StoreError::Conflict(message) => ServiceError::Internal(anyhow::anyhow!("conflict: {message}")),
            StoreError::Other(e) => ServiceError::Internal(e),
        }
    }
}

impl From<HashError> for ServiceError {
    fn from(error: HashError) -> Self {
        ServiceError::Internal(anyhow::Error::new(error))
    }
}
