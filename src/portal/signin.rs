//! `/signin` and `/signout`: the API's password grant and revocation, behind a form.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use secrecy::SecretString;

use super::browser::{self, CSRF_FIELD, GenuineForm, SESSION_COOKIE};
use super::page;
use crate::service::ServiceError;
use crate::service::session;
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
    match session::sign_in(&app, email.trim(), &password, client).await {
        Ok(tokens) => {
            let mut response = Redirect::to("/profile").into_response();
            let age = app.settings.access_token_ttl.as_secs();
            let cookie = browser::set_cookie(&app, SESSION_COOKIE, &tokens.access_token, Some(age));
            response.headers_mut().append(header::SET_COOKIE, cookie);
            // The forms' values change with the session; the nonce of the forms before
            // sign-in changes too.
            let (_, nonce) = browser::new_nonce_cookie(&app);
            response.headers_mut().append(header::SET_COOKIE, nonce);
            response
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
        p { a href="/forgot" { "Forgot your password?" } }
    };
    page::layout("Sign in", None, body)
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
