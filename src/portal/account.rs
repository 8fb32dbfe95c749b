//! The pages behind the links Portico mails: `/forgot` (ask for a reset link), `/reset`
//! and `/welcome` (choose a password with a reset or invitation link). A link's token
//! only travels in the form to the same service as the API's; it is never logged.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use secrecy::SecretString;

use super::browser::{self, CSRF_FIELD, GenuineForm};
use super::lang::{Lang, field_error};
use super::page;
use crate::domain::FieldError;
use crate::i18n::{self, Language};
use crate::service::ServiceError;
use crate::service::account::{self, NewPassword};
use crate::tr;
use crate::web::Client;
use crate::web::SharedState;

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

pub async fn show_forgot(State(app): State<SharedState>, Lang(lang): Lang, headers: HeaderMap) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    with_cookie(page::respond(StatusCode::OK, forgot_page(lang, &csrf, "", None)), cookie)
}

pub async fn submit_forgot(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let email = posted.remove("Email").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    match account::request_reset(&app, &email, &client).await {
        Ok(()) => {
            let body = html! {
                h1 { (tr!(lang, "check-mail-title")) }
                p role="status" { (tr!(lang, "forgot-sent", email = email.trim())) }
                p { a href="/signin" { (tr!(lang, "back-to-sign-in")) } }
            };
            page::respond(StatusCode::OK, page::layout(lang, &tr!(lang, "check-mail-title"), None, body))
        }
        Err(ServiceError::Validation(errors)) => {
            let message = errors
                .iter()
                .next()
                .map(|e| tr!(lang, "email-problem", problem = field_error(lang, e)))
                .unwrap_or_default();
            page::respond(StatusCode::BAD_REQUEST, forgot_page(lang, &csrf, &email, Some(&message)))
        }
        Err(ServiceError::RateLimited { retry_after }) => {
            let message = tr!(lang, "forgot-too-many", wait = i18n::wait(lang, retry_after));
            page::respond(StatusCode::TOO_MANY_REQUESTS, forgot_page(lang, &csrf, &email, Some(&message)))
        }
        Err(error) => page::error(lang, &error),
    }
}

fn forgot_page(lang: Language, csrf: &str, email: &str, problem: Option<&str>) -> Markup {
    let body = html! {
        h1 { (tr!(lang, "forgot-title")) }
        p { (tr!(lang, "forgot-intro")) }
        @if let Some(problem) = problem { div.summary role="alert" tabindex="-1" { p { (problem) } } }
        form.card method="post" action="/forgot" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            div.field {
                label for="f-Email" { (tr!(lang, "signin-email")) }
                input type="email" id="f-Email" name="Email" value=(email) autocomplete="username" required;
            }
            button type="submit" { (tr!(lang, "forgot-send")) }
        }
        p { a href="/signin" { (tr!(lang, "back-to-sign-in")) } }
    };
    page::layout(lang, &tr!(lang, "forgot-title"), None, body)
}

/// `/reset` and `/welcome`: the same form, titled for what the link was sent for.
pub async fn show_reset(
    state: State<SharedState>,
    lang: Lang,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_password_form(state, lang, headers, query, Kind::Reset).await
}

pub async fn show_welcome(
    state: State<SharedState>,
    lang: Lang,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_password_form(state, lang, headers, query, Kind::Welcome).await
}

#[derive(Clone, Copy)]
enum Kind {
    Reset,
    Welcome,
}

async fn show_password_form(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
    kind: Kind,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    // Which address the password is for: shown while the link works (it names nobody once
    // used or expired).
    let email = match account::password_link_email(&app, &token).await {
        Ok(email) => email,
        Err(error) => return page::error(lang, &error),
    };
    let page = password_page(lang, kind, &csrf, &token, email.as_deref(), &[]);
    with_cookie(page::respond(StatusCode::OK, page), cookie)
}

pub async fn submit_password(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let kind = if posted.get("_kind").is_some_and(|k| k == "welcome") { Kind::Welcome } else { Kind::Reset };
    let token = posted.remove("Token").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    let new = SecretString::from(posted.remove("NewPassword").unwrap_or_default());
    let repeat = SecretString::from(posted.remove("RepeatNewPassword").unwrap_or_default());
    let email = match account::password_link_email(&app, &token).await {
        Ok(email) => email,
        Err(error) => return page::error(lang, &error),
    };
    match account::set_password_by_link(
        &app,
        NewPassword { token: &token, new: &new, repeat: &repeat },
        &client,
    )
    .await
    {
        // The sign-in form fills in the address (never the link or the password).
        Ok(_) => {
            let mut to = url::Url::parse("http://portal/signin").expect("a fixed URL");
            to.query_pairs_mut().append_pair("password_set", "1");
            if let Some(email) = &email {
                to.query_pairs_mut().append_pair("email", email);
            }
            Redirect::to(&format!("/signin?{}", to.query().unwrap_or_default())).into_response()
        }
        Err(ServiceError::Validation(errors)) => {
            let errors = errors.into_vec();
            let page = password_page(lang, kind, &csrf, &token, email.as_deref(), &errors);
            page::respond(StatusCode::BAD_REQUEST, page)
        }
        Err(error) => page::error(lang, &error),
    }
}

fn password_page(
    lang: Language,
    kind: Kind,
    csrf: &str,
    token: &str,
    email: Option<&str>,
    errors: &[FieldError],
) -> Markup {
    let (title, intro, kind_name) = match kind {
        Kind::Reset => (tr!(lang, "reset-title"), tr!(lang, "reset-intro"), "reset"),
        Kind::Welcome => (tr!(lang, "welcome-title"), tr!(lang, "welcome-intro"), "welcome"),
    };
    let link_error = errors.iter().find(|e| e.property == "Token");
    let error_of = |name: &str| errors.iter().find(|e| e.property == name);
    let body = html! {
        h1 { (title) }
        p { (intro) }
        @if let Some(email) = email {
            p #link-email { (tr!(lang, "password-for")) " " strong { (email) } }
        }
        @if let Some(error) = link_error {
            div.summary role="alert" tabindex="-1" data-focus="true" {
                p { (tr!(lang, "link-expired")) " "
                    a href="/forgot" { (tr!(lang, "link-ask-new")) } }
                p.hint { (field_error(lang, error)) }
            }
        }
        form.card method="post" action="/reset" novalidate {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="_kind" value=(kind_name);
            input type="hidden" name="Token" value=(token);
            @for (name, label) in [("NewPassword", tr!(lang, "password-new")), ("RepeatNewPassword", tr!(lang, "password-repeat"))] {
                @let error = error_of(name);
                div.field.has-error[error.is_some()] {
                    label for=(format!("f-{name}")) { (label) }
                    @if let Some(error) = error { p.error id=(format!("f-{name}-error")) { (field_error(lang, error)) } }
                    input type="password" id=(format!("f-{name}")) name=(name) autocomplete="new-password"
                        aria-describedby=[error.map(|_| format!("f-{name}-error"))]
                        data-strength=[(name == "NewPassword").then_some("true")];
                }
            }
            button type="submit" { (tr!(lang, "password-set-button")) }
        }
    };
    page::layout(lang, &title, None, body)
}

fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    let headers = response.headers_mut();
    // The page's address holds the link's token: never cache it (pages already send their
    // referrer only to this site).
    headers.insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// `/confirm-email` and `/undo-email`: a page with one button, so that opening the link
/// (or a mail scanner fetching it) changes nothing; the button posts the token.
pub async fn show_confirm_email(
    state: State<SharedState>,
    lang: Lang,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_email_form(state, lang, headers, query, EmailStep::Confirm)
}

pub async fn show_undo_email(
    state: State<SharedState>,
    lang: Lang,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_email_form(state, lang, headers, query, EmailStep::Undo)
}

#[derive(Clone, Copy)]
enum EmailStep {
    Confirm,
    Undo,
}

impl EmailStep {
    fn action(self) -> &'static str {
        match self {
            EmailStep::Confirm => "/confirm-email",
            EmailStep::Undo => "/undo-email",
        }
    }
}

fn show_email_form(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
    step: EmailStep,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    let (title, text, button) = match step {
        EmailStep::Confirm => (
            tr!(lang, "confirm-email-title"),
            tr!(lang, "confirm-email-text"),
            tr!(lang, "confirm-email-button"),
        ),
        EmailStep::Undo => {
            (tr!(lang, "undo-email-title"), tr!(lang, "undo-email-text"), tr!(lang, "undo-email-button"))
        }
    };
    let body = html! {
        h1 { (title) }
        p { (text) }
        form.card method="post" action=(step.action()) {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="Token" value=(token);
            button type="submit" { (button) }
        }
    };
    with_cookie(page::respond(StatusCode::OK, page::layout(lang, &title, None, body)), cookie)
}

pub async fn submit_confirm_email(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let token = posted.get("Token").map(String::as_str).unwrap_or_default();
    let outcome = account::confirm_email_change(&app, token, &client)
        .await
        .map(|email| tr!(lang, "confirm-email-done", email = email));
    email_outcome(lang, outcome)
}

pub async fn submit_undo_email(
    State(app): State<SharedState>,
    Lang(lang): Lang,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let token = posted.get("Token").map(String::as_str).unwrap_or_default();
    let outcome =
        account::revert_email_change(&app, token, &client).await.map(|()| tr!(lang, "undo-email-done"));
    email_outcome(lang, outcome)
}

fn email_outcome(lang: Language, outcome: Result<String, ServiceError>) -> Response {
    let (status, title, message) = match outcome {
        Ok(message) => (StatusCode::OK, tr!(lang, "email-link-done"), message),
        Err(ServiceError::Validation(_)) => {
            (StatusCode::BAD_REQUEST, tr!(lang, "email-link-broken"), tr!(lang, "email-link-broken-text"))
        }
        Err(error) => return page::error(lang, &error),
    };
    let body = html! {
        h1 { (title) }
        p role="status" { (message) }
        p { a href="/signin" { (tr!(lang, "signin-title")) } }
    };
    page::respond(status, page::layout(lang, &title, None, body))
}
