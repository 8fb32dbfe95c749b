//! The HTTP edge: one router per resource, the envelope, extractors, entity tags and the
//! one edge middleware; and `serve`, which runs it all on a listener.

mod account;
mod connections;
mod cors;
mod countries;
mod directory;
mod edge;
pub mod envelope;
pub(crate) mod etag;
pub mod extract;
mod history;
mod openapi;
mod ops;
mod profile;
mod query;
mod session;
mod views;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

use crate::service::AppState;
use envelope::ApiError;

/// Serves `state` on `listener` until `shutdown` completes, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let deadlines = connections::Deadlines {
        header_read: state.settings.header_read_timeout,
        idle: state.settings.idle_timeout,
    };
    connections::serve(listener, router(state), deadlines, shutdown).await
}

pub fn router(state: AppState) -> Router {
    crate::telemetry::metrics();
    let settings = Arc::clone(&state.settings);
    let edge_settings = edge::EdgeSettings {
        request_timeout: settings.request_timeout,
        strict_transport: settings.public_url.as_ref().is_some_and(|url| url.scheme() == "https"),
    };
    let mut router = Router::new()
        .merge(profile::router())
        .merge(account::router())
        .merge(history::router())
        .merge(session::router())
        .merge(countries::router())
        .merge(directory::router())
        .merge(ops::router())
        .merge(openapi::router())
        .merge(crate::portal::router());
    if !settings.metrics_on_own_listener {
        router = router.merge(ops::metrics_router());
    }
    let router = router
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(CatchPanicLayer::custom(|_| ApiError::Panic.into_response()))
        .layer(middleware::from_fn_with_state(edge_settings, edge::edge))
        .with_state(Arc::new(state));
    match cors::layer(&settings.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// Serves only `/metrics`, for `--metrics-bind`.
pub async fn serve_metrics(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, ops::metrics_router().with_state(Arc::new(state))).await
}

/// The router's state: one pointer, so handlers clone it for the price of a counter.
pub(crate) type SharedState = Arc<AppState>;
