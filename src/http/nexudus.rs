//! The Nexudus account endpoints that third-party clients call (docs/API.md, "Nexudus
//! clients"): thin adapters over the sign-in, reset and link use cases, in Nexudus's shapes
//! (camelCase where Nexudus writes it, the token in `Value`, `token` rather than
//! `access_token` from the exchange).

use std::time::Duration;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::{Map, Value};

use super::envelope::{ActionConfirmation, ApiError, success};
use super::extract::{Auth, JsonObject};
use super::openapi::{BodyErrors, Envelope, PublicErrors, SignedInErrors};
use super::query::QueryParams;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::ServiceError;
use crate::service::account;
use crate::service::session::{self, Credentials};
use crate::web::{Client, SharedState};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/sys/users/token", post(token))
        .route("/api/sys/users/token/refresh", post(one_time_token).get(one_time_token))
        .route("/api/sys/users/exchange", post(exchange).get(exchange))
        .route("/api/sys/users/startPasswordReset", post(start_password_reset))
        .route("/api/sys/users/completePasswordReset", post(complete_password_reset))
        .route("/api/sys/users/sendOtp", get(send_otp))
}

/// A property by its name in any case (`Email`, `email`): Nexudus clients differ.
fn text(body: &Map<String, Value>, property: &'static str) -> Result<Option<String>, ApiError> {
    let found = body.iter().find(|(name, _)| name.eq_ignore_ascii_case(property)).map(|(_, value)| value);
    match found {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone()).filter(|t| !t.is_empty())),
        Some(_) => Err(field_error(property, ErrorCode::WrongType, "must be a string")),
    }
}

fn required(body: &Map<String, Value>, property: &'static str) -> Result<String, ApiError> {
    text(body, property)?.ok_or_else(|| field_error(property, ErrorCode::Required, "is required"))
}

fn field_error(property: &'static str, code: ErrorCode, message: &str) -> ApiError {
    ApiError::Service(ServiceError::Validation(FieldErrors::from(FieldError::new(property, code, message))))
}

/// Minutes from a number or a numeric string; `None` when absent.
fn minutes(value: Option<&Value>) -> Result<Option<Duration>, ApiError> {
    let minutes = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match minutes {
        Some(m) if m > 0 => Ok(Some(Duration::from_secs(m.saturating_mul(60)))),
        _ => Err(field_error(
            "validityInMinutes",
            ErrorCode::WrongType,
            "must be a positive number of minutes",
        )),
    }
}

/// A password sign-in for clients that never call `/api/token` (hotspot firmware, PHP
/// sites): the access token in `Value`, valid for `validityInMinutes` (at most the
/// configured access-token lifetime). Wrong credentials are a 400 envelope.
#[utoipa::path(post, path = "/api/sys/users/token", tag = "nexudus",
    request_body(content = Object, description = "{ \"Email\", \"Password\", \"validityInMinutes\" }", content_type = "application/json"),
    responses((status = 200, description = "The access token in Value", body = Envelope),
        (status = 400, description = "Wrong credentials, or a property missing", body = Envelope),
        (status = 429, description = "Locked or rate-limited; see Retry-After", body = Envelope),
        BodyErrors, PublicErrors))]
pub(super) async fn token(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<String>>, ApiError> {
    query.accept_only(&[])?;
    let email = required(&body, "Email")?;
    let password = SecretString::from(required(&body, "Password")?);
    let validity = body.iter().find(|(n, _)| n.eq_ignore_ascii_case("validityInMinutes")).map(|(_, v)| v);
    let totp = body.iter().find(|(n, _)| n.eq_ignore_ascii_case("totp")).and_then(|(_, v)| v.as_str());
    let access_ttl = minutes(validity)?;
    let credentials = Credentials {
        email: &email,
        password: &password,
        client_id: None,
        access_ttl,
        totp,
        may_enrol: false,
    };
    let tokens = session::sign_in_with(&app, credentials, client).await?;
    Ok(success(Some(tokens.access_token)))
}

/// Not an OAuth refresh, despite the name: a one-time token for the signed-in user, for a
/// link that signs a browser in (`/en/user/login?t=…`). Single use, for minutes.
#[utoipa::path(post, path = "/api/sys/users/token/refresh", tag = "nexudus", security(("bearer" = [])),
    responses((status = 200, description = "The one-time token in Value", body = Envelope), SignedInErrors))]
pub(super) async fn one_time_token(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    query: QueryParams,
) -> Result<Json<ActionConfirmation<String>>, ApiError> {
    query.accept_only(&[])?;
    Ok(success(Some(session::one_time_token(&app, &session).await?)))
}

/// What the exchange answers: the field is `token`, as Nexudus names it.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct Exchanged {
    token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
}

/// Exchanges a one-time token (from `completePasswordReset`, `token/refresh` or a mailed
/// sign-in link) for a token pair, once.
#[utoipa::path(post, path = "/api/sys/users/exchange", tag = "nexudus",
    params(("token" = String, Query), ("validForInMinutes" = Option<u64>, Query),
        ("totp" = Option<String>, Query, description = "The code (or a recovery code) when the account has two-step sign-in on")),
    responses((status = 200, description = "A token pair", body = Exchanged),
        (status = 400, description = "The token is invalid, expired or used", body = Envelope),
        PublicErrors))]
pub(super) async fn exchange(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
) -> Result<Json<Exchanged>, ApiError> {
    let query = query.accept_only(&["token", "validForInMinutes", "totp"])?;
    let one_time = query
        .get("token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::Query { parameter: "token".into(), message: "is required".into() })?;
    let validity = query.get("validForInMinutes").map(|v| Value::String(v.to_string()));
    let access_ttl = minutes(validity.as_ref()).map_err(|_| ApiError::Query {
        parameter: "validForInMinutes".into(),
        message: "must be a positive number of minutes".into(),
    })?;
    let totp = query.get("totp");
    let tokens = session::exchange(&app, one_time, access_ttl, totp, false, &client).await?;
    Ok(Json(Exchanged {
        token: tokens.access_token,
        token_type: "bearer",
        expires_in: tokens.expires_in,
        refresh_token: tokens.refresh_token,
    }))
}

/// Nexudus's reset request (`{ "email", "businessId" }`, camelCase): the same answer for
/// every address.
#[utoipa::path(post, path = "/api/sys/users/startPasswordReset", tag = "nexudus",
    request_body(content = Object, description = "{ \"email\", \"businessId\" }", content_type = "application/json"),
    responses((status = 200, description = "Always the same", body = Envelope),
        (status = 400, description = "Not an address", body = Envelope),
        (status = 429, description = "Too many requests; see Retry-After", body = Envelope),
        BodyErrors, PublicErrors))]
pub(super) async fn start_password_reset(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    query.accept_only(&[])?;
    account::request_reset(&app, &required(&body, "email")?, &client).await?;
    Ok(success(None::<()>))
}

/// Nexudus's reset completion (`{ "Token", "Password", "BusinessId" }`): the password set
/// through the link under the location's policy, and a one-time token in `Value` that the
/// exchange turns into a session.
#[utoipa::path(post, path = "/api/sys/users/completePasswordReset", tag = "nexudus",
    request_body(content = Object, description = "{ \"Token\", \"Password\", \"BusinessId\" }", content_type = "application/json"),
    responses((status = 200, description = "The one-time token in Value", body = Envelope),
        (status = 400, description = "The link does not work, or the password is refused (Errors)", body = Envelope),
        BodyErrors, PublicErrors))]
pub(super) async fn complete_password_reset(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<String>>, ApiError> {
    query.accept_only(&[])?;
    let link = required(&body, "Token")?;
    let password = SecretString::from(required(&body, "Password")?);
    let one_time =
        account::complete_reset(&app, &link, &password, &client).await.map_err(|error| match error {
            // Nexudus names the one password it takes `Password`.
            ServiceError::Validation(errors) => ServiceError::Validation(
                errors
                    .into_iter()
                    .map(|mut e| {
                        if e.property == "NewPassword" || e.property == "RepeatNewPassword" {
                            e.property = "Password".into();
                        }
                        e
                    })
                    .fold(FieldErrors::default(), |mut all, e| {
                        all.push(e);
                        all
                    }),
            ),
            other => other,
        })?;
    Ok(success(Some(one_time)))
}

/// Nexudus's sign-in link by mail (`?email=&businessId=`): the same answer for any
/// address, limited like a password reset.
#[utoipa::path(get, path = "/api/sys/users/sendOtp", tag = "nexudus",
    params(("email" = String, Query), ("businessId" = Option<i64>, Query)),
    responses((status = 200, description = "Always the same", body = Envelope),
        (status = 400, description = "Not an address", body = Envelope),
        (status = 429, description = "Too many requests; see Retry-After", body = Envelope),
        PublicErrors))]
pub(super) async fn send_otp(
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    let query = query.accept_only(&["email", "businessId"])?;
    let email = query.get("email").unwrap_or_default().to_string();
    account::send_sign_in_link(&app, &email, &client).await?;
    Ok(success(None::<()>))
}
