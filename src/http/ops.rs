//! Health endpoints for load balancers and orchestrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::openapi::AnyObject;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// `/metrics`, on a listener of its own (`--metrics-bind`, 127.0.0.1:9464 by default) or, with
/// `--metrics-bind api`, on the API's.
pub fn metrics_router() -> Router<SharedState> {
    Router::new().route("/metrics", get(metrics))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = AnyObject)))]
pub(super) async fn healthz() -> Json<Value> {
    Json(json!({ "Status": "ok" }))
}

/// The store answers; a load balancer should stop sending traffic when it does not.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "The database answers", body = AnyObject),
        (status = 503, description = "It does not", body = AnyObject)))]
pub(super) async fn readyz(State(app): State<SharedState>) -> (StatusCode, Json<Value>) {
    match crate::service::ops::ready(&app).await {
        Ok(()) => (StatusCode::OK, Json(json!({ "Status": "ready" }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "Status": "unavailable" })))
        }
    }
}

/// Prometheus text format; the gauges are read as it is rendered.
async fn metrics(State(app): State<SharedState>) -> impl axum::response::IntoResponse {
    crate::service::ops::record_gauges(&app);
    let text = crate::telemetry::metrics().render();
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
