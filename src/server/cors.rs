//! Cross-origin requests, for portals on another site: only from the origins the operator
//! lists, with the headers the API uses. No origin is allowed unless one is listed.

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn layer(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    if origins.is_empty() {
        return None;
    }
    let request_headers = [
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        HeaderName::from_static("prefer"),
        HeaderName::from_static("x-request-id"),
    ];
    let exposed = [
        header::ETAG,
        header::RETRY_AFTER,
        HeaderName::from_static("x-request-id"),
        HeaderName::from_static("preference-applied"),
        HeaderName::from_static("portico-dry-run"),
        HeaderName::from_static("portico-ignored"),
    ];
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH])
            .allow_headers(request_headers)
            .expose_headers(exposed)
            .max_age(Duration::from_secs(3600)),
    )
}
