//! Operations: whether this node can serve.

use super::{AppState, ServiceResult};

/// Whether the store answers: a load balancer stops sending traffic when it does not.
pub async fn ready(app: &AppState) -> ServiceResult<()> {
    Ok(app.store.ping().await?)
}
