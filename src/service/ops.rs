//! Operations: whether this node can serve, and the hourly clean-up.

use super::{AppState, ServiceResult};
use crate::store::Purge;

/// Whether the store answers: a load balancer stops sending traffic when it does not.
pub async fn ready(app: &AppState) -> ServiceResult<()> {
    Ok(app.store.ping().await?)
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
