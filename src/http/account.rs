//! Account recovery without a session (contract section 10): asking for a password-reset
//! link, and setting a password with a reset or invitation link.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::SharedState;
use super::envelope::{ActionConfirmation, ApiError, success};
use super::extract::{Client, JsonObject};
use super::openapi::Envelope;
use super::query::QueryParams;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::ServiceError;
use crate::service::account::{self as service, NewPassword};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/account/password-reset", post(request_reset))
        .route("/api/public/account/password-reset/confirm", post(confirm_reset))
}

/// The same answer for every address, known or not.
const RESET_REQUESTED: &str = "If this address belongs to a member, a link to choose a new password is on its way. It works for one hour.";

/// Sends a password-reset link to the address if it belongs to a member; the answer never
/// says whether it does.
#[utoipa::path(post, path = "/api/public/account/password-reset", tag = "account",
    request_body(content = Object, description = "{ \"Email\": … }", content_type = "application/json"),
    responses((status = 200, description = "Always the same, whether or not the address is a member's", body = Envelope),
        (status = 400, description = "Email is missing or not an address", body = Envelope),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Envelope)))]
pub(super) async fn request_reset(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    query.accept_only(&[])?;
    let email = required_text(&body, "Email")?;
    service::request_reset(&app, &email, &client).await?;
    let Json(mut answer) = success(None::<()>);
    answer.message = Some(RESET_REQUESTED.into());
    Ok(Json(answer))
}

/// Sets a new password with a reset or invitation link: the location's password policy
/// applies, every session ends, the link is used up.
#[utoipa::path(post, path = "/api/public/account/password-reset/confirm", tag = "account",
    request_body(content = Object, description = "{ \"Token\", \"NewPassword\", \"RepeatNewPassword\" }", content_type = "application/json"),
    responses((status = 200, description = "The password is set; sign in with it", body = Envelope),
        (status = 400, description = "The link does not work (invalid_link), or the password is refused, by its property", body = Envelope),
        (status = 503, description = "The hashing queue is full", body = Envelope)))]
pub(super) async fn confirm_reset(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    query.accept_only(&[])?;
    let token = required_text(&body, "Token")?;
    let new = SecretString::from(optional_text(&body, "NewPassword")?);
    let repeat = SecretString::from(optional_text(&body, "RepeatNewPassword")?);
    service::set_password(&app, NewPassword { token: &token, new: &new, repeat: &repeat }, &client).await?;
    Ok(success(None::<()>))
}

fn required_text(body: &Map<String, Value>, property: &'static str) -> Result<String, ApiError> {
    let text = optional_text(body, property)?;
    if text.trim().is_empty() {
        return Err(field_error(property, ErrorCode::Required, "is required"));
    }
    Ok(text)
}

fn optional_text(body: &Map<String, Value>, property: &'static str) -> Result<String, ApiError> {
    match body.get(property) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(field_error(property, ErrorCode::WrongType, "must be a string")),
    }
}

fn field_error(property: &'static str, code: ErrorCode, message: &str) -> ApiError {
    ApiError::Service(ServiceError::Validation(FieldErrors::from(FieldError::new(property, code, message))))
}
