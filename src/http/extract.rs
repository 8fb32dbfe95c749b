//! Extractors that turn request parts into typed input, failing with our envelope.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::envelope::ApiError;
use crate::domain::ErrorCode;
use crate::domain::profile::Profile;
use crate::domain::session::Session;
use crate::service::basic::BasicCredentials;
use crate::service::session;
use crate::web::Client;
use crate::web::SharedState;

/// The session behind `Authorization: Bearer …`: how every handler that needs a member
/// authenticates. `Auth<WithProfile>` reads the session's current profile in the same read,
/// for the handlers that show it.
pub struct Auth<P = ()> {
    pub session: Session,
    pub profile: P,
}

/// Where the API's absolute addresses (`AvatarUrl`) start: `PORTICO_PUBLIC_URL` when set,
/// else the request's own host (only if it is a plain host name or address and port).
pub struct PublicBase(pub String);

impl FromRequestParts<SharedState> for PublicBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        if let Some(url) = &app.settings.public_url {
            return Ok(PublicBase(url.as_str().trim_end_matches('/').to_string()));
        }
        let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        });
        Ok(PublicBase(format!("http://{}", host.unwrap_or("localhost"))))
    }
}

/// What `Auth<WithProfile>` carries besides the session.
pub type WithProfile = Profile;

impl FromRequestParts<SharedState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        match presented(&parts.headers) {
            Some(Presented::Bearer(token)) => {
                Ok(Auth { session: session::authenticate(app, token).await?, profile: () })
            }
            Some(Presented::Basic(credentials)) => {
                let (session, _) = basic(parts, app, &credentials).await?;
                Ok(Auth { session, profile: () })
            }
            None => Err(ApiError::Unauthenticated { token_presented: false }),
        }
    }
}

impl FromRequestParts<SharedState> for Auth<WithProfile> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        let (session, profile) = match presented(&parts.headers) {
            Some(Presented::Bearer(token)) => session::authenticate_with_profile(app, token).await?,
            Some(Presented::Basic(credentials)) => basic(parts, app, &credentials).await?,
            None => return Err(ApiError::Unauthenticated { token_presented: false }),
        };
        Ok(Auth { session, profile })
    }
}

async fn basic(
    parts: &mut Parts,
    app: &SharedState,
    credentials: &BasicCredentials,
) -> Result<(Session, Profile), ApiError> {
    let Ok(Client(client)) = Client::from_request_parts(parts, app).await;
    Ok(crate::service::basic::authenticate(app, credentials, &client).await?)
}

/// What an `Authorization` header presents.
pub enum Presented<'a> {
    Bearer(&'a str),
    Basic(BasicCredentials),
}

/// The bearer token, or the Basic credentials (`Basic base64(email:password)`, or the same
/// base64 with no scheme word, as one Nexudus client sends it).
pub fn presented(headers: &HeaderMap) -> Option<Presented<'_>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = token.trim();
            (!token.is_empty()).then_some(Presented::Bearer(token))
        }
        Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
            basic_credentials(value, encoded.trim()).map(Presented::Basic)
        }
        Some(_) => None,
        None => basic_credentials(value, value).map(Presented::Basic),
    }
}

/// `email:password` in base64 (standard, padded or not), where the e-mail has an `@`.
fn basic_credentials(header: &str, encoded: &str) -> Option<BasicCredentials> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let decoded = String::from_utf8(engine.decode(encoded).ok()?).ok()?;
    let (email, password) = decoded.split_once(':')?;
    (email.contains('@') && !password.is_empty()).then(|| BasicCredentials {
        header: header.to_string(),
        email: email.to_string(),
        password: secrecy::SecretString::from(password),
    })
}

pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    match presented(headers)? {
        Presented::Bearer(token) => Some(token),
        Presented::Basic(_) => None,
    }
}

/// Reads the whole body, refusing more than the configured limit with 413.
pub async fn limited_body(request: Request, limit: usize) -> Result<Bytes, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(request.into_body(), limit).await.map_err(|_| ApiError::PayloadTooLarge { limit })
}

pub fn content_type_is(headers: &HeaderMap, wanted: impl Fn(&str) -> bool) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| wanted(media.trim().to_ascii_lowercase().as_str()))
}

/// A body that must be one JSON object with no repeated property.
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<SharedState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &SharedState) -> Result<Self, Self::Rejection> {
        let is_json = content_type_is(request.headers(), |m| m == "application/json" || m.ends_with("+json"))
            && is_identity_encoded(request.headers());
        let bytes = limited_body(request, app.settings.body_limit_bytes).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::body(ErrorCode::EmptyBody, "The body is empty: send a JSON object."));
        }
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse_object(&bytes).map(JsonObject)
    }
}

/// Whether the body is sent as is: a compressed body (`Content-Encoding: gzip`) is a media
/// type Portico does not take, not malformed JSON.
fn is_identity_encoded(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .all(|v| v.to_str().is_ok_and(|v| v.trim().eq_ignore_ascii_case("identity")))
}

const DUPLICATE: &str = "duplicate property ";

pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = deserializer.deserialize_any(StrictObject).and_then(|map| deserializer.end().map(|()| map));
    parsed.map_err(|e| {
        let text = e.to_string();
        if let Some(rest) = text.strip_prefix(DUPLICATE) {
            let name = rest.split(" at line").next().unwrap_or(rest);
            let property = crate::domain::FieldError::new(name, ErrorCode::DuplicateField, "").property;
            return ApiError::Body {
                code: ErrorCode::DuplicateField,
                message: format!("{property} appears more than once"),
                property,
            };
        }
        match e.classify() {
            serde_json::error::Category::Data => ApiError::body(
                ErrorCode::NotAnObject,
                "The body must be a JSON object, like {\"FullName\": \"Jane\"}.",
            ),
            _ => ApiError::body(
                ErrorCode::MalformedJson,
                format!("The body is not valid JSON (line {}, column {}).", e.line(), e.column()),
            ),
        }
    })
}

struct StrictObject;

impl<'de> Visitor<'de> for StrictObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            if map.insert(key.clone(), value).is_some() {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}")));
            }
        }
        Ok(map)
    }
}

/// The entity tags of `If-Match`, if the header was sent.
pub struct IfMatch(pub Option<Vec<String>>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let tags: Vec<String> = parts
            .headers
            .get_all(header::IF_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        Ok(IfMatch((!tags.is_empty()).then_some(tags)))
    }
}

/// Whether the client asked for `Prefer: return=representation`.
pub struct PreferRepresentation(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for PreferRepresentation {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let wanted = parts
            .headers
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|p| p.trim().eq_ignore_ascii_case("return=representation"));
        Ok(PreferRepresentation(wanted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<Map<String, Value>, ApiError>) -> Option<&'static str> {
        match result {
            Err(ApiError::Body { code, .. }) => Some(code.as_str()),
            _ => None,
        }
    }

    #[test]
    fn accepts_one_object_and_names_each_problem() {
        assert!(parse_object(br#"{"FullName": "Jane"}"#).is_ok());
        assert_eq!(code(parse_object(b"[1, 2]")), Some("not_an_object"));
        assert_eq!(code(parse_object(b"\"text\"")), Some("not_an_object"));
        assert_eq!(code(parse_object(b"{\"a\": ")), Some("malformed_json"));
        assert_eq!(code(parse_object(b"{} {}")), Some("malformed_json"));
        assert_eq!(code(parse_object(br#"{"FullName": "a", "FullName": "b"}"#)), Some("duplicate_field"));
        let long = "k".repeat(10_000);
        match parse_object(format!(r#"{{"{long}": 1, "{long}": 2}}"#).as_bytes()) {
            Err(ApiError::Body { property, message, .. }) => {
                assert!(property.len() < 100 && message.len() < 200)
            }
            _ => panic!("a duplicate"),
        }
    }

    /// Every input the fuzzer (or a reviewer) found nasty, replayed: parsing it as a PATCH
    /// body never panics and every problem stays within bounds.
    #[test]
    fn fuzz_regressions_never_panic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions/patch_body");
        let mut replayed = 0;
        for entry in std::fs::read_dir(dir).expect("the regressions folder") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("input");
            replayed += 1;
            let Ok(body) = parse_object(&bytes) else { continue };
            let options = crate::domain::patch::ParseOptions {
                today: time::macros::date!(2026 - 11 - 27),
                unknown_fields: crate::domain::patch::UnknownFields::Reject,
                editor: crate::domain::patch::Editor::Member,
            };
            let (parsed, errors) = crate::domain::patch::parse(&body, options);
            assert!(errors.iter().all(|e| e.property.chars().count() <= 65 && e.message.len() < 1_000));
            let profile = crate::domain::profile::Profile::example();
            let _ = crate::domain::read_only::check(&parsed, &profile);
        }
        assert!(replayed >= 6, "the regression inputs are there");
    }
}
