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
use super::{lang, page};
use crate::auth::key::ServerKey;
use crate::domain::profile::Profile;
use crate::domain::session::Session;
use crate::i18n::Language;
use crate::service::AppState;
use crate::service::session;
use crate::web::SharedState;

pub const SESSION_COOKIE: &str = "portico_session";
/// The cookie holding the nonce of a browser's forms before sign-in.
pub const CSRF_COOKIE: &str = "portico_csrf";
/// Its name where Portico is reached over https: the browser then refuses it unless it was
/// set by this very host, over https, for the whole site, so no neighbour can plant one.
pub const HOST_CSRF_COOKIE: &str = "__Host-portico_csrf";
/// The form field that carries the CSRF value.
pub const CSRF_FIELD: &str = "_csrf";

const SESSION_CSRF: &str = "portal-csrf-session";
const ANONYMOUS_CSRF: &str = "portal-csrf-anonymous";

/// A signed-in browser: its session, current profile, the CSRF value its forms carry, and
/// the language its pages speak (the member's choice, else the browser's).
pub struct SignedIn {
    pub session: Session,
    pub profile: Profile,
    pub csrf: String,
    pub lang: Language,
}

impl FromRequestParts<SharedState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        let to_sign_in = || Redirect::to("/signin").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_sign_in)?.to_string();
        let (session, profile) =
            session::authenticate_with_profile(app, &token).await.map_err(|_| to_sign_in())?;
        super::brand::show_location(profile.location_id);
        let browser = lang::of_request(&parts.headers);
        let chosen = crate::service::profile::language(app, session.user_id)
            .await
            .map_err(|e| page::error(browser, &e))?;
        let lang = chosen.unwrap_or(browser);
        // A space that requires two-step sign-in leads a member without it to set it up,
        // and nowhere else, until they have.
        if !parts.uri.path().starts_with("/profile/two-factor")
            && session::must_set_up_two_step(app, &profile.email).await.map_err(|e| page::error(lang, &e))?
        {
            return Err(Redirect::to("/profile/two-factor").into_response());
        }
        let csrf = session_csrf(app, &token);
        Ok(SignedIn { session, profile, csrf, lang })
    }
}

/// A form post from this site's own page: parsed, with its CSRF value checked. Every portal
/// POST takes its body through this, so none can forget the check; anything else is refused
/// (403, nothing done) before the handler runs.
pub struct GenuineForm(pub Posted);

impl FromRequest<SharedState> for GenuineForm {
    type Rejection = Response;

    async fn from_request(request: Request, app: &SharedState) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let posted = form::posted(pairs);
        if !form_is_genuine(app, &headers, posted.get(CSRF_FIELD).map(String::as_str)) {
            return Err(page::refused(lang::of_request(&headers)));
        }
        Ok(GenuineForm(posted))
    }
}

/// A file form's POST (`multipart/form-data`): its `photo` file, taken only when the form
/// carries this browser's CSRF value, like [`GenuineForm`], and read only once an upload
/// turn is free (`service::photo::upload_turn`). The route bounds the body.
pub struct GenuineUpload {
    pub turn: crate::service::photo::UploadTurn,
    pub file: Vec<u8>,
}

impl FromRequest<SharedState> for GenuineUpload {
    type Rejection = Response;

    async fn from_request(request: Request, app: &SharedState) -> Result<Self, Self::Rejection> {
        let headers = request.headers().clone();
        let language = lang::of_request(&headers);
        let turn =
            crate::service::photo::upload_turn(app).await.map_err(|error| page::error(language, &error))?;
        let bad = || {
            let text = crate::tr!(language, "photos-unreadable-upload");
            page::failed(language, axum::http::StatusCode::BAD_REQUEST, &text)
        };
        let mut multipart = axum::extract::Multipart::from_request(request, app).await.map_err(|_| bad())?;
        let (mut csrf, mut file) = (None, Vec::new());
        while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
            match field.name() {
                Some(CSRF_FIELD) => csrf = Some(field.text().await.map_err(|_| bad())?),
                Some("photo") => file = field.bytes().await.map_err(|_| bad())?.to_vec(),
                _ => {}
            }
        }
        if !form_is_genuine(app, &headers, csrf.as_deref()) {
            return Err(page::refused(language));
        }
        Ok(GenuineUpload { turn, file })
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
/// other origin) and carries the CSRF value of this browser's session or, before sign-in,
/// of its nonce cookie.
fn form_is_genuine(app: &AppState, headers: &HeaderMap, submitted: Option<&str>) -> bool {
    let from_this_site = came_from_this_site(headers);
    let repeated = csrf_matches(&app.settings.secret_key, csrf_cookie_name(app), headers, submitted);
    let genuine = from_this_site && repeated;
    if !genuine {
        tracing::info!(from_this_site, repeated, "portal form refused");
    }
    genuine
}

/// The browser does not say the form was sent from another site.
fn came_from_this_site(headers: &HeaderMap) -> bool {
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
    !fetched_from_elsewhere && !origin_is_foreign
}

/// The submitted value is the MAC of the session cookie or of the nonce cookie.
fn csrf_matches(key: &ServerKey, nonce_cookie: &str, headers: &HeaderMap, submitted: Option<&str>) -> bool {
    let Some(submitted) = submitted.filter(|s| !s.is_empty()) else { return false };
    let expected = [
        cookie(headers, SESSION_COOKIE).map(|token| key.mac_text(SESSION_CSRF, token.as_bytes())),
        cookie(headers, nonce_cookie).map(|nonce| key.mac_text(ANONYMOUS_CSRF, nonce.as_bytes())),
    ];
    // Both compared, so the time taken does not tell which matched.
    expected
        .iter()
        .flatten()
        .fold(false, |found, value| found | constant_time_eq(value.as_bytes(), submitted.as_bytes()))
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

fn https(app: &AppState) -> bool {
    app.settings.public_url.as_ref().is_some_and(|url| url.scheme() == "https")
}

fn csrf_cookie_name(app: &AppState) -> &'static str {
    if https(app) { HOST_CSRF_COOKIE } else { CSRF_COOKIE }
}

/// The CSRF value of a signed-in browser's forms: a MAC of its session token, so it works
/// exactly as long as the session, changes at every sign-in, and cannot be made without
/// the session cookie.
pub fn session_csrf(app: &AppState, session_token: &str) -> String {
    app.settings.secret_key.mac_text(SESSION_CSRF, session_token.as_bytes())
}

/// The CSRF value of the forms shown before sign-in (the MAC of the browser's nonce
/// cookie), and the cookie to set when it had none yet.
pub fn csrf_for(app: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let key = &app.settings.secret_key;
    match cookie(headers, csrf_cookie_name(app)) {
        Some(nonce) => (key.mac_text(ANONYMOUS_CSRF, nonce.as_bytes()), None),
        None => {
            let (nonce, cookie) = new_nonce_cookie(app);
            (key.mac_text(ANONYMOUS_CSRF, nonce.as_bytes()), Some(cookie))
        }
    }
}

/// A fresh nonce for the forms before sign-in, and its cookie: set at sign-in too, so a
/// value seen before it is worthless after.
pub fn new_nonce_cookie(app: &AppState) -> (String, HeaderValue) {
    let nonce = new_nonce();
    let age = app.settings.session_lifetime.as_secs();
    let cookie = set_cookie(app, csrf_cookie_name(app), &nonce, Some(age));
    (nonce, cookie)
}

fn new_nonce() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `Set-Cookie` for a portal cookie; `None` as the age removes it.
pub fn set_cookie(app: &AppState, name: &str, value: &str, max_age_seconds: Option<u64>) -> HeaderValue {
    let secure = https(app);
    let same_site = if name == CSRF_COOKIE || name == HOST_CSRF_COOKIE { "Strict" } else { "Lax" };
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
    fn a_form_must_come_from_this_origin() {
        let base = [("host", "portal.example:8080")];
        assert!(came_from_this_site(&headers(&base)));
        let with = |extra: (&'static str, &'static str)| {
            let mut all = base.to_vec();
            all.push(extra);
            came_from_this_site(&headers(&all))
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
    fn a_form_must_carry_the_mac_of_its_session_or_nonce() {
        let key = ServerKey::random();
        let session_value = key.mac_text(SESSION_CSRF, b"pat_abc");
        let nonce_value = key.mac_text(ANONYMOUS_CSRF, b"n0nce");
        let signed_in = headers(&[("cookie", "portico_session=pat_abc")]);
        assert!(csrf_matches(&key, CSRF_COOKIE, &signed_in, Some(&session_value)));
        assert!(!csrf_matches(&key, CSRF_COOKIE, &signed_in, Some(&nonce_value)));
        assert!(
            !csrf_matches(&key, CSRF_COOKIE, &signed_in, Some("pat_abc")),
            "the token itself is no value"
        );
        assert!(!csrf_matches(&key, CSRF_COOKIE, &signed_in, Some("")));
        assert!(!csrf_matches(&key, CSRF_COOKIE, &signed_in, None));
        let other_key = ServerKey::random();
        assert!(!csrf_matches(&other_key, CSRF_COOKIE, &signed_in, Some(&session_value)));
        let anonymous = headers(&[("cookie", "portico_csrf=n0nce")]);
        assert!(csrf_matches(&key, CSRF_COOKIE, &anonymous, Some(&nonce_value)));
        assert!(!csrf_matches(&key, CSRF_COOKIE, &anonymous, Some("n0nce")), "a planted cookie is no value");
        assert!(
            !csrf_matches(&key, HOST_CSRF_COOKIE, &anonymous, Some(&nonce_value)),
            "under https only the __Host- cookie counts"
        );
        let both = headers(&[("cookie", "portico_session=pat_abc; __Host-portico_csrf=n0nce")]);
        assert!(csrf_matches(&key, HOST_CSRF_COOKIE, &both, Some(&session_value)));
        assert!(csrf_matches(&key, HOST_CSRF_COOKIE, &both, Some(&nonce_value)));
        assert!(!csrf_matches(&key, HOST_CSRF_COOKIE, &headers(&[]), Some(&nonce_value)), "no cookie");
    }

    #[test]
    fn nonces_are_long_and_fresh() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }
}
