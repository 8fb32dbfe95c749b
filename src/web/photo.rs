//! The answer that serves a photo, for the API's `/media/…` and the portal's own-photo page.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::service::photo::Served;

/// The photo (JPEG) or the initials (SVG) with a strong tag, `304` when `If-None-Match`
/// names it, and headers that let no browser take it for anything else.
pub fn response(served: Served, request_headers: &HeaderMap) -> Response {
    let (etag, content_type, body, public) = match served {
        Served::Photo { photo, public } => (photo.etag, "image/jpeg", photo.jpeg, public),
        Served::Initials { svg, etag, public } => (etag, "image/svg+xml", svg.into_bytes(), public),
    };
    let tag = format!("\"{etag}\"");
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut response =
        if unchanged { StatusCode::NOT_MODIFIED.into_response() } else { body.into_response() };
    let headers = response.headers_mut();
    if !unchanged {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, tag);
    }
    let cache = if public { "public, no-cache" } else { "private, no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // An SVG opened on its own is a document: it may run nothing and load nothing.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    if !public {
        headers.insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    }
    response
}
