//! What members changed, and everything Portico holds about a member.

use time::OffsetDateTime;

use super::{AppState, ServiceResult};
use crate::domain::audit::AuditRecord;
use crate::domain::history::{HistoryEntry, HistoryPage};
use crate::domain::profile::{Profile, User};
use crate::domain::session::Session;
use crate::store::{Paging, SessionSummary};

/// Every entry, for the export and the operator.
const EVERYTHING: Paging = Paging { offset: 0, limit: i64::MAX as u64 };

/// One page of the session's user's history, newest first.
pub async fn page(app: &AppState, session: &Session, paging: Paging) -> ServiceResult<HistoryPage> {
    Ok(app.store.history_of(session.user_id, paging).await?)
}

/// The newest `limit` entries of a member's history, for the operator.
pub async fn of_member(app: &AppState, email: &str, limit: u64) -> ServiceResult<HistoryPage> {
    let user_id = super::operator::user_id_of(app, email).await?;
    Ok(app.store.history_of(user_id, Paging { offset: 0, limit }).await?)
}

/// Everything Portico holds about the session's user (GDPR articles 15 and 20). Sessions
/// are listed without their tokens: Portico keeps only digests of those, and even the
/// digests are not shown.
pub struct Export {
    pub exported_at: OffsetDateTime,
    pub user: User,
    pub profiles: Vec<Profile>,
    pub sessions: Vec<SessionSummary>,
    pub history: Vec<HistoryEntry>,
    pub audit: Vec<AuditRecord>,
}

pub async fn export(app: &AppState, session: &Session) -> ServiceResult<Export> {
    export_user(app, session.user_id).await
}

/// Everything Portico holds of a user (GDPR Art. 15 and 20), for the member or, on their
/// request, the operator.
pub async fn export_user(app: &AppState, user_id: i64) -> ServiceResult<Export> {
    let store = &app.store;
    let user = store.user(user_id).await?;
    let mut profiles = Vec::new();
    for summary in store.profiles_of_user(user_id).await? {
        profiles.push(store.profile(summary.id).await?);
    }
    let now = app.clock.now();
    Ok(Export {
        exported_at: now,
        sessions: store.sessions_of_user(user_id, now).await?,
        history: store.history_of(user_id, EVERYTHING).await?.entries,
        audit: store.audit_of_user(user_id).await?,
        profiles,
        user,
    })
}
