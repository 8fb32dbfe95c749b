//! The HTTP edge: one router per resource, the envelope, extractors, entity tags and the
//! one edge middleware; and `serve`, which runs it all on a listener.

mod countries;
mod edge;
pub mod envelope;
mod etag;
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
    let router = router(state);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

pub fn router(state: AppState) -> Router {
    crate::telemetry::metrics();
    let timeout = state.settings.request_timeout;
    Router::new()
        .merge(profile::router())
        .merge(history::router())
        .merge(session::router())
        .merge(countries::router())
        .merge(ops::router())
        .merge(openapi::router())
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(CatchPanicLayer::custom(|_| ApiError::Panic.into_response()))
        .layer(middleware::from_fn_with_state(timeout, edge::edge))
        .with_state(Arc::new(state))
}

/// The router's state: one pointer, so handlers clone it for the price of a counter.
pub(crate) type SharedState = Arc<AppState>;
