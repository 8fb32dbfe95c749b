//! What every request gets at the edge, in one layer: a request id, a span, a time limit,
//! writes that run to completion, cancellation of password work nobody waits for, the
//! security headers, an access-log line and the request metrics.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::http::envelope::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What the edge needs to know, fixed at start-up.
#[derive(Debug, Clone, Copy)]
pub struct EdgeSettings {
    pub request_timeout: Duration,
    /// Portico is reached over https: browsers are told to keep to it.
    pub strict_transport: bool,
}

/// The edge middleware.
pub async fn edge(State(settings): State<EdgeSettings>, mut request: Request, next: Next) -> Response {
    let id = request_id(&mut request);
    let span = request_span(&request, &id);
    let (method, route) = (request.method().clone(), route_of(&request));
    let nexudus_path = request.uri().path().starts_with("/en/");
    // Fires when this future is dropped (the client hung up) or returns (the time limit
    // passed, or the answer is ready): password work the request has not started is skipped.
    let cancelled = CancellationToken::new();
    request.extensions_mut().insert(cancelled.clone());
    let _cancel_when_done = cancelled.drop_guard();
    let started = Instant::now();
    let handled = tokio::time::timeout(settings.request_timeout, run_to_completion(request, next))
        .instrument(span.clone())
        .await;
    let mut response = handled.unwrap_or_else(|_| ApiError::Timeout.into_response());
    if nexudus_path && response.status() == StatusCode::UNAUTHORIZED {
        response = without_body(response);
    }
    let headers = response.headers_mut();
    security_headers(headers, settings.strict_transport);
    headers.insert(REQUEST_ID, id);
    let (status, elapsed) = (response.status().as_u16(), started.elapsed());
    let elapsed_ms = elapsed.as_secs_f64() * 1e3;
    tracing::info!(target: "portico::access", parent: &span, status, elapsed_ms, "request");
    record_metrics(&method, route, status, elapsed);
    response
}

/// Nexudus answers a 401 on its `/en/…` paths with an empty body, and clients rely on it
/// (PHP member sites take any JSON answer for a successful sign-in); the headers stay.
fn without_body(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::empty())
}

/// The route template the request matched (never its path: that may carry personal data).
fn route_of(request: &Request) -> String {
    request.extensions().get::<MatchedPath>().map_or("(unmatched)", MatchedPath::as_str).to_string()
}

/// Labels are the route template, a fixed set of methods and the status: a client cannot
/// mint new time series.
fn record_metrics(method: &Method, route: String, status: u16, elapsed: Duration) {
    let method = match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let labels = [("method", method.to_string()), ("route", route), ("status", status.to_string())];
    metrics::counter!("portico_http_requests_total", &labels).increment(1);
    metrics::histogram!("portico_http_request_duration_seconds", &labels[..2]).record(elapsed.as_secs_f64());
}

/// The client's `X-Request-Id` when it is a short printable token, otherwise a new UUID;
/// either way it goes into the logs and back in the answer.
fn request_id(request: &mut Request) -> HeaderValue {
    let sent = request
        .headers()
        .get(&REQUEST_ID)
        .filter(|v| v.len() <= 128 && v.as_bytes().iter().all(|b| b.is_ascii_graphic() || *b == b' '))
        .cloned();
    let id = sent.unwrap_or_else(|| {
        HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap_or(HeaderValue::from_static("-"))
    });
    request.headers_mut().insert(REQUEST_ID, id.clone());
    id
}

/// The span names the route template, never the full URI: query strings can carry
/// personal data.
fn request_span(request: &Request, id: &HeaderValue) -> tracing::Span {
    let route = request.extensions().get::<MatchedPath>().map_or("(unmatched)", MatchedPath::as_str);
    let id = id.to_str().unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

/// Runs each write on a task of its own, so a client that disconnects (or a timeout) never
/// interrupts a handler halfway through a database transaction: a write either completes
/// or fails as a whole, whether or not anyone is still waiting for the answer. Reads need
/// no such care and skip the extra task.
async fn run_to_completion(request: Request, next: Next) -> Response {
    if request.method() == Method::GET || request.method() == Method::HEAD {
        return next.run(request).await;
    }
    match tokio::spawn(next.run(request).instrument(tracing::Span::current())).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a request handler panicked");
            ApiError::Panic.into_response()
        }
    }
}

/// Pages may load their own scripts, styles and images, nothing from elsewhere; inline
/// styles are allowed for the API reference page's widgets, inline scripts never.
const HTML_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// Data is never a document: nothing in a JSON answer may run or load.
const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Responses carry personal data: not cached unless a handler says otherwise, never
/// sniffed, never framed; pages get a content security policy, and over https browsers
/// are told to keep to https.
fn security_headers(headers: &mut HeaderMap, strict_transport: bool) {
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let policy = if is_html { HTML_POLICY } else { DATA_POLICY };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    if strict_transport {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin` for pages: a form's POST then names its origin (under `no-referrer`
    // browsers send `Origin: null`, which the portal must refuse), and no other site ever
    // learns a portal address.
    let referrer = if is_html { "same-origin" } else { "no-referrer" };
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
}
