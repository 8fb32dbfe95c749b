//! The pages behind the links Portico mails: `/forgot` (ask for a reset link), `/reset`
//! and `/welcome` (choose a password with a reset or invitation link). A link's token
//! only travels in the form to the same service as the API's; it is never logged.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use secrecy::SecretString;

use super::browser::{self, CSRF_FIELD, GenuineForm};
use super::page;
use crate::domain::FieldError;
use crate::service::ServiceError;
use crate::service::account::{self, NewPassword};
use crate::web::Client;
use crate::web::SharedState;

#[derive(serde::Deserialize)]
pub struct LinkQuery {
    token: Option<String>,
}

pub async fn show_forgot(State(app): State<SharedState>, headers: HeaderMap) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    with_cookie(page::respond(StatusCode::OK, forgot_page(&csrf, "", None)), cookie)
}

pub async fn submit_forgot(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let email = posted.remove("Email").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    match account::request_reset(&app, &email, &client).await {
        Ok(()) => {
            let body = html! {
                h1 { "Check your e-mail" }
                p role="status" { "If " strong { (email.trim()) } " belongs to a member, a link to choose a new password is on its way. It works once, for one hour." }
                p { a href="/signin" { "Back to sign in" } }
            };
            page::respond(StatusCode::OK, page::layout("Check your e-mail", None, body))
        }
        Err(ServiceError::Validation(errors)) => {
            let message =
                errors.iter().next().map(|e| format!("The e-mail {}.", e.message)).unwrap_or_default();
            page::respond(StatusCode::BAD_REQUEST, forgot_page(&csrf, &email, Some(&message)))
        }
        Err(ServiceError::RateLimited { retry_after }) => {
            let message =
                format!("Too many requests. Try again in {} seconds.", retry_after.as_secs().max(1));
            page::respond(StatusCode::TOO_MANY_REQUESTS, forgot_page(&csrf, &email, Some(&message)))
        }
        Err(error) => page::error(&error),
    }
}

fn forgot_page(csrf: &str, email: &str, problem: Option<&str>) -> Markup {
    let body = html! {
        h1 { "Forgot your password?" }
        p { "Give the e-mail address you sign in with; we will send a link to choose a new password." }
        @if let Some(problem) = problem { div.summary role="alert" tabindex="-1" { p { (problem) } } }
        form.card method="post" action="/forgot" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            div.field {
                label for="f-Email" { "E-mail" }
                input type="email" id="f-Email" name="Email" value=(email) autocomplete="username" required;
            }
            button type="submit" { "Send the link" }
        }
        p { a href="/signin" { "Back to sign in" } }
    };
    page::layout("Forgot your password?", None, body)
}

/// `/reset` and `/welcome`: the same form, titled for what the link was sent for.
pub async fn show_reset(state: State<SharedState>, headers: HeaderMap, query: Query<LinkQuery>) -> Response {
    show_password_form(state, headers, query, Kind::Reset)
}

pub async fn show_welcome(
    state: State<SharedState>,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_password_form(state, headers, query, Kind::Welcome)
}

#[derive(Clone, Copy)]
enum Kind {
    Reset,
    Welcome,
}

fn show_password_form(
    State(app): State<SharedState>,
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
    kind: Kind,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    with_cookie(page::respond(StatusCode::OK, password_page(kind, &csrf, &token, &[])), cookie)
}

pub async fn submit_password(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(mut posted): GenuineForm,
) -> Response {
    let kind = if posted.get("_kind").is_some_and(|k| k == "welcome") { Kind::Welcome } else { Kind::Reset };
    let token = posted.remove("Token").unwrap_or_default();
    let csrf = posted.remove(CSRF_FIELD).unwrap_or_default();
    let new = SecretString::from(posted.remove("NewPassword").unwrap_or_default());
    let repeat = SecretString::from(posted.remove("RepeatNewPassword").unwrap_or_default());
    match account::set_password_by_link(
        &app,
        NewPassword { token: &token, new: &new, repeat: &repeat },
        &client,
    )
    .await
    {
        Ok(_) => Redirect::to("/signin?password_set=1").into_response(),
        Err(ServiceError::Validation(errors)) => {
            let errors = errors.into_vec();
            page::respond(StatusCode::BAD_REQUEST, password_page(kind, &csrf, &token, &errors))
        }
        Err(error) => page::error(&error),
    }
}

fn password_page(kind: Kind, csrf: &str, token: &str, errors: &[FieldError]) -> Markup {
    let (title, intro, kind_name) = match kind {
        Kind::Reset => ("Choose a new password", "Setting it signs you out on every device.", "reset"),
        Kind::Welcome => (
            "Welcome: choose your password",
            "You will sign in with your e-mail address and this password.",
            "welcome",
        ),
    };
    let link_error = errors.iter().find(|e| e.property == "Token");
    let error_of = |name: &str| errors.iter().find(|e| e.property == name);
    let body = html! {
        h1 { (title) }
        p { (intro) }
        @if let Some(error) = link_error {
            div.summary role="alert" tabindex="-1" data-focus="true" {
                p { "This link does not work any more: it was used, replaced by a newer one, or has expired. "
                    a href="/forgot" { "Ask for a new link" } "." }
                p.hint { (error.message) }
            }
        }
        form.card method="post" action="/reset" novalidate {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="_kind" value=(kind_name);
            input type="hidden" name="Token" value=(token);
            @for (name, label) in [("NewPassword", "New password"), ("RepeatNewPassword", "Repeat the new password")] {
                @let error = error_of(name);
                div.field.has-error[error.is_some()] {
                    label for=(format!("f-{name}")) { (label) }
                    @if let Some(error) = error { p.error id=(format!("f-{name}-error")) { (error.message) } }
                    input type="password" id=(format!("f-{name}")) name=(name) autocomplete="new-password"
                        aria-describedby=[error.map(|_| format!("f-{name}-error"))]
                        data-strength=[(name == "NewPassword").then_some("true")];
                }
            }
            button type="submit" { "Set the password" }
        }
    };
    page::layout(title, None, body)
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
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_email_form(state, headers, query, EmailStep::Confirm)
}

pub async fn show_undo_email(
    state: State<SharedState>,
    headers: HeaderMap,
    query: Query<LinkQuery>,
) -> Response {
    show_email_form(state, headers, query, EmailStep::Undo)
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
    headers: HeaderMap,
    Query(query): Query<LinkQuery>,
    step: EmailStep,
) -> Response {
    let (csrf, cookie) = browser::csrf_for(&app, &headers);
    let token = query.token.unwrap_or_default();
    let (title, text, button) = match step {
        EmailStep::Confirm => {
            ("Confirm your new e-mail address", "From now on you will sign in with this address.", "Confirm")
        }
        EmailStep::Undo => (
            "Undo the change of your e-mail address",
            "Your previous address is put back, and every session of your account ends: sign in again, and change your password if someone else knew it.",
            "Undo the change",
        ),
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
    with_cookie(page::respond(StatusCode::OK, page::layout(title, None, body)), cookie)
}

pub async fn submit_confirm_email(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let token = posted.get("Token").map(String::as_str).unwrap_or_default();
    let outcome = account::confirm_email_change(&app, token, &client)
        .await
        .map(|email| format!("You now sign in with {email}."));
    email_outcome(outcome)
}

pub async fn submit_undo_email(
    State(app): State<SharedState>,
    Client(client): Client,
    GenuineForm(posted): GenuineForm,
) -> Response {
    let token = posted.get("Token").map(String::as_str).unwrap_or_default();
    let outcome = account::revert_email_change(&app, token, &client)
        .await
        .map(|()| "Your previous address is back and every session has ended. Sign in again.".to_string());
    email_outcome(outcome)
}

fn email_outcome(outcome: Result<String, ServiceError>) -> Response {
    let (status, title, message) = match outcome {
        Ok(message) => (StatusCode::OK, "Done", message),
        Err(ServiceError::Validation(_)) => (
            StatusCode::BAD_REQUEST,
            "This link does not work",
            "It was used already, replaced by a newer one, or has expired.".to_string(),
        ),
        Err(error) => return page::error(&error),
    };
    let body = html! {
        h1 { (title) }
        p role="status" { (message) }
        p { a href="/signin" { "Sign in" } }
    };
    page::respond(status, page::layout(title, None, body))
}
