//! Who a browser is: the session cookie, the CSRF check of every form, and the cookies the
//! portal sets.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::form::{self, Posted};
use super::page;
use crate::domain::profile::Profile;
use crate::domain::session::Session;
use crate::http::SharedState;
use crate::service::AppState;
use crate::service::session;

pub const SESSION_COOKIE: &str = "portico_session";
pub const CSRF_COOKIE: &str = "portico_csrf";
/// The form field that repeats the CSRF cookie.
pub const CSRF_FIELD: &str = "_csrf";

/// A signed-in browser: its session, current profile, and the CSRF value its forms carry.
pub struct Member {
    pub session: Session,
    pub profile: Profile,
    pub csrf: String,
}

impl FromRequestParts<SharedState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        let to_sign_in = || Redirect::to("/signin").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_sign_in)?.to_string();
        let (session, profile) =
            session::authenticate_with_profile(app, &token).await.map_err(|_| to_sign_in())?;
        let csrf = cookie(&parts.headers, CSRF_COOKIE).map(str::to_string).unwrap_or_default();
        Ok(Member { session, profile, csrf })
    }
}

/// A form post from this site's own page: parsed, with its CSRF value checked. Every portal
/// POST takes its body through this, so none can forget the check; anything else is refused
/// (403, nothing done) before the handler runs.
pub struct GenuineForm(pub Posted);

impl<S: Send + Sync> FromRequest<S> for GenuineForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let posted = form::posted(pairs);
        if !form_is_genuine(&headers, posted.get(CSRF_FIELD).map(String::as_str)) {
            return Err(page::refused());
        }
        Ok(GenuineForm(posted))
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Whether a form POST may act: it comes from this site (the browser says so, or names no
/// other origin) and repeats the CSRF cookie.
pub fn form_is_genuine(headers: &HeaderMap, submitted: Option<&str>) -> bool {
    let fetched_from_elsewhere = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site != "same-origin" && site != "none");
    let origin_is_foreign = match (header_text(headers, header::ORIGIN), header_text(headers, header::HOST)) {
        (Some(origin), Some(host)) => url::Url::parse(origin)
            .ok()
            .and_then(|url| url.host_str().map(|h| with_port(h, url.port())))
            .is_none_or(|origin_host| origin_host != host),
        _ => false,
    };
    let expected = cookie(headers, CSRF_COOKIE);
    let repeated =
        matches!((expected, submitted), (Some(a), Some(b)) if constant_time_eq(a.as_bytes(), b.as_bytes()));
    let genuine = !fetched_from_elsewhere && !origin_is_foreign && repeated;
    if !genuine {
        tracing::info!(fetched_from_elsewhere, origin_is_foreign, repeated, "portal form refused");
    }
    genuine
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn with_port(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Compared in time that does not depend on where the values first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A fresh CSRF value: 256 random bits.
/// The browser's CSRF value, and the cookie to set when it had none yet.
pub fn csrf_for(app: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, CSRF_COOKIE) {
        Some(value) => (value.to_string(), None),
        None => {
            let csrf = new_csrf();
            let set = set_cookie(app, CSRF_COOKIE, &csrf, Some(86_400));
            (csrf, Some(set))
        }
    }
}

pub fn new_csrf() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `Set-Cookie` for a portal cookie; `None` as the age removes it.
pub fn set_cookie(app: &AppState, name: &str, value: &str, max_age_seconds: Option<u64>) -> HeaderValue {
    let secure = app.settings.public_url.as_ref().is_some_and(|url| url.scheme() == "https");
    let same_site = if name == CSRF_COOKIE { "Strict" } else { "Lax" };
    let age = max_age_seconds.unwrap_or(0);
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("portico_invalid=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let map = headers(&[("cookie", "a=1; portico_csrf_x=2"), ("cookie", "portico_csrf=abc; b=")]);
        assert_eq!(cookie(&map, "portico_csrf"), Some("abc"));
        assert_eq!(cookie(&map, "b"), None, "an empty value is no cookie");
        assert_eq!(cookie(&map, "c"), None);
    }

    #[test]
    fn a_form_must_repeat_the_cookie_and_come_from_this_origin() {
        let base = [("cookie", "portico_csrf=tok"), ("host", "portal.example:8080")];
        assert!(form_is_genuine(&headers(&base), Some("tok")));
        assert!(!form_is_genuine(&headers(&base), Some("tok2")));
        assert!(!form_is_genuine(&headers(&base), Some("tak")), "same length, one byte off");
        assert!(!form_is_genuine(&headers(&base), Some("")));
        assert!(!form_is_genuine(&headers(&base), Some("to")));
        assert!(!form_is_genuine(&headers(&base), None));
        assert!(!form_is_genuine(&headers(&base[1..]), Some("tok")), "no cookie");
        let with = |extra: (&'static str, &'static str)| {
            let mut all = base.to_vec();
            all.push(extra);
            form_is_genuine(&headers(&all), Some("tok"))
        };
        assert!(with(("origin", "http://portal.example:8080")));
        assert!(!with(("origin", "http://portal.example")));
        assert!(!with(("origin", "https://evil.example:8080")));
        assert!(!with(("origin", "null")));
        assert!(with(("sec-fetch-site", "same-origin")));
        assert!(with(("sec-fetch-site", "none")));
        assert!(!with(("sec-fetch-site", "same-site")));
        assert!(!with(("sec-fetch-site", "cross-site")));
    }

    #[test]
    fn csrf_values_are_long_and_fresh() {
        let (a, b) = (new_csrf(), new_csrf());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }
}
