//! The layout every portal page shares, and the small pieces pages repeat.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use super::browser::CSRF_FIELD;
use crate::i18n::Language;
use crate::service::ServiceError;
use crate::tr;

/// A whole page: the title, the signed-in navigation when there is a member, and the body,
/// in the member's language and the location's brand (`brand.rs`): its name and logo in the
/// header, its accent for links and buttons.
pub fn layout(lang: Language, title: &str, signed_in_csrf: Option<&str>, body: Markup) -> Markup {
    let brand = super::brand::shown();
    // Only a checked `#rrggbb` (`domain::brand::Accent`) is ever written into the style.
    let accent = brand.accent.map(|accent| format!("--accent: {}", accent.hex()));
    html! {
        (DOCTYPE)
        html lang=(lang.code()) style=[accent] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (brand.name) }
                link rel="stylesheet" href="/portal/portal.css";
                script src="/portal/portal.js" defer {}
            }
            body data-words=(super::lang::script_words(lang)) {
                a.skip href="#main" { (tr!(lang, "layout-skip")) }
                header.top {
                    a.brand href="/" {
                        @if let Some(logo) = &brand.logo_path { img src=(logo) alt="" height="40"; }
                        span { (brand.name) }
                    }
                    @if let Some(csrf) = signed_in_csrf {
                        nav aria-label=(tr!(lang, "layout-nav")) {
                            a href="/profile" { (tr!(lang, "layout-my-profile")) }
                            a href="/directory" { (tr!(lang, "layout-directory")) }
                            form.inline method="post" action="/signout" {
                                (csrf_input(csrf))
                                button.link type="submit" { (tr!(lang, "layout-sign-out")) }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
            }
        }
    }
}

pub fn csrf_input(csrf: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(csrf); }
}

/// A page as a response, with a status.
pub fn respond(status: StatusCode, page: Markup) -> Response {
    (status, Html(page.into_string())).into_response()
}

/// A piece of a page (the bio's preview), already safe HTML.
pub fn fragment(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

/// The page for a form that did not come from this site: nothing was done.
pub fn refused(lang: Language) -> Response {
    let body = html! {
        h1 { (tr!(lang, "refused-heading")) }
        p { (tr!(lang, "refused-text")) " "
            a href="/profile" { (tr!(lang, "refused-back")) } }
    };
    respond(StatusCode::FORBIDDEN, layout(lang, &tr!(lang, "refused-title"), None, body))
}

/// The page for an error of a use case: the status, the wait and what the member is told,
/// in their language; a fault is logged here, once.
pub fn error(lang: Language, error: &ServiceError) -> Response {
    error.log_if_fault();
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = failed(lang, status, &super::lang::error_text(lang, error));
    if let Some(wait) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    }
    response
}

/// The status and the `Retry-After` of an error, for a page that shows it beside a form.
pub fn with_wait(mut response: Response, error: &ServiceError) -> Response {
    if let Some(wait) = error.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    }
    response
}

/// The status that answers an error, in a page.
pub fn status_of(error: &ServiceError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The page for a failure the member can only retry, with the ways on.
pub fn failed(lang: Language, status: StatusCode, message: &str) -> Response {
    let body = html! {
        h1 { (tr!(lang, "failed-heading")) }
        p role="alert" { (message) }
        nav aria-label=(tr!(lang, "failed-nav")) {
            ul {
                li { a href="/profile" { (tr!(lang, "failed-to-profile")) } }
                li { a href="/directory" { (tr!(lang, "failed-to-directory")) } }
                li { a href="/signin" { (tr!(lang, "failed-to-sign-in")) } }
            }
        }
    };
    respond(status, layout(lang, &tr!(lang, "failed-title"), None, body))
}
