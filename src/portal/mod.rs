//! The member portal: server-rendered pages (maud) over the same service functions as the
//! API, so a rule is checked in one place. Forms work without JavaScript; `portal.js` only
//! enhances them. Every asset is compiled into the binary.
//!
//! Browser sessions: a `portico_session` cookie (`HttpOnly`, `SameSite=Lax`, `Secure` when
//! `PORTICO_PUBLIC_URL` is https) holds an access token like the API's, stored hashed; every
//! form carries the double-submitted `portico_csrf` value and a cross-site POST is refused
//! (`browser.rs`).

mod account;
mod brand;
mod browser;
mod directory;
mod form;
mod lang;
mod page;
mod photo;
mod profile;
mod signin;
mod staff;
mod two_factor;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::web::SharedState;

/// A photo upload's body: the largest photo and the form around it.
const UPLOAD_BODY_BYTES: usize = crate::domain::photo::MAX_UPLOAD_BYTES + 64 * 1024;

/// How an export reads as JSON: the API's shape, handed in by the server so the pages and
/// the API give the same document without the pages depending on the API.
pub type ExportJson = fn(&crate::service::history::Export, &str) -> serde_json::Value;

pub fn router(export_json: ExportJson, app: SharedState) -> Router<SharedState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/profile") }))
        .route("/signin", get(signin::show).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/signin/code", post(signin::submit_code))
        .route("/signin/link", get(signin::show_link).post(signin::use_link))
        .route("/signin/link-request", post(signin::request_link))
        .route("/en/user/login", get(signin::one_time_sign_in))
        .route("/forgot", get(account::show_forgot).post(account::submit_forgot))
        .route("/reset", get(account::show_reset).post(account::submit_password))
        .route("/welcome", get(account::show_welcome))
        .route("/confirm-email", get(account::show_confirm_email).post(account::submit_confirm_email))
        .route("/undo-email", get(account::show_undo_email).post(account::submit_undo_email))
        .route("/profile", get(profile::show))
        .route("/profile/switch", post(profile::switch))
        .route("/profile/preview", post(profile::preview))
        .route("/profile/draft", post(profile::draft))
        .route("/profile/email", post(profile::change_email))
        .route("/profile/language", post(profile::save_language))
        .route(
            "/profile/photo/{kind}",
            get(photo::show).post(photo::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .route("/profile/photo/{kind}/remove", post(photo::remove))
        .route("/profile/two-factor", get(two_factor::show))
        .route("/profile/two-factor/start", post(two_factor::start))
        .route("/profile/two-factor/confirm", post(two_factor::confirm))
        .route("/profile/two-factor/off", post(two_factor::turn_off))
        .route("/profile/{section}", post(profile::save))
        .route("/staff", get(staff::list))
        .route("/staff/members/{id}", get(staff::member).post(staff::save))
        .route(
            "/staff/members/{id}/export",
            get(move |signed_in, state, id, client| staff::export(signed_in, state, id, client, export_json)),
        )
        .route("/staff/members/{id}/{action}", post(staff::act))
        .route("/staff/audit", get(staff::audit))
        .route("/staff/outbox", get(staff::outbox))
        .route("/directory", get(directory::list))
        .route("/directory/{id}", get(directory::card))
        .route("/directory/{id}/contact", post(directory::contact))
        // Every page above shows the location's brand; the assets below need none.
        .route_layer(axum::middleware::from_fn_with_state(app, brand::for_each_page))
        .route("/portal/portal.css", get(|| async { asset("text/css", include_str!("assets/portal.css")) }))
        .route(
            "/portal/portal.js",
            get(|| async { asset("text/javascript", include_str!("assets/portal.js")) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
