//! `/signin` and `/signout`: the API's password grant and revocation, behind a form.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use secrecy::SecretString;

use super::browser::{self, CSRF_FIELD, GenuineForm, SESSION_COOKIE};
use super::lang::{Lang, error_text};
use super::page;
use crate::i18n::Language;
use crate::service::AppState;
use crate::service::ServiceError;
use crate::service::session::{self, IssuedTokens};
use crate::tr;
use crate::web::Client;
use crate::web::SharedState;

#[derive(serde::Deserialize)]
pub struct SignInQuery {
    password_set: Option<String>,
    /// The address to fill in: the one whose password was just chosen (never a secret).
    email: Option<String>,
}

pub async fn show(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let notice = query.password_set.map(|_| tr!(lang, "signin-password-set"));
    let email: String = query.email.unwrap_or_default().chars().take(254).collect();
    let page = sign_in_page(lang, &csrf, email.trim(), None, notice.as_deref());
    let mut response = page::respond(StatusCode::OK, page);
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn submit(
    State(app): State<SharedState>,
    Lang(lang): Lang,
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
            page::respond(StatusCode::OK, code_page(lang, &csrf, "/signin/code", ("Pending", &pending), None))
        }
        // The space asked for a new password: straight to choosing it.
        Err(ServiceError::MustResetPassword(reset_token)) => {
            Redirect::to(&format!("/reset?token={reset_token}&required=1")).into_response()
        }
        Err(ServiceError::InvalidGrant(_) | ServiceError::InvalidRequest(_)) => {
            let message = tr!(lang, "signin-incorrect");
            page::respond(StatusCode::UNAUTHORIZED, sign_in_page(lang, &csrf, &email, Some(&message), None))
        }
        Err(error) => {
            // The form comes back as typed, with the reason (and the wait) above it.
            error.log_if_fault();
            let page = sign_in_page(lang, &csrf, &email, Some(&error_text(lang, &error)), None);
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
    }
}

/// The second step of signing in: the code of the authenticator app (or a recovery code),
/// posted with what carries the first step (`carry`: the pending proof of a right password,
/// or the sign-in link).
fn code_page(
    lang: Language,
    csrf: &str,
    action: &str,
    carry: (&str, &str),
    problem: Option<&str>,
) -> maud::Markup {
    let body = html! {
        h1 { (tr!(lang, "two-step-title")) }
        @if let Some(problem) = problem {
            div.summary role="alert" tabindex="-1" id="problem" { p { (problem) } }
        }
        form.card method="post" action=(action) {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name=(carry.0) value=(carry.1);
            div.field {
                label for="f-Code" { (tr!(lang, "signin-code-label")) }
                p.hint id="f-Code-hint" { (tr!(lang, "signin-code-hint")) }
                input type="text" id="f-Code" name="Code" autocomplete="one-time-code" inputmode="numeric"
                    aria-describedby="f-Code-hint" required autofocus;
            }
            button type="submit" { (tr!(lang, "signin-button")) }
        }
        p { a href="/signin" { (tr!(lang, "signin-start-again")) } }
    };
    page::layout(lang, &tr!(lang, "two-step-title"), None, body)
}

/// The code step after a right password.
pub async fn submit_code(
    State(app): State<SharedState>,
    Lang(lang): Lang,
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
        Err(error @ ServiceError::InvalidGrant(_)) => page::respond(
            StatusCode::UNAUTHORIZED,
            code_page(lang, &csrf, "/signin/code", ("Pending", &pending), Some(&error_text(lang, &error))),
        ),
        Err(error) => {
            error.log_if_fault();
            let problem = error_text(lang, &error);
            let page = code_page(lang, &csrf, "/signin/code", ("Pending", &pending), Some(&problem));
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
    }
}

fn sign_in_page(
    lang: Language,
    csrf: &str,
    email: &str,
    problem: Option<&str>,
    notice: Option<&str>,
) -> maud::Markup {
    let body = html! {
        h1 { (tr!(lang, "signin-title")) }
        @if let Some(notice) = notice { p.saved role="status" { (notice) } }
        @if let Some(problem) = problem {
            div.summary role="alert" tabindex="-1" id="problem" { p { (problem) } }
        }
        form.card method="post" action="/signin" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            div.field {
                label for="f-Email" { (tr!(lang, "signin-email")) }
                input type="email" id="f-Email" name="Email" value=(email) autocomplete="username" required;
            }
            div.field {
                label for="f-Password" { (tr!(lang, "signin-password")) }
                input type="password" id="f-Password" name="Password" autocomplete="current-password" required
                    autofocus[!email.is_empty()];
            }
            button type="submit" { (tr!(lang, "signin-button")) }
        }
        form.card method="post" action="/signin/link-request" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            p { (tr!(lang, "signin-link-intro")) }
            div.field {
                label for="f-LinkEmail" { (tr!(lang, "signin-email")) }
                input type="email" id="f-LinkEmail" name="Email" value=(email) autocomplete="username" required;
            }
            button type="submit" { (tr!(lang, "signin-link-button")) }
        }
        p { a href="/forgot" { (tr!(lang, "signin-forgot")) } }
    };
    page::layout(lang, &tr!(lang, "signin-title"), None, body)
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
    Lang(lang): Lang,
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
                page::respond(StatusCode::OK, code_page(lang, &csrf, "/signin/link", ("Token", token), None));
            if let Some(cookie) = cookie {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(ServiceError::InvalidGrant(_)) => {
            page::failed(lang, StatusCode::BAD_REQUEST, &tr!(lang, "signin-one-time-expired"))
        }
        Err(error) => page::error(lang, &error),
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
    Lang(lang): Lang,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    let body = html! {
        h1 { (tr!(lang, "signin-title")) }
        p { (tr!(lang, "signin-link-page")) }
        form.card method="post" action="/signin/link" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="Token" value=(token);
            button type="submit" { (tr!(lang, "signin-button")) }
        }
    };
    let layout = page::layout(lang, &tr!(lang, "signin-title"), None, body);
    let mut response = page::respond(StatusCode::OK, layout);
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
    Lang(lang): Lang,
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
            page::respond(StatusCode::OK, code_page(lang, csrf, "/signin/link", ("Token", token), None))
        }
        Err(error @ ServiceError::InvalidGrant(_)) if code.is_some() => page::respond(
            StatusCode::UNAUTHORIZED,
            code_page(lang, csrf, "/signin/link", ("Token", token), Some(&error_text(lang, &error))),
        ),
        Err(error @ ServiceError::Locked { .. }) => {
            let page =
                code_page(lang, csrf, "/signin/link", ("Token", token), Some(&error_text(lang, &error)));
            page::with_wait(page::respond(page::status_of(&error), page), &error)
        }
        Err(ServiceError::InvalidGrant(_)) => {
            page::failed(lang, StatusCode::BAD_REQUEST, &tr!(lang, "signin-link-expired"))
        }
        Err(error) => page::error(lang, &error),
    }
}

/// "E-mail me a sign-in link": the same answer for any address, limited like a reset.
pub async fn request_link(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let email = posted.remove("Email").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    match crate::service::account::send_sign_in_link(&app, &email, &client).await {
        Ok(()) => {
            let body = html! {
                h1 { (tr!(lang, "check-mail-title")) }
                p role="status" { (tr!(lang, "signin-link-sent", email = email.trim())) }
                p { a href="/signin" { (tr!(lang, "back-to-sign-in")) } }
            };
            page::respond(StatusCode::OK, page::layout(lang, &tr!(lang, "check-mail-title"), None, body))
        }
        Err(ServiceError::Validation(errors)) => {
            let message = errors
                .iter()
                .next()
                .map(|e| tr!(lang, "email-problem", problem = super::lang::field_error(lang, e)))
                .unwrap_or_default();
            page::respond(StatusCode::BAD_REQUEST, sign_in_page(lang, &csrf, &email, Some(&message), None))
        }
        Err(error) => page::error(lang, &error),
    }
}

/// Ends the session on the server, then forgets the cookie.
pub async fn sign_out(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    headers: HeaderMap,
    GenuineForm(_): GenuineForm,
) -> Response {
    if let Some(token) = browser::cookie(&headers, SESSION_COOKIE)
        && let Err(error) = session::revoke_token(&app, token, &client).await
    {
        return page::error(lang, &error);
    }
    let mut response = Redirect::to("/signin").into_response();
    response.headers_mut().append(header::SET_COOKIE, browser::set_cookie(&app, SESSION_COOKIE, "", None));
    response
}
