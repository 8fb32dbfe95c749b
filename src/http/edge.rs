//! What every request gets at the edge, in one layer: a request id, a span, a time limit,
//! writes that run to completion, cancellation of password work nobody waits for, and the
//! security headers.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::envelope::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The edge middleware.
pub async fn edge(State(limit): State<Duration>, mut request: Request, next: Next) -> Response {
    let id = request_id(&mut request);
    let span = request_span(&request, &id);
    // Fires when this future is dropped (the client hung up) or returns (the time limit
    // passed, or the answer is ready): password work the request has not started is skipped.
    let cancelled = CancellationToken::new();
    request.extensions_mut().insert(cancelled.clone());
    let _cancel_when_done = cancelled.drop_guard();
    let started = Instant::now();
    let handled =
        tokio::time::timeout(limit, run_to_completion(request, next)).instrument(span.clone()).await;
    let mut response = handled.unwrap_or_else(|_| ApiError::Timeout.into_response());
    let headers = response.headers_mut();
    security_headers(headers);
    headers.insert(REQUEST_ID, id);
    let (status, elapsed_ms) = (response.status().as_u16(), started.elapsed().as_secs_f64() * 1e3);
    tracing::debug!(parent: &span, status, elapsed_ms, "request finished");
    response
}

/// The client's `X-Request-Id` when it is a short printable token, otherwise a new UUID;
/// either way it goes into the logs and back in the answer.
fn request_id(request: &mut Request) -> HeaderValue {
    let sent = request
        .headers()
        .get(&REQUEST_ID)
        .filter(|v| v.len() <= 128 && v.as_bytes().iter().all(u8::is_ascii_graphic))
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

/// Responses carry personal data: not cached unless a handler says otherwise, never
/// sniffed, never framed.
fn security_headers(headers: &mut HeaderMap) {
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}
