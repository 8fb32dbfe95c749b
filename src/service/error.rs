//! The one error type of the use-case layer. It knows its status, its wait and what a
//! member is told; the API turns that into the envelope and the pages into a page, each
//! in one place.

use std::time::Duration;

use crate::ai::AiError;
use crate::auth::password::HashError;
use crate::domain::FieldErrors;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    /// The password was right, but an operator asked for a new one first: the token of a
    /// password-reset link to choose it with (Nexudus's `must_reset_password`).
    #[error("a new password is required first")]
    MustResetPassword(String),
    /// The password was right and two-step sign-in is on: the code is needed (Nexudus's
    /// `two_factor_auth_check`). `pending` lets the portal ask for the code alone, for minutes.
    #[error("the second step of sign-in is needed")]
    TwoFactorRequired { pending: String },
    /// The password was right, but a location of the member requires two-step sign-in and
    /// they have not set it up: the portal leads them to.
    #[error("two-step sign-in must be set up first")]
    TwoFactorSetupRequired,
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
    /// Signed in, but not allowed: not staff, or not staff enough for this location.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change clashes with what another request did meanwhile (a unique key).
    #[error("conflict: {0}")]
    Conflict(String),
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
    /// The member relayed as many messages through the directory as an hour or a day allows.
    #[error("too many messages for {retry_after:?}")]
    TooManyMessages { retry_after: Duration },
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

impl ServiceError {
    /// The HTTP status that answers it, in the API and on a page alike.
    pub fn status(&self) -> u16 {
        match self {
            ServiceError::Validation(_)
            | ServiceError::MustResetPassword(_)
            | ServiceError::TwoFactorRequired { .. }
            | ServiceError::TwoFactorSetupRequired
            | ServiceError::InvalidGrant(_)
            | ServiceError::InvalidRequest(_)
            | ServiceError::InvalidParameter { .. }
            | ServiceError::Invalid(_)
            | ServiceError::Import(_) => 400,
            ServiceError::Unauthenticated => 401,
            ServiceError::Forbidden(_) => 403,
            ServiceError::NotFound(_) => 404,
            ServiceError::Conflict(_) => 409,
            ServiceError::PreconditionFailed => 412,
            ServiceError::Locked { .. }
            | ServiceError::RateLimited { .. }
            | ServiceError::DraftsUsedUp { .. }
            | ServiceError::TooManyLinks { .. }
            | ServiceError::TooManyMessages { .. } => 429,
            ServiceError::Ai(AiError::Provider(_)) => 502,
            ServiceError::Ai(AiError::Timeout) => 504,
            ServiceError::Unavailable { .. } | ServiceError::Busy(_) => 503,
            ServiceError::Internal(_) => 500,
        }
    }

    /// How long to wait before trying again, when waiting helps.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ServiceError::Unavailable { retry_after, .. }
            | ServiceError::Locked { retry_after }
            | ServiceError::RateLimited { retry_after }
            | ServiceError::DraftsUsedUp { retry_after, .. }
            | ServiceError::TooManyLinks { retry_after }
            | ServiceError::TooManyMessages { retry_after } => Some(*retry_after),
            ServiceError::Busy(_) => Some(Duration::from_secs(1)),
            _ => None,
        }
    }

    /// What the member is told, in plain words: never an internal detail.
    pub fn message(&self) -> String {
        match self {
            ServiceError::Validation(errors) => validation_summary(errors),
            ServiceError::InvalidGrant(description) | ServiceError::InvalidRequest(description) => {
                (*description).into()
            }
            ServiceError::InvalidParameter { parameter, message } => format!("{parameter} {message}"),
            ServiceError::TwoFactorSetupRequired => "Your space requires two-step sign-in: sign in on the member \
                portal once to set it up (an authenticator app), then sign in here with its code."
                .into(),
            ServiceError::TwoFactorRequired { .. } => {
                "Two-step sign-in is on: send the code from your authenticator app (totp), or a recovery code."
                    .into()
            }
            ServiceError::MustResetPassword(_) => {
                "Choose a new password first: your space asked for one; the reset link is in the answer."
                    .into()
            }
            ServiceError::Unauthenticated => {
                "Sign in first: the bearer token is missing, expired or revoked.".into()
            }
            ServiceError::Forbidden(why) => format!("Not allowed: {why}."),
            ServiceError::NotFound(what) => format!("The {what} was not found."),
            ServiceError::Conflict(_) => {
                "Another change got there first (the address or name is taken now); reload and try again."
                    .into()
            }
            ServiceError::PreconditionFailed => {
                "The profile changed since you read it (If-Match no longer matches); reload it and try again."
                    .into()
            }
            ServiceError::Locked { retry_after } => format!(
                "Too many wrong passwords: password checks for this account are locked; try again in {}.",
                in_words(*retry_after)
            ),
            ServiceError::RateLimited { retry_after } => format!(
                "Too many password attempts from your address; try again in {}.",
                in_words(*retry_after)
            ),
            ServiceError::DraftsUsedUp { limit: DraftLimit::Member, retry_after } => {
                format!("You have used your AI drafts for this hour; try again in {}.", in_words(*retry_after))
            }
            ServiceError::DraftsUsedUp { limit: DraftLimit::Location, retry_after } => {
                format!(
                    "This location has used its AI drafts for today; try again in {}.",
                    in_words(*retry_after)
                )
            }
            ServiceError::TooManyLinks { .. } => {
                "Too many e-mails were sent for this account in the last hour; try again later.".into()
            }
            ServiceError::TooManyMessages { retry_after } => format!(
                "You have written to as many members as allowed for now; try again in {}.",
                in_words(*retry_after)
            ),
            ServiceError::Ai(AiError::Provider(_)) => {
                "The AI writer could not write a draft just now; try again later.".into()
            }
            ServiceError::Ai(AiError::Timeout) => {
                "The AI writer took too long to answer; try again later.".into()
            }
            ServiceError::Unavailable { .. } => {
                "The service is briefly unavailable; try again shortly.".into()
            }
            ServiceError::Busy(_) => {
                "The server is busy with other password checks; try again in a moment.".into()
            }
            ServiceError::Invalid(message) => message.clone(),
            ServiceError::Import(problems) => problems.join("; "),
            ServiceError::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
        }
    }

    /// Logs what is a fault (not the member's doing): once, where the error is answered.
    pub fn log_if_fault(&self) {
        match self {
            ServiceError::Unavailable { reason, .. } => tracing::warn!(%reason, "store unavailable"),
            ServiceError::Internal(error) => tracing::error!(error = ?error, "internal error"),
            ServiceError::Ai(AiError::Provider(reason)) => tracing::warn!(%reason, "the AI provider failed"),
            _ => {}
        }
    }
}

/// `40 seconds`, `15 minutes`, `20 hours`: a wait in words, rounded up to the unit (minutes
/// from one minute on, hours from two hours on), as `i18n::wait` says it in other languages.
fn in_words(wait: Duration) -> String {
    let seconds = wait.as_secs().max(1);
    let (count, unit) = if seconds < 60 {
        (seconds, "second")
    } else if seconds < 2 * 3600 {
        (seconds.div_ceil(60), "minute")
    } else {
        (seconds.div_ceil(3600), "hour")
    };
    if count == 1 { format!("1 {unit}") } else { format!("{count} {unit}s") }
}

/// At most this many property names in a summary.
const MAX_NAMES_IN_MESSAGE: usize = 10;

/// `NickName is not valid.`, or the count and the first names of many.
fn validation_summary(errors: &FieldErrors) -> String {
    let mut names: Vec<&str> = errors.iter().map(|e| e.property.as_str()).collect();
    names.dedup();
    let listed = names.len().min(MAX_NAMES_IN_MESSAGE);
    let more = match names.len() - listed {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let mut message = match names.len() {
        1 => format!("{} is not valid.", names[0]),
        n => format!("{n} properties are not valid: {}{more}.", names[..listed].join(", ")),
    };
    if errors.len() > MAX_ERRORS_SHOWN {
        message
            .push_str(&format!(" Errors lists the first {MAX_ERRORS_SHOWN} of {} problems.", errors.len()));
    }
    message
}

/// An answer lists at most this many field errors, so a body of thousands of bad
/// properties cannot make a huge answer; the message counts the rest.
pub const MAX_ERRORS_SHOWN: usize = 50;

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
            StoreError::Conflict(message) => ServiceError::Conflict(message),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ErrorCode, FieldError};

    fn errors(names: &[String]) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for name in names {
            errors.push(FieldError::new(name.clone(), ErrorCode::UnknownField, "is not a property"));
        }
        errors
    }

    #[test]
    fn a_summary_names_ten_properties_and_counts_the_rest() {
        let one = ServiceError::Validation(errors(&["NickName".into()]));
        assert_eq!(one.message(), "NickName is not valid.");
        let names: Vec<String> = (0..12).map(|n| format!("P{n:02}")).collect();
        let twelve = ServiceError::Validation(errors(&names));
        assert_eq!(
            twelve.message(),
            "12 properties are not valid: P00, P01, P02, P03, P04, P05, P06, P07, P08, P09 and 2 more."
        );
        let ten = ServiceError::Validation(errors(&names[..10]));
        assert!(ten.message().ends_with("P08, P09."), "{}", ten.message());
        let many: Vec<String> = (0..51).map(|n| format!("Q{n}")).collect();
        let over = ServiceError::Validation(errors(&many)).message();
        assert!(over.ends_with(" Errors lists the first 50 of 51 problems."), "{over}");
        let fifty = ServiceError::Validation(errors(&many[..50])).message();
        assert!(!fifty.contains("problems"), "{fifty}");
    }

    #[test]
    fn each_error_knows_its_status_and_wait() {
        let wait = Duration::from_secs(90);
        let cases: Vec<(ServiceError, u16, Option<u64>)> = vec![
            (ServiceError::Validation(FieldErrors::default()), 400, None),
            (ServiceError::InvalidGrant("x"), 400, None),
            (ServiceError::Invalid("x".into()), 400, None),
            (ServiceError::Import(vec!["line 2: no".into()]), 400, None),
            (ServiceError::Unauthenticated, 401, None),
            (ServiceError::NotFound("member"), 404, None),
            (ServiceError::Conflict("taken".into()), 409, None),
            (ServiceError::PreconditionFailed, 412, None),
            (ServiceError::Locked { retry_after: wait }, 429, Some(90)),
            (ServiceError::RateLimited { retry_after: wait }, 429, Some(90)),
            (ServiceError::TooManyLinks { retry_after: wait }, 429, Some(90)),
            (ServiceError::TooManyMessages { retry_after: wait }, 429, Some(90)),
            (ServiceError::DraftsUsedUp { limit: DraftLimit::Member, retry_after: wait }, 429, Some(90)),
            (ServiceError::Ai(AiError::Provider("down".into())), 502, None),
            (ServiceError::Ai(AiError::Timeout), 504, None),
            (ServiceError::Unavailable { reason: "x".into(), retry_after: wait }, 503, Some(90)),
            (ServiceError::Busy(HashError::Busy), 503, Some(1)),
            (ServiceError::Internal(anyhow::anyhow!("secret detail")), 500, None),
        ];
        for (error, status, wait) in cases {
            assert_eq!(error.status(), status, "{error:?}");
            assert_eq!(error.retry_after().map(|w| w.as_secs()), wait, "{error:?}");
            assert!(!error.message().is_empty(), "{error:?}");
        }
        assert!(!ServiceError::Internal(anyhow::anyhow!("secret detail")).message().contains("secret"));
        assert!(!ServiceError::Conflict("users.email_key".into()).message().contains("email_key"));
    }

    #[test]
    fn waits_are_said_in_minutes_and_seconds() {
        let locked = ServiceError::Locked { retry_after: Duration::from_secs(61) }.message();
        assert!(locked.ends_with("try again in 2 minutes."), "{locked}");
        let one =
            ServiceError::DraftsUsedUp { limit: DraftLimit::Location, retry_after: Duration::from_secs(60) };
        assert!(one.message().contains("for today; try again in 1 minute."), "{}", one.message());
        let day = ServiceError::DraftsUsedUp {
            limit: DraftLimit::Location,
            retry_after: Duration::from_secs(72_000),
        };
        assert!(day.message().contains("for today; try again in 20 hours."), "{}", day.message());
        let member =
            ServiceError::DraftsUsedUp { limit: DraftLimit::Member, retry_after: Duration::from_secs(600) };
        assert!(member.message().contains("for this hour; try again in 10 minutes."), "{}", member.message());
        let messages =
            |seconds| ServiceError::TooManyMessages { retry_after: Duration::from_secs(seconds) }.message();
        assert!(messages(5400).ends_with("try again in 90 minutes."), "{}", messages(5400));
        assert!(messages(5401).ends_with("try again in 91 minutes."), "{}", messages(5401));
        assert!(messages(7200).ends_with("try again in 2 hours."), "{}", messages(7200));
        assert!(messages(86_000).ends_with("try again in 24 hours."), "{}", messages(86_000));
        let limited = ServiceError::RateLimited { retry_after: Duration::from_millis(200) }.message();
        assert!(limited.ends_with("try again in 1 second."), "{limited}");
        let lockout = ServiceError::RateLimited { retry_after: Duration::from_secs(890) }.message();
        assert!(lockout.ends_with("try again in 15 minutes."), "{lockout}");
    }

    #[test]
    fn a_store_conflict_is_a_conflict_not_an_internal_error() {
        let error = ServiceError::from(StoreError::Conflict("users.email_key".into()));
        assert_eq!(error.status(), 409);
        assert!(matches!(error, ServiceError::Conflict(_)));
    }
}
