//! The HTTP edge: one router per resource, the envelope, extractors and the layer stack.

mod countries;
pub mod envelope;
pub mod extract;
mod ops;
mod profile;
mod session;
mod views;

pub use views::rfc3339;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use envelope::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let timeout = state.settings.request_timeout;
    Router::new()
        .merge(profile::router())
        .merge(session::router())
        .merge(countries::router())
        .merge(ops::router())
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(timeout, edge))
        .layer(CatchPanicLayer::custom(|_| ApiError::Panic.into_response()))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(Arc::new(state))
}

/// The router's state: one pointer, so handlers clone it for the price of a counter.
pub(crate) type SharedState = Arc<AppState>;

/// The span names the route template, never the full URI: query strings can carry
/// personal data.
fn request_span(request: &Request) -> tracing::Span {
    let route = request.extensions().get::<MatchedPath>().map_or("(unmatched)", MatchedPath::as_str);
    let id =
        request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

/// What every request gets at the edge, in one layer: a time limit, writes that run to
/// completion, and the security headers.
async fn edge(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let mut response = match tokio::time::timeout(limit, run_to_completion(request, next)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    };
    security_headers(response.headers_mut());
    response
}

/// Runs each write on a task of its own, so a client that disconnects (or a timeout) never
/// interrupts a handler halfway through a database transaction: a write either completes
/// or fails as a whole, whether or not anyone is still waiting for the answer. Reads need
/// no such care and skip the extra task.
async fn run_to_completion(request: Request, next: Next) -> Response {
    if request.method() == Method::GET || request.method() == Method::HEAD {
        return next.run(request).await;
    }
    match tokio::spawn(next.run(request)).await {
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
