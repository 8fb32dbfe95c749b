//! The member's own records: the change history of their profiles, and the export of
//! everything Portico holds about them.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::Value;

use super::envelope::ApiError;
use super::extract::Auth;
use super::extract::PublicBase;
use super::openapi::{AnyObject, Envelope, SignedInErrors};
use super::query::QueryParams;
use super::views::{ProfileView, UserView, json, rfc3339};
use crate::domain::audit::AuditRecord;
use crate::domain::history::Paging;
use crate::domain::history::{HistoryEntry, PropertyChange};
use crate::domain::session::SessionSummary;
use crate::service::history as service;
use crate::web::SharedState;

/// The largest page of history one request may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;
const DEFAULT_PAGE_SIZE: u64 = 25;

pub fn router() -> Router<SharedState> {
    Router::new().route("/en/profile/history", get(history)).route("/en/profile/export", get(export))
}

/// What the member changed, newest first.
#[utoipa::path(get, path = "/en/profile/history", tag = "profile", security(("bearer" = [])),
    params(("page" = Option<u64>, Query, minimum = 1, description = "From 1"),
        ("size" = Option<u64>, Query, minimum = 1, maximum = 100, description = "1–100, default 25")),
    responses((status = 200, description = "Records, CurrentPage, TotalItems, …", body = AnyObject),
        (status = 400, description = "page or size out of range", body = Envelope),
        SignedInErrors))]
pub(super) async fn history(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let query = query.accept_only(&["page", "size"])?;
    let page = query.number("page", 1, 1_000_000, 1)?;
    let size = query.number("size", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)?;
    let paging = Paging { offset: (page - 1) * size, limit: size };
    let found = service::page(&app, &session, paging).await?;
    let total_pages = found.total.div_ceil(size);
    Ok(json(&HistoryPageView {
        records: found.entries.iter().map(EntryView).collect(),
        current_page: page,
        current_page_size: size,
        total_items: found.total,
        total_pages,
        has_previous_page: page > 1,
        has_next_page: page < total_pages,
    }))
}

/// Everything Portico holds about the member, as an attachment.
#[utoipa::path(get, path = "/en/profile/export", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "User, Profiles, Sessions, History, AuditEvents", body = AnyObject),
        SignedInErrors))]
pub(super) async fn export(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
) -> Result<Response, ApiError> {
    let export = service::export(&app, &session).await?;
    let mut response = json(&export_view(&export, &base));
    let disposition = format!("attachment; filename=\"portico-export-{}.json\"", export.user.id);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response.into_response())
}

fn export_view<'a>(export: &'a service::Export, base: &'a str) -> ExportView<'a> {
    ExportView {
        exported_on: rfc3339(export.exported_at),
        user: UserView::from(&export.user),
        profiles: export.profiles.iter().map(|profile| ProfileView(profile, base)).collect(),
        sessions: export.sessions.iter().map(SessionView).collect(),
        history: export.history.iter().map(EntryView).collect(),
        audit_events: export.audit.iter().map(AuditView).collect(),
    }
}

/// The export as `GET /en/profile/export` answers it, for the operator's `member export`.
pub fn export_json(export: &service::Export, base: &str) -> serde_json::Value {
    serde_json::to_value(export_view(export, base)).unwrap_or_default()
}

/// A page in the shape of the Nexudus list endpoints.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HistoryPageView<'a> {
    records: Vec<EntryView<'a>>,
    current_page: u64,
    current_page_size: u64,
    total_items: u64,
    total_pages: u64,
    has_previous_page: bool,
    has_next_page: bool,
}

struct EntryView<'a>(&'a HistoryEntry);

impl Serialize for EntryView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Entry<'a> {
            id: i64,
            changed_on: String,
            profile_id: i64,
            address: Option<&'a str>,
            request_id: Option<&'a str>,
            changes: Vec<ChangeView<'a>>,
        }
        let entry = self.0;
        Entry {
            id: entry.id,
            changed_on: rfc3339(entry.at),
            profile_id: entry.profile_id,
            address: entry.address.as_deref(),
            request_id: entry.request_id.as_deref(),
            changes: entry.changes.iter().map(ChangeView::from).collect(),
        }
        .serialize(serializer)
    }
}

/// A property's old and new value; a secret shows only `"Changed": true`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ChangeView<'a> {
    property_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_value: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_value: Option<&'a Value>,
    changed: bool,
}

impl<'a> From<&'a PropertyChange> for ChangeView<'a> {
    fn from(change: &'a PropertyChange) -> Self {
        match change {
            PropertyChange::Value { property, old, new } => ChangeView {
                property_name: property,
                old_value: Some(old),
                new_value: Some(new),
                changed: true,
            },
            PropertyChange::Secret { property } => {
                ChangeView { property_name: property, old_value: None, new_value: None, changed: true }
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExportView<'a> {
    exported_on: String,
    user: UserView<'a>,
    profiles: Vec<ProfileView<'a>>,
    sessions: Vec<SessionView<'a>>,
    history: Vec<EntryView<'a>>,
    audit_events: Vec<AuditView<'a>>,
}

/// A session without its tokens.
struct SessionView<'a>(&'a SessionSummary);

impl Serialize for SessionView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Session<'a> {
            id: i64,
            profile_id: i64,
            created_on: String,
            refreshed_on: Option<String>,
            access_expires_on: String,
            refresh_expires_on: String,
            address: Option<&'a str>,
            user_agent: Option<&'a str>,
        }
        let s = self.0;
        Session {
            id: s.id,
            profile_id: s.profile_id,
            created_on: rfc3339(s.created_at),
            refreshed_on: s.refreshed_at.map(rfc3339),
            access_expires_on: rfc3339(s.access_expires_at),
            refresh_expires_on: rfc3339(s.refresh_expires_at),
            address: s.source.as_deref(),
            user_agent: s.user_agent.as_deref(),
        }
        .serialize(serializer)
    }
}

struct AuditView<'a>(&'a AuditRecord);

impl Serialize for AuditView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Event<'a> {
            at: String,
            event: &'a str,
            address: Option<&'a str>,
            user_agent: Option<&'a str>,
            detail: Option<&'a str>,
        }
        let e = self.0;
        Event {
            at: rfc3339(e.at),
            event: &e.event,
            address: e.source.as_deref(),
            user_agent: e.user_agent.as_deref(),
            detail: e.detail.as_deref(),
        }
        .serialize(serializer)
    }
}
