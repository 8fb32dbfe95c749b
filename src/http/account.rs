//! Account recovery without a session (docs/API.md, "Account lifecycle by e-mail"): asking for a password-reset
//! link, and setting a password with a reset or invitation link.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use secrecy::SecretString;
use serde_json::{Map, Value};

use super::envelope::{ActionConfirmation, ApiError, success};
use super::extract::{Auth, JsonObject};
use super::openapi::{BodyErrors, Envelope, PublicErrors, SignedInErrors};
use super::query::QueryParams;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::ServiceError;
use crate::service::account::{self as service, EmailChange, NewPassword};
use crate::web::Client;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/account/password-reset", post(request_reset))
        .route("/api/public/account/password-reset/confirm", post(confirm_reset))
        .route("/en/profile/email-change", post(request_email_change))
        .route("/api/public/account/email-change/confirm", post(confirm_email_change))
        .route("/api/public/account/email-change/revert", post(revert_email_change))
}

/// The same answer for every address, known or not.
const RESET_REQUESTED: &str = "If this address belongs to a member, a link to choose a new password is on its way. It works for one hour.";

/// Sends a password-reset link to the address if it belongs to a member; the answer never
/// says whether it does.
#[utoipa::path(post, path = "/api/public/account/password-reset", tag = "account",
    request_body(content = Object, description = "{ \"Email\": … }", content_type = "application/json"),
    responses((status = 200, description = "Always the same, whether or not the address is a member's", body = Envelope),
        (status = 400, description = "Email is missing or not an address", body = Envelope),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = Envelope),
        BodyErrors, PublicErrors))]
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
        BodyErrors, PublicErrors))]
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
    service::set_password_by_link(&app, NewPassword { token: &token, new: &new, repeat: &repeat }, &client)
        .await?;
    Ok(success(None::<()>))
}

/// Starts a change of the sign-in address: a link to confirm goes to the new address, a
/// notice with an undo link to the current one. Nothing changes until the link is used.
#[utoipa::path(post, path = "/en/profile/email-change", tag = "account", security(("bearer" = [])),
    request_body(content = Object, description = "{ \"NewEmail\", \"Password\" }", content_type = "application/json"),
    responses((status = 200, description = "The same answer whether or not the address is free", body = Envelope),
        (status = 400, description = "NewEmail is not an address or is the current one; Password is wrong", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn request_email_change(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    query.accept_only(&[])?;
    let new_email = required_text(&body, "NewEmail")?;
    let password = SecretString::from(optional_text(&body, "Password")?);
    let change = EmailChange { new_email: &new_email, password: &password };
    service::request_email_change(&app, &session, change, &client).await?;
    let Json(mut answer) = success(None::<()>);
    answer.message = Some(EMAIL_CHANGE_REQUESTED.into());
    Ok(Json(answer))
}

const EMAIL_CHANGE_REQUESTED: &str =
    "A link to confirm the new address is on its way to it; your current address stays in use until then.";

/// Makes the new address the sign-in address (the link mailed to it).
#[utoipa::path(post, path = "/api/public/account/email-change/confirm", tag = "account",
    request_body(content = Object, description = "{ \"Token\" }", content_type = "application/json"),
    responses((status = 200, description = "The new address is the sign-in address", body = Envelope),
        (status = 400, description = "The link does not work (invalid_link)", body = Envelope),
        BodyErrors, PublicErrors))]
pub(super) async fn confirm_email_change(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    let token = link_in(query, &body)?;
    service::confirm_email_change(&app, &token, &client).await?;
    Ok(success(None::<()>))
}

/// Undoes a change of address (the link in the notice to the old address): the old address
/// comes back and every session of the account ends.
#[utoipa::path(post, path = "/api/public/account/email-change/revert", tag = "account",
    request_body(content = Object, description = "{ \"Token\" }", content_type = "application/json"),
    responses((status = 200, description = "The old address is back; every session ended", body = Envelope),
        (status = 400, description = "The link does not work (invalid_link)", body = Envelope),
        BodyErrors, PublicErrors))]
pub(super) async fn revert_email_change(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    let token = link_in(query, &body)?;
    service::revert_email_change(&app, &token, &client).await?;
    Ok(success(None::<()>))
}

/// The `Token` of a body that holds only a link's token.
fn link_in(query: QueryParams, body: &Map<String, Value>) -> Result<String, ApiError> {
    query.accept_only(&[])?;
    required_text(body, "Token")
}

pub(super) fn required_text(body: &Map<String, Value>, property: &'static str) -> Result<String, ApiError> {
    let text = optional_text(body, property)?;
    if text.trim().is_empty() {
        return Err(field_error(property, ErrorCode::Required, "is required"));
    }
    Ok(text)
}

pub(super) fn optional_text(body: &Map<String, Value>, property: &'static str) -> Result<String, ApiError> {
    match body.get(property) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(field_error(property, ErrorCode::WrongType, "must be a string")),
    }
}

fn field_error(property: &'static str, code: ErrorCode, message: &str) -> ApiError {
    ApiError::Service(ServiceError::Validation(FieldErrors::from(FieldError::new(property, code, message))))
}
