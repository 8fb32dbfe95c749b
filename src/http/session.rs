//! Sign-in (`/api/token`, RFC 6749 style), sign-out and `/login/me`.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use secrecy::SecretString;
use serde::Serialize;

use super::envelope::{ApiError, success};
use super::extract::{Auth, bearer_token, content_type_is, limited_body};
use super::openapi::{AnyObject, Envelope, SignedInErrors};
use super::views::{LocationView, UserPropertiesView, json, rfc3339};
use crate::service::ServiceError;
use crate::service::session::{self as service, Credentials, IssuedTokens};
use crate::web::Client;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/token", post(issue_token))
        .route("/api/token/revoke", post(revoke_token))
        .route("/login/me", get(me))
        .route("/en/user/me", get(user_me))
}

/// A token pair (RFC 6749 5.1).
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    refresh_token: String,
}

/// An RFC 6749 5.2 error.
#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct OAuthError {
    #[schema(value_type = String, example = "invalid_grant")]
    error: &'static str,
    error_description: String,
}

/// The form of `POST /api/token` (described for the API reference; the handler reads the
/// form itself to answer every mistake in RFC 6749's words).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(super) struct TokenForm {
    /// `password` or `refresh_token`.
    grant_type: String,
    /// The member's e-mail (password grant).
    username: Option<String>,
    /// The member's password (password grant).
    #[schema(format = Password, write_only)]
    password: Option<String>,
    /// A refresh token (refresh_token grant).
    refresh_token: Option<String>,
    /// The code of the authenticator app, or a recovery code, when the account has two-step
    /// sign-in on (password grant); without it such an account gets `two_factor_auth_check`.
    totp: Option<String>,
}

/// An RFC 6749 error answer: always 400, never the envelope.
fn oauth_error(error: &'static str, description: impl Into<String>) -> Response {
    no_store(
        (StatusCode::BAD_REQUEST, Json(OAuthError { error, error_description: description.into() }))
            .into_response(),
    )
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Sign in (password grant) or refresh a token pair (refresh_token grant), RFC 6749.
#[utoipa::path(post, path = "/api/token", tag = "session",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A token pair", body = TokenResponse),
        (status = 400, description = "RFC 6749 error", body = OAuthError),
        (status = 413, description = "The form is too large", body = Envelope),
        (status = 429, description = "Locked or rate-limited; see Retry-After", body = OAuthError),
        (status = 503, description = "Busy; see Retry-After", body = OAuthError)))]
pub(super) async fn issue_token(
    State(app): State<SharedState>,
    Client(client): Client,
    request: Request,
) -> Response {
    let is_form = content_type_is(request.headers(), |m| m == "application/x-www-form-urlencoded");
    let headers = request.headers().clone();
    // RFC 6749 2.3.1: credentials never in the URL, where proxies and logs keep them.
    let in_url = request.uri().query().is_some_and(|q| !q.is_empty());
    let body = match limited_body(request, app.settings.body_limit_bytes).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    if in_url {
        return oauth_error("invalid_request", "Send the parameters in the body, never in the URL.");
    }
    // Nexudus answers a body that is not a form, or one without grant_type, with
    // unsupported_grant_type, and clients branch on it.
    if !is_form {
        return oauth_error(
            "unsupported_grant_type",
            "Send the form as application/x-www-form-urlencoded, with grant_type.",
        );
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let client_id =
        headers.get("client_id").and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty());
    let outcome = match field("grant_type") {
        None => {
            return oauth_error(
                "unsupported_grant_type",
                "grant_type is required: password or refresh_token.",
            );
        }
        Some("password") => match (field("username"), field("password")) {
            (Some(email), Some(password)) => {
                let password = SecretString::from(password);
                let totp = field("totp");
                let credentials = Credentials {
                    email,
                    password: &password,
                    client_id,
                    access_ttl: None,
                    totp,
                    may_enrol: false,
                };
                service::sign_in_with(&app, credentials, client).await
            }
            _ => return oauth_error("invalid_request", "username and password are required."),
        },
        Some("refresh_token") => match field("refresh_token") {
            Some(token) => service::refresh(&app, token, client_id, &client).await,
            None => return oauth_error("invalid_request", "refresh_token is required."),
        },
        _ => return oauth_error("unsupported_grant_type", "grant_type must be password or refresh_token."),
    };
    match outcome {
        Ok(tokens) => token_response(tokens),
        Err(error) => token_error(error),
    }
}

/// A failure in the token endpoint's own format (RFC 6749 section 5.2), with the status and
/// `Retry-After` of a lockout, a rate limit or a busy server.
fn token_error(error: ServiceError) -> Response {
    let (status, code, description, retry_after) = match error {
        error @ ServiceError::TwoFactorRequired { .. } => {
            (StatusCode::BAD_REQUEST, "two_factor_auth_check", error.message(), None)
        }
        error @ ServiceError::TwoFactorSetupRequired => {
            (StatusCode::BAD_REQUEST, "two_factor_setup_required", error.message(), None)
        }
        ServiceError::InvalidGrant(description) => {
            (StatusCode::BAD_REQUEST, "invalid_grant", description.into(), None)
        }
        ServiceError::InvalidRequest(description) => {
            (StatusCode::BAD_REQUEST, "invalid_request", description.into(), None)
        }
        // Nexudus: the description carries the token of a reset link.
        ServiceError::MustResetPassword(reset_token) => {
            (StatusCode::BAD_REQUEST, "must_reset_password", reset_token, None)
        }
        ServiceError::Locked { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            "invalid_grant",
            format!(
                "Too many failed attempts: password checks for this account are locked; try again in {} minutes.",
                retry_after.as_secs().div_ceil(60)
            ),
            Some(retry_after),
        ),
        ServiceError::RateLimited { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            format!("Too many requests from your address; try again in {} seconds.", retry_after.as_secs()),
            Some(retry_after),
        ),
        ServiceError::Busy(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "The server is busy; try again in a moment.".into(),
            Some(std::time::Duration::from_secs(1)),
        ),
        ServiceError::Unavailable { retry_after, .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "The server is busy; try again in a moment.".into(),
            Some(retry_after),
        ),
        other => return ApiError::from(other).into_response(),
    };
    let mut response = oauth_error(code, description);
    *response.status_mut() = status;
    if let Some(wait) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    }
    response
}

fn token_response(tokens: IssuedTokens) -> Response {
    no_store(
        Json(TokenResponse {
            access_token: tokens.access_token,
            token_type: "bearer",
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
        })
        .into_response(),
    )
}

/// RFC 7009: `token` (an access or refresh token, `token_type_hint` optional) ends its
/// session, with no bearer needed; the answer is the same whether or not the token existed.
/// With no `token`, a bearer token ends its own session (ours).
/// RFC 7009: ends the session the token (access or refresh) belongs to.
#[utoipa::path(post, path = "/api/token/revoke", tag = "session",
    request_body(content = AnyObject, content_type = "application/x-www-form-urlencoded", description = "token=…"),
    responses(
        (status = 200, description = "Revoked (also for an unknown token)", body = Envelope),
        (status = 400, description = "No token given", body = AnyObject),
        (status = 503, description = "Busy", body = Envelope)))]
pub(super) async fn revoke_token(
    State(app): State<SharedState>,
    Client(client): Client,
    request: Request,
) -> Response {
    let bearer = bearer_token(request.headers()).map(str::to_string);
    let body = match limited_body(request, app.settings.body_limit_bytes).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let presented = form.get("token").filter(|t| !t.is_empty()).or(bearer.as_ref());
    let Some(presented) = presented else {
        return oauth_error(
            "invalid_request",
            "token is required (or a bearer token to end its own session).",
        );
    };
    match service::revoke_token(&app, presented, &client).await {
        Ok(()) => no_store(success::<()>(None).into_response()),
        Err(error) => ApiError::from(error).into_response(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MeView<'a> {
    user: MeUser,
    current_profile_id: i64,
    business: LocationView,
    notification_preferences: UserPropertiesView<'a>,
    expires_on: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MeUser {
    id: i64,
    full_name: String,
    email: String,
}

/// The signed-in user, as Nexudus clients read it (`GET /en/user/me`): at the top level,
/// with the locations of the user's profiles.
#[utoipa::path(get, path = "/en/user/me", tag = "session", security(("bearer" = []), ("basic" = [])),
    responses((status = 200, description = "The user", body = AnyObject),
        (status = 401, description = "Not signed in (an empty body, as Nexudus answers)")))]
pub(super) async fn user_me(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
) -> Result<Response, ApiError> {
    let me = service::user_me(&app, &session).await?;
    let user = &me.user;
    Ok(json(&UserMeView {
        id: user.id,
        unique_id: &user.unique_id,
        full_name: &user.full_name,
        email: &user.email,
        default_business_id: me.current.location_id,
        default_business_name: &me.current.location_name,
        businesses: &me.businesses,
        active: user.active,
        is_admin: false,
        must_reset_password: user.must_reset_password,
        preferences: UserPropertiesView::notifications(&user.values),
        created_on: rfc3339(user.created_on),
        updated_on: rfc3339(user.updated_on),
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserMeView<'a> {
    id: i64,
    unique_id: &'a str,
    full_name: &'a str,
    email: &'a str,
    default_business_id: i64,
    default_business_name: &'a str,
    businesses: &'a [i64],
    active: bool,
    is_admin: bool,
    must_reset_password: bool,
    #[serde(flatten)]
    preferences: UserPropertiesView<'a>,
    created_on: String,
    updated_on: String,
}

/// The session: the user, the current profile and location, the preferences.
#[utoipa::path(get, path = "/login/me", tag = "session", security(("bearer" = [])),
    responses((status = 200, description = "The session", body = AnyObject),
        SignedInErrors))]
pub(super) async fn me(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
) -> Result<Response, ApiError> {
    let info = service::describe(&app, &session).await?;
    Ok(json(&MeView {
        user: MeUser {
            id: info.user.id,
            full_name: info.user.full_name.clone(),
            email: info.user.email.clone(),
        },
        current_profile_id: info.current_profile_id,
        business: LocationView::from(&info.location),
        notification_preferences: UserPropertiesView::notifications(&info.user.values),
        expires_on: rfc3339(info.expires_on),
    }))
}
