//! The server: one router of the API (`http`) and the member's pages (`portal`) over the
//! shared state, behind the one edge middleware (`edge`), served on a listener whose
//! connections have deadlines (`connections`).

mod connections;
mod cors;
mod edge;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::IntoResponse;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

use crate::http::envelope::ApiError;
use crate::service::AppState;

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

/// The API and the pages, with the answers every request may get from the edge: the
/// envelope for an unknown route or method, a panic or a timeout.
pub fn router(state: AppState) -> Router {
    crate::telemetry::metrics();
    let settings = Arc::clone(&state.settings);
    let edge_settings = edge::EdgeSettings {
        request_timeout: settings.request_timeout,
        strict_transport: settings.public_url.as_ref().is_some_and(|url| url.scheme() == "https"),
    };
    let state = Arc::new(state);
    let pages = crate::portal::router(crate::http::export_json, Arc::clone(&state));
    let mut router = Router::new().merge(crate::http::router()).merge(pages);
    if settings.metrics_with_api {
        router = router.merge(crate::http::metrics_router());
    }
    let router = router
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(CatchPanicLayer::custom(|_| ApiError::Panic.into_response()))
        .layer(middleware::from_fn_with_state(edge_settings, edge::edge))
        .with_state(state);
    match cors::layer(&settings.cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// Serves only `/metrics`, on the listener of `--metrics-bind` (by default 127.0.0.1:9464).
pub async fn serve_metrics(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, crate::http::metrics_router().with_state(Arc::new(state))).await
}
