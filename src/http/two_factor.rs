//! Two-step sign-in of the signed-in member (docs/API.md, "Two-step sign-in"): enrolling
//! with an authenticator app, confirming, turning it off, and how it stands.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use secrecy::SecretString;
use serde::Serialize;

use super::account::{optional_text, required_text};
use super::envelope::{ActionConfirmation, ApiError, success};
use super::extract::{Auth, JsonObject};
use super::openapi::{BodyErrors, Envelope, SignedInErrors};
use super::query::QueryParams;
use crate::service::two_factor as service;
use crate::web::{Client, SharedState};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/coworker/two-factor", get(status).post(begin).delete(disable))
        .route("/api/public/coworker/two-factor/confirm", post(confirm))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct StatusView {
    on: bool,
    waiting_for_confirmation: bool,
    recovery_codes_left: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct EnrolmentView {
    secret: String,
    otp_auth_uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct RecoveryCodesView {
    recovery_codes: Vec<String>,
}

/// Whether two-step sign-in is on, and how many recovery codes are left.
#[utoipa::path(get, path = "/api/public/coworker/two-factor", tag = "two-factor", security(("bearer" = [])),
    responses((status = 200, description = "Value: { On, WaitingForConfirmation, RecoveryCodesLeft }", body = Envelope),
        SignedInErrors))]
pub(super) async fn status(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    query: QueryParams,
) -> Result<Json<ActionConfirmation<StatusView>>, ApiError> {
    query.accept_only(&[])?;
    let status = service::status(&app, &session).await?;
    Ok(success(Some(StatusView {
        on: status.on,
        waiting_for_confirmation: status.waiting_for_confirmation,
        recovery_codes_left: status.recovery_codes_left,
    })))
}

/// Starts an enrolment: a new secret for the authenticator app, on only once confirmed.
#[utoipa::path(post, path = "/api/public/coworker/two-factor", tag = "two-factor", security(("bearer" = [])),
    request_body(content = Object, description = "{ \"Password\" }", content_type = "application/json"),
    responses((status = 200, description = "Value: { Secret (base32), OtpAuthUri }", body = Envelope),
        (status = 400, description = "Password wrong (wrong_current_password) or two-step sign-in on already (not_writable)", body = Envelope),
        (status = 429, description = "Password checks locked; see Retry-After", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn begin(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<EnrolmentView>>, ApiError> {
    query.accept_only(&[])?;
    let password = SecretString::from(required_text(&body, "Password")?);
    let enrolment = service::begin(&app, &session, &password, &client).await?;
    Ok(success(Some(EnrolmentView { secret: enrolment.secret, otp_auth_uri: enrolment.otpauth_uri })))
}

/// Turns two-step sign-in on with a current code of the new secret; answers the ten
/// recovery codes, this once. Every other session ends.
#[utoipa::path(post, path = "/api/public/coworker/two-factor/confirm", tag = "two-factor", security(("bearer" = [])),
    request_body(content = Object, description = "{ \"Code\" }", content_type = "application/json"),
    responses((status = 200, description = "Value: { RecoveryCodes: [10] }", body = Envelope),
        (status = 400, description = "No enrolment waiting (required) or not its current code (invalid_code)", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn confirm(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<RecoveryCodesView>>, ApiError> {
    query.accept_only(&[])?;
    let code = required_text(&body, "Code")?;
    let recovery_codes = service::confirm(&app, &session, &code, &client).await?;
    Ok(success(Some(RecoveryCodesView { recovery_codes })))
}

/// Turns two-step sign-in off, with the password and a current code or a recovery code.
/// Every other session ends.
#[utoipa::path(delete, path = "/api/public/coworker/two-factor", tag = "two-factor", security(("bearer" = [])),
    request_body(content = Object, description = "{ \"Password\", \"Code\" }", content_type = "application/json"),
    responses((status = 200, description = "Off", body = Envelope),
        (status = 400, description = "Password wrong (wrong_current_password), code wrong (invalid_code) or not on (not_writable)", body = Envelope),
        (status = 429, description = "Password checks locked; see Retry-After", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn disable(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    query.accept_only(&[])?;
    let password = SecretString::from(required_text(&body, "Password")?);
    let code = optional_text(&body, "Code")?;
    service::disable(&app, &session, &password, &code, &client).await?;
    Ok(success(None::<()>))
}
