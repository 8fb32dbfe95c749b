//! `/signin` and `/signout`: the API's password grant and revocation, behind a form.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use secrecy::SecretString;

use super::browser::{self, CSRF_FIELD, GenuineForm, SESSION_COOKIE};
use super::page;
use crate::service::AppState;
use crate::service::ServiceError;
use crate::service::session::{self, IssuedTokens};
use crate::web::Client;
use crate::web::SharedState;

#[derive(serde::Deserialize)]
pub struct SignInQuery {
    password_set: Option<String>,
}

pub async fn show(
    State(app): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let notice = query.password_set.map(|_| "Your password is set. Sign in with it.");
    let mut response = page::respond(StatusCode::OK, sign_in_page(&csrf, "", None, notice));
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn submit(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let email = posted.remove("Email").unwrap_or_default();
    let password = SecretString::from(posted.remove("Password").unwrap_or_default());
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    let credentials = session::Credentials {
        email: email.trim(),
        password: &password,
        client_id: None,
        access_ttl: None,
        totp: None,
        may_enrol: true,
    };
    match session::sign_in_with(&app, credentials, client).await {
        Ok(tokens) => signed_in(&app, &tokens, "/profile"),
        // The password was right: the code alone now, without typing the password again.
        Err(ServiceError::TwoFactorRequired { pending }) => {
            page::respond(StatusCode::OK, code_page(&csrf, "/signin/code", ("Pending", &pending), None))
        }
        // The space asked for a new password: straight to choosing it.
        Err(ServiceError::MustResetPassword(reset_token)) => {
            Redirect::to(&format!("/reset?token={reset_token}&required=1")).into_response()
        }
        Err(ServiceError::InvalidGrant(_) | ServiceError::InvalidRequest(_)) => {
            let message = "The e-mail or password is incorrect.";
            page::respond(StatusCode::UNAUTHORIZED, sign_in_page(&csrf, &email, Some(message), None))
        }
        Err(error) => {
            // The form comes back as typed, with the reason (and the wait) above it.
            error.log_if_fault();
            let page = sign_in_page(&csrf, &email, Some(&error.message()), None);
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
    }
}

/// The second step of signing in: the code of the authenticator app (or a recovery code),
/// posted with what carries the first step (`carry`: the pending proof of a right password,
/// or the sign-in link).
fn code_page(csrf: &str, action: &str, carry: (&str, &str), problem: Option<&str>) -> maud::Markup {
    let body = html! {
        h1 { "Two-step sign-in" }
        @if let Some(problem) = problem {
            div.summary role="alert" tabindex="-1" id="problem" { p { (problem) } }
        }
        form.card method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name=(carry.0) value=(carry.1);
            div.field {
                label for="f-Code" { "Code from your authenticator app" }
                p.hint id="f-Code-hint" { "Six digits; or one of your recovery codes if you do not have your phone." }
                input type="text" id="f-Code" name="Code" autocomplete="one-time-code" inputmode="numeric"
                    aria-describedby="f-Code-hint" required autofocus;
            }
            button type="submit" { "Sign in" }
        }
        p { a href="/signin" { "Start again" } }
    };
    page::layout("Two-step sign-in", None, body)
}

/// The code step after a right password.
pub async fn submit_code(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let pending = posted.remove("Pending").unwrap_or_default();
    let code = posted.remove("Code").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    match session::sign_in_second_step(&app, &pending, &code, client).await {
        Ok(tokens) => signed_in(&app, &tokens, "/profile"),
        Err(ServiceError::MustResetPassword(reset_token)) => {
            Redirect::to(&format!("/reset?token={reset_token}&required=1")).into_response()
        }
        Err(ServiceError::InvalidGrant(message)) => page::respond(
            StatusCode::UNAUTHORIZED,
            code_page(&csrf, "/signin/code", ("Pending", &pending), Some(message)),
        ),
        Err(error) => {
            error.log_if_fault();
            let page = code_page(&csrf, "/signin/code", ("Pending", &pending), Some(&error.message()));
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
    }
}

fn sign_in_page(csrf: &str, email: &str, problem: Option<&str>, notice: Option<&str>) -> maud::Markup {
    let body = html! {
        h1 { "Sign in" }
        @if let Some(notice) = notice { p.saved role="status" { (notice) } }
        @if let Some(problem) = problem {
            div.summary role="alert" tabindex="-1" id="problem" { p { (problem) } }
        }
        form.card method="post" action="/signin" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            div.field {
                label for="f-Email" { "E-mail" }
                input type="email" id="f-Email" name="Email" value=(email) autocomplete="username" required;
            }
            div.field {
                label for="f-Password" { "Password" }
                input type="password" id="f-Password" name="Password" autocomplete="current-password" required;
            }
            button type="submit" { "Sign in" }
        }
        form.card method="post" action="/signin/link-request" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            p { "No password at hand? We can e-mail you a link that signs you in once." }
            div.field {
                label for="f-LinkEmail" { "E-mail" }
                input type="email" id="f-LinkEmail" name="Email" value=(email) autocomplete="username" required;
            }
            button type="submit" { "E-mail me a sign-in link" }
        }
        p { a href="/forgot" { "Forgot your password?" } }
    };
    page::layout("Sign in", None, body)
}

/// A browser signed in with `tokens`, sent on to `to`: the session cookie, and a new nonce
/// for the forms before sign-in (the forms' values change with the session).
fn signed_in(app: &AppState, tokens: &IssuedTokens, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    let age = tokens.expires_in;
    let cookie = browser::set_cookie(app, SESSION_COOKIE, &tokens.access_token, Some(age));
    response.headers_mut().append(header::SET_COOKIE, cookie);
    let (_, nonce) = browser::new_nonce_cookie(app);
    response.headers_mut().append(header::SET_COOKIE, nonce);
    response
}

#[derive(serde::Deserialize)]
pub struct OneTimeQuery {
    t: Option<String>,
    #[serde(rename = "redirectUrl")]
    redirect_url: Option<String>,
}

/// Nexudus's `/en/user/login?t=…&redirectUrl=…`: the one-time token of `token/refresh`
/// signs this browser in, which then goes to `redirectUrl`, only ever a path on this site.
pub async fn one_time_sign_in(
    State(app): State<SharedState>,
    Client(client): Client,
    headers: HeaderMap,
    Query(query): Query<OneTimeQuery>,
) -> Response {
    let to = query.redirect_url.as_deref().filter(|path| same_site_path(path)).unwrap_or("/profile");
    let token = query.t.as_deref().unwrap_or_default();
    match session::exchange(&app, token, None, None, true, &client).await {
        Ok(tokens) => signed_in(&app, &tokens, to),
        Err(ServiceError::TwoFactorRequired { .. }) => {
            let (csrf, cookie) = browser::csrf_for(&app, &headers);
            let mut response =
                page::respond(StatusCode::OK, code_page(&csrf, "/signin/link", ("Token", token), None));
            if let Some(cookie) = cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(ServiceError::InvalidGrant(_)) => page::failed(
            StatusCode::BAD_REQUEST,
            "This sign-in link does not work any more: it was used, or it is too old. Sign in again.",
        ),
        Err(error) => page::error(&error),
    }
}

/// A path on this site: `/` and then anything but a second `/` or `\\` (which browsers
/// read as another host), no scheme, no control characters.
pub fn same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// The page a mailed sign-in link opens: a button signs in (a mail scanner that fetches
/// the link signs nobody in).
pub async fn show_link(
    State(app): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    let body = html! {
        h1 { "Sign in" }
        p { "Sign in with the link from your e-mail. It works once." }
        form.card method="post" action="/signin/link" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="Token" value=(token);
            button type="submit" { "Sign in" }
        }
    };
    let mut response = page::respond(StatusCode::OK, page::layout("Sign in", None, body));
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

pub async fn use_link(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let token = posted.get("Token").map(String::as_str).unwrap_or_default();
    let code = posted.get("Code").map(String::as_str);
    let csrf = posted.get(CSRF_FIELD).map(String::as_str).unwrap_or_default();
    match session::exchange(&app, token, None, code, true, &client).await {
        Ok(tokens) => signed_in(&app, &tokens, "/profile"),
        // The link stands in for the password only: the code too, then.
        Err(ServiceError::TwoFactorRequired { .. }) => {
            page::respond(StatusCode::OK, code_page(csrf, "/signin/link", ("Token", token), None))
        }
        Err(ServiceError::InvalidGrant(message)) if code.is_some() => page::respond(
            StatusCode::UNAUTHORIZED,
            code_page(csrf, "/signin/link", ("Token", token), Some(message)),
        ),
        Err(error @ ServiceError::Locked { .. }) => {
            let page = code_page(csrf, "/signin/link", ("Token", token), Some(&error.message()));
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
        Err(ServiceError::InvalidGrant(_)) => page::failed(
            StatusCode::BAD_REQUEST,
            "This sign-in link does not work any more: it was used, replaced by a newer one, or has expired.",
        ),
        Err(error) => page::error(&error),
    }
}

/// "E-mail me a sign-in link": the same answer for any address, limited like a reset.
pub async fn request_link(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let email = posted.remove("Email").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    match crate::service::account::send_sign_in_link(&app, &email, &client).await {
        Ok(()) => {
            let body = html! {
                h1 { "Check your e-mail" }
                p role="status" { "If " strong { (email.trim()) } " belongs to a member, a sign-in link is on its way. It works once, for 15 minutes." }
                p { a href="/signin" { "Back to sign in" } }
            };
            page::respond(StatusCode::OK, page::layout("Check your e-mail", None, body))
        }
        Err(ServiceError::Validation(errors)) => {
            let message =
                errors.iter().next().map(|e| format!("The e-mail {}.", e.message)).unwrap_or_default();
            page::respond(StatusCode::BAD_REQUEST, sign_in_page(&csrf, &email, Some(&message), None))
        }
        Err(error) => page::error(&error),
    }
}

/// Ends the session on the server, then forgets the cookie.
pub async fn sign_out(
    State(app): State<SharedState>,
    Client(client): Client,
    headers: HeaderMap,
    GenuineForm(_): GenuineForm,
) -> Response {
    if let Some(token) = browser::cookie(&headers, SESSION_COOKIE)
        && let Err(error) = session::revoke_token(&app, token, &client).await
    {
        return page::error(&error);
    }
    let mut response = Redirect::to("/signin").into_response();
    response.headers_mut().append(header::SET_COOKIE, browser::set_cookie(&app, SESSION_COOKIE, "", None));
    response
}
