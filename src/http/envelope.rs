//! The ActionConfirmation envelope and the one place where errors become responses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::domain::{ErrorCode, FieldError};
use crate::service::ServiceError;
use crate::service::error::MAX_ERRORS_SHOWN;

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
            ApiError::Service(error) => {
                if let Some(wait) = error.retry_after() {
                    headers.insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
                }
            }
            ApiError::Timeout => {
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
    error.log_if_fault();
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let errors = match error {
        ServiceError::Validation(errors) => {
            Some(errors.clone().into_vec().into_iter().take(MAX_ERRORS_SHOWN).map(ErrorView::from).collect())
        }
        _ => None,
    };
    (status, error.message(), errors)
}

fn internal() -> (StatusCode, String, Option<Vec<ErrorView>>) {
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged.".into(), None)
}
