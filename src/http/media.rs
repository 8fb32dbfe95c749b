//! Profile photos (docs/API.md, "Photos"): the member uploads and removes them; anyone
//! allowed to see them reads them at `/media/coworkers/{UniqueId}/avatar|banner`. A
//! location's logo is served beside them, to anyone (its pages show it before sign-in).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use base64::Engine;
use serde::Serialize;

use super::envelope::{ApiError, success};
use super::extract::{Auth, PublicBase, WithProfile, content_type_is, limited_body, parse_object, presented};
use super::openapi::{AnyObject, BodyErrors, Envelope, SignedInErrors};
use crate::domain::photo::{self, MAX_UPLOAD_BYTES, PhotoKind};
use crate::domain::{ErrorCode, FieldError};
use crate::service::ServiceError;
use crate::service::photo as service;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/coworker/profile/{kind}", put(upload).delete(remove))
        .route("/media/coworkers/{unique_id}/{kind}", get(serve))
        .route("/media/locations/{location_id}/logo", get(serve_logo))
}

fn kind_of(name: &str) -> Result<PhotoKind, ApiError> {
    PhotoKind::from_name(name).ok_or(ApiError::Service(ServiceError::NotFound("photo")))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UploadedView {
    url: String,
}

/// Upload the current profile's avatar or banner: the image itself (JPEG, PNG or WebP), or
/// JSON `{"Base64Avatar": "…"}` / `{"Base64Banner": "…"}` (a `data:` URL or plain base64).
#[utoipa::path(put, path = "/api/public/coworker/profile/{kind}", tag = "profile", security(("bearer" = [])),
    params(("kind" = String, Path, description = "avatar or banner")),
    request_body(content = AnyObject, description = "The image (image/jpeg, image/png, image/webp) or JSON with Base64Avatar / Base64Banner", content_type = "application/json"),
    responses((status = 200, description = "Stored; Value.Url is where it is served", body = Envelope),
        (status = 400, description = "Not a JPEG, PNG or WebP (unsupported_image), damaged (invalid_image) or too many pixels (image_too_large)", body = Envelope),
        (status = 404, description = "Neither avatar nor banner", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn upload(
    State(app): State<SharedState>,
    Path(kind): Path<String>,
    PublicBase(base): PublicBase,
    request: Request,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (mut parts, body) = request.into_parts();
    let Auth { profile, .. } = Auth::<WithProfile>::from_request_parts(&mut parts, &app).await?;
    let turn = service::upload_turn(&app).await?;
    let headers = parts.headers.clone();
    let bytes = limited_body(Request::from_parts(parts, body), MAX_UPLOAD_BYTES * 4 / 3 + 1024).await?;
    let image = image_bytes(&headers, bytes, kind)?;
    service::upload(&app, turn, &profile, kind, image).await?;
    let url = format!("{base}{}", photo::path(&profile.unique_id, kind));
    Ok(success(Some(UploadedView { url })).into_response())
}

/// The upload's image: the body itself, or the base64 of the JSON form.
fn image_bytes(headers: &HeaderMap, body: Bytes, kind: PhotoKind) -> Result<Vec<u8>, ApiError> {
    let refuse = |code, message: &str| {
        ApiError::Service(ServiceError::Validation(FieldError::new(kind.property(), code, message).into()))
    };
    if body.is_empty() {
        return Err(ApiError::body(
            ErrorCode::EmptyBody,
            "The body is empty: send the image, or JSON with the image in base64.",
        ));
    }
    if !content_type_is(headers, |m| m == "application/json" || m.ends_with("+json")) {
        return Ok(body.to_vec());
    }
    let object = parse_object(&body)?;
    let text = object
        .get(kind.property())
        .and_then(|v| v.as_str())
        .ok_or_else(|| refuse(ErrorCode::Required, "is required: the image in base64"))?;
    let encoded = text.split_once(";base64,").map_or(text, |(_, data)| data).trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| refuse(ErrorCode::InvalidImage, "is not base64"))?;
    Ok(decoded)
}

/// Remove the current profile's avatar or banner (its initials picture shows again).
#[utoipa::path(delete, path = "/api/public/coworker/profile/{kind}", tag = "profile", security(("bearer" = [])),
    params(("kind" = String, Path, description = "avatar or banner")),
    responses((status = 200, description = "Removed (or there was none)", body = Envelope),
        (status = 404, description = "Neither avatar nor banner", body = Envelope),
        SignedInErrors))]
pub(super) async fn remove(
    Auth { profile, .. }: Auth<WithProfile>,
    State(app): State<SharedState>,
    Path(kind): Path<String>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    service::remove(&app, &profile, kind).await?;
    Ok(success(None::<()>).into_response())
}

/// A profile's photo, or its initials when it has none: a public profile's to anyone, a
/// private one's to its member only.
#[utoipa::path(get, path = "/media/coworkers/{unique_id}/{kind}", tag = "profile",
    params(("unique_id" = String, Path, description = "The profile's UniqueId"), ("kind" = String, Path, description = "avatar or banner")),
    responses((status = 200, description = "The photo (image/jpeg) or the initials (image/svg+xml)", content((String = "image/jpeg"), (String = "image/svg+xml"))),
        (status = 304, description = "If-None-Match matches"),
        (status = 404, description = "No such profile, not yours and private, or neither avatar nor banner", body = Envelope)))]
pub(super) async fn serve(
    State(app): State<SharedState>,
    Path((unique_id, kind)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let (mut parts, _) = request.into_parts();
    let viewer = match presented(&parts.headers) {
        Some(_) => Some(<Auth>::from_request_parts(&mut parts, &app).await?.session.user_id),
        None => None,
    };
    let served = service::fetch(&app, &unique_id, kind, viewer).await?;
    Ok(crate::web::photo::response(served, &parts.headers))
}

/// A location's logo (docs/OPERATIONS.md, "The space's brand"): public, as its sign-in
/// page shows it.
#[utoipa::path(get, path = "/media/locations/{location_id}/logo", tag = "reference",
    params(("location_id" = i64, Path, description = "The location's Id")),
    responses((status = 200, description = "The logo (image/jpeg)", content((String = "image/jpeg"))),
        (status = 304, description = "If-None-Match matches"),
        (status = 404, description = "No such location, or it has no logo", body = Envelope)))]
pub(super) async fn serve_logo(
    State(app): State<SharedState>,
    Path(location_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // Anything but a number names no location: the same 404 as a location without a logo.
    let location_id =
        location_id.parse::<i64>().map_err(|_| ApiError::Service(ServiceError::NotFound("logo")))?;
    let photo = crate::service::location::logo(&app, location_id).await?;
    Ok(crate::web::photo::response(crate::service::photo::Served::Photo { photo, public: true }, &headers))
}
