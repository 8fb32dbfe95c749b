//! The ActionConfirmation envelope and the one place where errors become responses.

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::ai::AiError;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::ServiceError;
use crate::service::error::DraftLimit;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionConfirmation<T: Serialize> {
    pub was_successful: bool,
    pub value: Option<T>,
    pub status: u16,
    pub message: Option<String>,
    pub errors: Option<Vec<ErrorView>>,
    /// After a password change only: this session's new refresh token (ours).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorView {
    pub property_name: String,
    pub message: String,
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempted_value: Option<Value>,
}

/// Attempted values are echoed for the member's benefit, but never at any length.
const MAX_ECHO_CHARS: usize = 256;

impl From<FieldError> for ErrorView {
    fn from(e: FieldError) -> Self {
        ErrorView {
            property_name: e.property,
            message: e.message,
            code: e.code.as_str(),
            attempted_value: e.attempted.map(shorten),
        }
    }
}

fn shorten(value: Value) -> Value {
    match value {
        Value::String(s) if s.chars().count() > MAX_ECHO_CHARS => {
            Value::String(s.chars().take(MAX_ECHO_CHARS).chain(std::iter::once('…')).collect())
        }
        Value::Array(_) | Value::Object(_) if value.to_string().len() > MAX_ECHO_CHARS => {
            Value::String("(too long to show)".into())
        }
        other => other,
    }
}

/// A 200 envelope, optionally carrying a value.
pub fn success<T: Serialize>(value: Option<T>) -> Json<ActionConfirmation<T>> {
    Json(ActionConfirmation {
        was_successful: true,
        value,
        status: 200,
        message: None,
        errors: None,
        refresh_token: None,
    })
}

/// Everything that can go wrong in a request, as the HTTP edge sees it.
#[derive(Debug)]
pub enum ApiError {
    Service(ServiceError),
    /// The body could not be read as one JSON object.
    Body {
        code: ErrorCode,
        property: String,
        message: String,
    },
    /// A query parameter is missing or malformed.
    Query {
        parameter: String,
        message: String,
    },
    UnsupportedMediaType,
    PayloadTooLarge {
        limit: usize,
    },
    Unauthenticated {
        token_presented: bool,
    },
    RouteNotFound,
    MethodNotAllowed,
    Timeout,
    Panic,
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Unauthenticated => ApiError::Unauthenticated { token_presented: true },
            ServiceError::InvalidParameter { parameter, message } => {
                ApiError::Query { parameter: parameter.into(), message }
            }
            other => ApiError::Service(other),
        }
    }
}

impl ApiError {
    pub fn body(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Body { code, property: String::new(), message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message, errors) = self.parts();
        let mut response = (
            status,
            Json(ActionConfirmation::<()> {
                was_successful: false,
                value: None,
                status: status.as_u16(),
                message: Some(message),
                errors,
                refresh_token: None,
            }),
        )
            .into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthenticated { token_presented } => {
                let challenge = if token_presented {
                    r#"Bearer realm="portico", error="invalid_token""#
                } else {
                    r#"Bearer realm="portico""#
                };
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            }
            ApiError::Service(
                ServiceError::Unavailable { retry_after, .. }
                | ServiceError::Locked { retry_after }
                | ServiceError::RateLimited { retry_after }
                | ServiceError::DraftsUsedUp { retry_after, .. }
                | ServiceError::TooManyLinks { retry_after },
            ) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
            }
            ApiError::Timeout | ApiError::Service(ServiceError::Busy(_)) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// `900 bytes`, `16 KiB`, `1.5 KiB`.
fn size_in_words(bytes: usize) -> String {
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let kib = bytes as f64 / 1024.0;
    if bytes.is_multiple_of(1024) { format!("{} KiB", bytes / 1024) } else { format!("{kib:.1} KiB") }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, String, Option<Vec<ErrorView>>) {
        match self {
            ApiError::Service(error) => service_parts(error),
            ApiError::Body { code, property, message } => (
                StatusCode::BAD_REQUEST,
                message.clone(),
                Some(vec![ErrorView {
                    property_name: property.clone(),
                    message: message.clone(),
                    code: code.as_str(),
                    attempted_value: None,
                }]),
            ),
            ApiError::Query { parameter, message } => (
                StatusCode::BAD_REQUEST,
                format!("{parameter} {message}"),
                Some(vec![ErrorView {
                    property_name: parameter.clone(),
                    message: message.clone(),
                    code: "invalid_parameter",
                    attempted_value: None,
                }]),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as uncompressed JSON, with Content-Type: application/json.".into(),
                None,
            ),
            ApiError::PayloadTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The body is larger than the limit of {}.", size_in_words(*limit)),
                None,
            ),
            ApiError::Unauthenticated { .. } => (
                StatusCode::UNAUTHORIZED,
                "Sign in first: the bearer token is missing, expired or revoked.".into(),
                None,
            ),
            ApiError::RouteNotFound => {
                (StatusCode::NOT_FOUND, "There is nothing at this address.".into(), None)
            }
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "This address does not accept this method.".into(), None)
            }
            ApiError::Timeout => {
                (StatusCode::SERVICE_UNAVAILABLE, "The request took too long; try again.".into(), None)
            }
            ApiError::Panic => internal(),
        }
    }
}

fn service_parts(error: &ServiceError) -> (StatusCode, String, Option<Vec<ErrorView>>) {
    match error {
        ServiceError::Validation(errors) => (
            StatusCode::BAD_REQUEST,
            validation_summary(errors),
            Some(errors.clone().into_vec().into_iter().take(MAX_ERRORS_SHOWN).map(ErrorView::from).collect()),
        ),
        ServiceError::InvalidGrant(description) | ServiceError::InvalidRequest(description) => {
            (StatusCode::BAD_REQUEST, (*description).into(), None)
        }
        ServiceError::RateLimited { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many password attempts from your address; try again in {} seconds.",
                retry_after.as_secs().max(1)
            ),
            None,
        ),
        ServiceError::DraftsUsedUp { limit, retry_after } => {
            (StatusCode::TOO_MANY_REQUESTS, drafts_used_up(*limit, *retry_after), None)
        }
        ServiceError::TooManyLinks { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many e-mails were sent for this account in the last hour; try again later.".into(),
            None,
        ),
        ServiceError::Ai(AiError::Provider(_)) => (
            StatusCode::BAD_GATEWAY,
            "The AI writer could not write a draft just now; try again later.".into(),
            None,
        ),
        ServiceError::Ai(AiError::Timeout) => (
            StatusCode::GATEWAY_TIMEOUT,
            "The AI writer took too long to answer; try again later.".into(),
            None,
        ),
        ServiceError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "Sign in first: the bearer token is missing, expired or revoked.".into(),
            None,
        ),
        // Turned into `ApiError::Query` on the way in; here only for completeness.
        ServiceError::InvalidParameter { parameter, message } => {
            (StatusCode::BAD_REQUEST, format!("{parameter} {message}"), None)
        }
        // Operator commands only; never produced by a request.
        ServiceError::Invalid(message) => (StatusCode::BAD_REQUEST, message.clone(), None),
        ServiceError::Import(problems) => (StatusCode::BAD_REQUEST, problems.join("; "), None),
        ServiceError::NotFound(what) => (StatusCode::NOT_FOUND, format!("The {what} was not found."), None),
        ServiceError::PreconditionFailed => (
            StatusCode::PRECONDITION_FAILED,
            "The profile changed since you read it (If-Match no longer matches); reload it and try again."
                .into(),
            None,
        ),
        ServiceError::Locked { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many wrong passwords: password checks for this account are locked; try again in {} minutes.",
                retry_after.as_secs().div_ceil(60)
            ),
            None,
        ),
        ServiceError::Busy(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The server is busy with other password checks; try again in a moment.".into(),
            None,
        ),
        ServiceError::Unavailable { reason, .. } => {
            tracing::warn!(%reason, "store unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is briefly unavailable; try again shortly.".into(),
                None,
            )
        }
        ServiceError::Internal(e) => {
            tracing::error!(error = ?e, "internal error");
            internal()
        }
    }
}

/// Also what the portal says.
pub fn drafts_used_up(limit: DraftLimit, retry_after: Duration) -> String {
    let minutes = match retry_after.as_secs().div_ceil(60) {
        1 => "1 minute".to_string(),
        n => format!("{n} minutes"),
    };
    match limit {
        DraftLimit::Member => {
            format!("You have used your AI drafts for this hour; try again in {minutes}.")
        }
        DraftLimit::Location => {
            format!("This location has used its AI drafts for today; try again in {minutes}.")
        }
    }
}

fn internal() -> (StatusCode, String, Option<Vec<ErrorView>>) {
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged.".into(), None)
}

/// An answer lists at most this many field errors, so a body of thousands of bad
/// properties cannot make a huge answer; the `Message` counts the rest.
pub const MAX_ERRORS_SHOWN: usize = 50;
/// The `Message` names at most this many properties.
const MAX_NAMES_IN_MESSAGE: usize = 10;

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
