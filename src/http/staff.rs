//! The staff's API (docs/API.md, "Staff"): a Nexudus-shaped subset of its admin REST API
//! for front desks and integrations (door-access syncs, CRMs). Staff users authenticate
//! with a bearer token (or Basic); integrations with a key as the Basic password.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::envelope::{ActionConfirmation, ApiError, success};
use super::extract::{IfMatch, JsonObject, Presented, PublicBase, presented};
use super::openapi::{AnyObject, BodyErrors, Envelope, StaffErrors};
use super::query::QueryParams;
use super::views::{ProfileView, json, rfc3339};
use crate::domain::audit::AuditRecord;
use crate::domain::staff::MemberOrder;
use crate::domain::staff::Staff;
use crate::service::staff::{self as service, AuditFilter, MemberSearch};
use crate::service::{ServiceError, session};
use crate::web::{Client, SharedState, etag};

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/spaces/coworkers", get(list).post(add))
        .route("/api/spaces/coworkers/{id}", get(read).put(update).delete(erase))
        .route("/api/spaces/coworkers/{id}/suspend", post(suspend))
        .route("/api/spaces/coworkers/{id}/reactivate", post(reactivate))
        .route("/api/spaces/coworkers/{id}/export", get(export))
        .route("/api/spaces/coworkers/{id}/invitation", post(resend_invitation))
        .route("/api/spaces/coworkers/{id}/require-new-password", post(require_new_password))
        .route("/api/spaces/coworkers/{id}/reset-two-factor", post(reset_two_factor))
        .route("/api/spaces/audit", get(audit))
}

/// Who is asking, as staff: a signed-in staff user (bearer token, or Basic with their
/// e-mail) or an integration's key (Basic, any user name, the key as the password).
pub struct StaffAuth(pub Staff);

impl FromRequestParts<SharedState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &SharedState) -> Result<Self, Self::Rejection> {
        if let Some(secret) = key_in(&parts.headers) {
            return Ok(StaffAuth(service::of_key(app, &secret).await?));
        }
        let session = match presented(&parts.headers) {
            Some(Presented::Bearer(token)) => session::authenticate(app, token).await?,
            Some(Presented::Basic(credentials)) => {
                let Ok(Client(client)) = Client::from_request_parts(parts, app).await;
                crate::service::basic::authenticate(app, &credentials, &client).await?.0
            }
            None => return Err(ApiError::Unauthenticated { token_presented: false }),
        };
        Ok(StaffAuth(service::of_session(app, &session).await?))
    }
}

/// The key of `Authorization: Basic base64(name:psk_…)`.
fn key_in(headers: &axum::http::HeaderMap) -> Option<String> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (_, secret) =
        String::from_utf8(decoded).ok()?.split_once(':').map(|(n, s)| (n.to_string(), s.to_string()))?;
    secret.starts_with(service::KEY_PREFIX).then_some(secret)
}

const LIST_PARAMETERS: &[&str] = &[
    "query",
    "Coworker_FullName",
    "Coworker_Email",
    "Coworker_CompanyName",
    "Coworker_IsMember",
    "Coworker_Active",
    "Coworker_InvoicingBusinessId",
    "page",
    "size",
    "orderBy",
    "dir",
];

/// The list shape of the Nexudus admin API (`ApiListResult`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListView<'a> {
    records: Vec<ProfileView<'a>>,
    current_page_size: i64,
    current_page: i64,
    current_order_field: &'static str,
    current_sort_direction: &'static str,
    first_item: i64,
    last_item: i64,
    has_next_page: bool,
    has_previous_page: bool,
    page_number: i64,
    page_size: i64,
    total_items: i64,
    total_pages: i64,
}

fn order_of(text: Option<&str>) -> Result<MemberOrder, ApiError> {
    let order = match text.map(|t| t.trim().trim_start_matches("Coworker.").to_ascii_lowercase()).as_deref() {
        None | Some("" | "fullname" | "name") => MemberOrder::FullName,
        Some("email") => MemberOrder::Email,
        Some("companyname") => MemberOrder::CompanyName,
        Some("createdon") => MemberOrder::CreatedOn,
        Some("updatedon") => MemberOrder::UpdatedOn,
        Some("id") => MemberOrder::Id,
        Some(_) => {
            return Err(ApiError::Query {
                parameter: "orderBy".into(),
                message: "must be FullName, Email, CompanyName, CreatedOn, UpdatedOn or Id".into(),
            });
        }
    };
    Ok(order)
}

fn order_name(order: MemberOrder) -> &'static str {
    match order {
        MemberOrder::FullName => "FullName",
        MemberOrder::Email => "Email",
        MemberOrder::CompanyName => "CompanyName",
        MemberOrder::CreatedOn => "CreatedOn",
        MemberOrder::UpdatedOn => "UpdatedOn",
        MemberOrder::Id => "Id",
    }
}

fn descending(text: Option<&str>) -> Result<bool, ApiError> {
    match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "ascending" | "asc" | "1") => Ok(false),
        Some("descending" | "desc" | "2") => Ok(true),
        Some(_) => Err(ApiError::Query {
            parameter: "dir".into(),
            message: "must be Ascending or Descending".into(),
        }),
    }
}

fn optional_flag(query: &QueryParams, name: &str) -> Result<Option<bool>, ApiError> {
    match query.get(name) {
        None | Some("") => Ok(None),
        Some(_) => query.flag(name).map(Some),
    }
}

/// The members of the caller's locations, filtered, one page in an order.
#[utoipa::path(get, path = "/api/spaces/coworkers", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(
        ("query" = Option<String>, Query, description = "Words found anywhere in the name, e-mail or company"),
        ("Coworker_FullName" = Option<String>, Query, description = "Text in the name (any case)"),
        ("Coworker_Email" = Option<String>, Query, description = "Text in the e-mail"),
        ("Coworker_CompanyName" = Option<String>, Query, description = "Text in the company's name"),
        ("Coworker_IsMember" = Option<bool>, Query, description = "Members (true) or contacts (false)"),
        ("Coworker_Active" = Option<bool>, Query, description = "Active (true) or suspended (false)"),
        ("Coworker_InvoicingBusinessId" = Option<i64>, Query, description = "One of your locations"),
        ("page" = Option<u64>, Query, description = "From 1"),
        ("size" = Option<u64>, Query, description = "1 to 100, 25 by default"),
        ("orderBy" = Option<String>, Query, description = "FullName, Email, CompanyName, CreatedOn, UpdatedOn or Id"),
        ("dir" = Option<String>, Query, description = "Ascending or Descending")),
    responses((status = 200, description = "ApiListResult of Coworker records", body = AnyObject),
        StaffErrors))]
pub(super) async fn list(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let query = query.accept_only(LIST_PARAMETERS)?;
    let text = |name: &str| query.get(name).map(str::to_string);
    let location_id = match query.get("Coworker_InvoicingBusinessId") {
        None | Some("") => None,
        Some(_) => Some(query.number("Coworker_InvoicingBusinessId", 1, i64::MAX as u64, 1)? as i64),
    };
    let search = MemberSearch {
        search: text("query"),
        full_name: text("Coworker_FullName"),
        email: text("Coworker_Email"),
        company: text("Coworker_CompanyName"),
        is_member: optional_flag(&query, "Coworker_IsMember")?,
        active: optional_flag(&query, "Coworker_Active")?,
        location_id,
        order: order_of(query.get("orderBy"))?,
        descending: descending(query.get("dir"))?,
        page: query.number("page", 1, 1_000_000, 1)? as i64,
        size: query.number("size", 1, service::MAX_PAGE_SIZE as u64, 25)? as i64,
    };
    let (order, is_descending) = (search.order, search.descending);
    let found = service::list(&app, &staff, search).await?;
    let total_pages = (found.total + found.size - 1) / found.size;
    let first_item = (found.page - 1) * found.size + 1;
    let count = found.profiles.len() as i64;
    let view = ListView {
        records: found.profiles.iter().map(|p| ProfileView(p, &base)).collect(),
        current_page_size: count,
        current_page: found.page,
        current_order_field: order_name(order),
        current_sort_direction: if is_descending { "Descending" } else { "Ascending" },
        first_item: if count == 0 { 0 } else { first_item },
        last_item: if count == 0 { 0 } else { first_item + count - 1 },
        has_next_page: found.page < total_pages,
        has_previous_page: found.page > 1,
        page_number: found.page,
        page_size: found.size,
        total_items: found.total,
        total_pages,
    };
    Ok(json(&view))
}

fn with_etag(mut response: Response, profile: &crate::domain::profile::Profile) -> Response {
    if let Ok(tag) = HeaderValue::from_str(&etag::of(profile.id, profile.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// One member's record, as the member's own API shows it.
#[utoipa::path(get, path = "/api/spaces/coworkers/{id}", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "The Coworker record, with an ETag", body = AnyObject),
        StaffErrors))]
pub(super) async fn read(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    query.accept_only(&[])?;
    let profile = service::get(&app, &staff, profile_id(&id)?).await?;
    Ok(with_etag(json(&ProfileView(&profile, &base)), &profile))
}

fn profile_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().map_err(|_| ApiError::Service(ServiceError::NotFound("coworker")))
}

/// Changes a member's record: only the properties sent change (the record sent back whole
/// works too); staff may set the staff-only ones (`IsMember`, `AccessPincode`, staff-only
/// custom fields). Checked and applied as the member's PATCH is.
#[utoipa::path(put, path = "/api/spaces/coworkers/{id}", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the record still has this ETag")),
    request_body(content = AnyObject, content_type = "application/json"),
    responses((status = 200, description = "Applied: Value is the record", body = Envelope), BodyErrors, StaffErrors))]
// One extractor per thing the PUT reads, as axum handlers take them.
#[allow(clippy::too_many_arguments)]
pub(super) async fn update(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
    IfMatch(tags): IfMatch,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    query.accept_only(&[])?;
    let id = profile_id(&id)?;
    let expected = etag::expected_version(tags.as_deref(), id)
        .map_err(|_| ApiError::Service(ServiceError::PreconditionFailed))?;
    let profile = service::update(&app, &staff, id, &body, expected, &client).await?;
    Ok(with_etag(Json(success(Some(ProfileView(&profile, &base))).0).into_response(), &profile))
}

/// Adds a member at one of your locations: `Email`, `FullName`, the location as
/// `InvoicingBusinessId` when you are staff at several, any further properties. A new
/// address is invited by mail to choose a password.
#[utoipa::path(post, path = "/api/spaces/coworkers", tag = "staff", security(("bearer" = []), ("basic" = [])),
    request_body(content = AnyObject, content_type = "application/json"),
    responses((status = 200, description = "Added: Value is the record", body = Envelope), BodyErrors, StaffErrors))]
pub(super) async fn add(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    query.accept_only(&[])?;
    let profile = service::add(&app, &staff, &body, &client).await?;
    Ok(with_etag(Json(success(Some(ProfileView(&profile, &base))).0).into_response(), &profile))
}

/// Erases the member and everything of theirs (admins of every location they belong to).
#[utoipa::path(delete, path = "/api/spaces/coworkers/{id}", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Erased", body = Envelope),
        StaffErrors))]
pub(super) async fn erase(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    Path(id): Path<String>,
    Client(client): Client,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    service::erase(&app, &staff, profile_id(&id)?, &client).await?;
    Ok(success(None))
}

/// Suspends the member: no sign-in of any kind, every session ended, out of the directory.
#[utoipa::path(post, path = "/api/spaces/coworkers/{id}/suspend", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Suspended: Value is the record", body = Envelope), StaffErrors))]
pub(super) async fn suspend(
    auth: StaffAuth,
    app: State<SharedState>,
    base: PublicBase,
    id: Path<String>,
    client: Client,
) -> Result<Response, ApiError> {
    set_active(auth, app, base, id, client, false).await
}

#[utoipa::path(post, path = "/api/spaces/coworkers/{id}/reactivate", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Active again: Value is the record", body = Envelope), StaffErrors))]
pub(super) async fn reactivate(
    auth: StaffAuth,
    app: State<SharedState>,
    base: PublicBase,
    id: Path<String>,
    client: Client,
) -> Result<Response, ApiError> {
    set_active(auth, app, base, id, client, true).await
}

async fn set_active(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
    Client(client): Client,
    active: bool,
) -> Result<Response, ApiError> {
    let profile = service::set_active(&app, &staff, profile_id(&id)?, active, &client).await?;
    Ok(Json(success(Some(ProfileView(&profile, &base))).0).into_response())
}

/// Everything Portico holds of the member (GDPR Art. 15/20), for a request they made to the
/// space; admins only.
#[utoipa::path(get, path = "/api/spaces/coworkers/{id}/export", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "The export, as the member's own", body = AnyObject), StaffErrors))]
pub(super) async fn export(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
    Client(client): Client,
) -> Result<Response, ApiError> {
    let export = service::export(&app, &staff, profile_id(&id)?, &client).await?;
    Ok(Json(super::history::export_json(&export, &base)).into_response())
}

/// Mails an invited member a new invitation.
#[utoipa::path(post, path = "/api/spaces/coworkers/{id}/invitation", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Sent", body = Envelope), StaffErrors))]
pub(super) async fn resend_invitation(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    Path(id): Path<String>,
    Client(client): Client,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    service::resend_invitation(&app, &staff, profile_id(&id)?, &client).await?;
    Ok(success(None))
}

/// The member must choose a new password at their next sign-in.
#[utoipa::path(post, path = "/api/spaces/coworkers/{id}/require-new-password", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Required", body = Envelope), StaffErrors))]
pub(super) async fn require_new_password(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    Path(id): Path<String>,
    Client(client): Client,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    service::require_new_password(&app, &staff, profile_id(&id)?, &client).await?;
    Ok(success(None))
}

/// Turns the member's two-step sign-in off (admins only).
#[utoipa::path(post, path = "/api/spaces/coworkers/{id}/reset-two-factor", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Off", body = Envelope), StaffErrors))]
pub(super) async fn reset_two_factor(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    Path(id): Path<String>,
    Client(client): Client,
) -> Result<Json<ActionConfirmation<()>>, ApiError> {
    service::reset_two_factor(&app, &staff, profile_id(&id)?, &client).await?;
    Ok(success(None))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AuditView<'a> {
    at: String,
    event: &'a str,
    user_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor_key: Option<&'a str>,
    location_id: Option<i64>,
    source: Option<&'a str>,
    user_agent: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> From<&'a AuditRecord> for AuditView<'a> {
    fn from(record: &'a AuditRecord) -> Self {
        let actor = record.actor.as_ref();
        AuditView {
            at: rfc3339(record.at),
            event: &record.event,
            user_id: record.user_id,
            actor_user_id: actor.and_then(|a| a.user_id),
            actor_key: actor.and_then(|a| a.key_name.as_deref()),
            location_id: actor.and_then(|a| a.location_id),
            source: record.source.as_deref(),
            user_agent: record.user_agent.as_deref(),
            detail: record.detail.as_deref(),
        }
    }
}

fn time_parameter(query: &QueryParams, name: &'static str) -> Result<Option<time::OffsetDateTime>, ApiError> {
    match query.get(name) {
        None | Some("") => Ok(None),
        Some(text) => time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .map(Some)
            .map_err(|_| ApiError::Query {
                parameter: name.into(),
                message: "must be a time such as 2026-12-01T00:00:00Z".into(),
            }),
    }
}

/// A location's audit log (admins): its members' events and its staff's actions, newest first.
#[utoipa::path(get, path = "/api/spaces/audit", tag = "staff", security(("bearer" = []), ("basic" = [])),
    params(("location" = Option<i64>, Query, description = "The location's id; your only one by default"),
        ("event" = Option<String>, Query, description = "One kind, e.g. sign_in_failed"),
        ("who" = Option<String>, Query, description = "The e-mail of a user who acted or was acted on"),
        ("since" = Option<String>, Query, description = "From this time (RFC 3339)"),
        ("until" = Option<String>, Query, description = "Before this time"),
        ("limit" = Option<u64>, Query, description = "1 to 1000, 100 by default")),
    responses((status = 200, description = "Value: the events", body = Envelope), StaffErrors))]
pub(super) async fn audit(
    StaffAuth(staff): StaffAuth,
    State(app): State<SharedState>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let query = query.accept_only(&["location", "event", "who", "since", "until", "limit"])?;
    let location_id = match query.get("location") {
        None | Some("") => None,
        Some(_) => Some(query.number("location", 1, i64::MAX as u64, 1)? as i64),
    };
    let filter = AuditFilter {
        location_id,
        event: query.get("event").map(str::to_string),
        who: query.get("who").map(str::to_string),
        since: time_parameter(&query, "since")?,
        until: time_parameter(&query, "until")?,
        limit: query.number("limit", 1, 1000, 100)? as i64,
    };
    let records = service::audit(&app, &staff, filter).await?;
    let views: Vec<AuditView<'_>> = records.iter().map(AuditView::from).collect();
    Ok(success(Some(views)).into_response())
}
