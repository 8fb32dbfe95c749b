//! Operations: whether this node can serve, and the hourly clean-up.

use super::{AppState, ServiceResult};
use crate::store::Purge;

/// Whether the store answers: a load balancer stops sending traffic when it does not.
pub async fn ready(app: &AppState) -> ServiceResult<()> {
    Ok(app.store.ping().await?)
}

/// Sets the gauges `/metrics` shows: the hashing queue and the store's connections.
pub fn record_gauges(app: &AppState) {
    metrics::gauge!("portico_hash_queue_requests").set(app.hasher.in_use() as f64);
    let connections = app.store.connection_use();
    metrics::gauge!("portico_store_connections_busy").set(connections.busy as f64);
    metrics::gauge!("portico_store_connections_open").set(connections.open as f64);
}

/// Deletes expired sessions, stale lockout counters and history past its retention.
pub async fn purge(app: &AppState) -> ServiceResult<()> {
    let now = app.clock.now();
    let purge = Purge {
        now,
        lockout_window_start: now - app.settings.lockout.window,
        history_before: now - app.settings.history_retention,
    };
    Ok(app.store.purge_expired(&purge).await?)
}
