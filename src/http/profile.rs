//! The current profile: read it for editing, change it with one PATCH, list and switch
//! the profiles a user holds at several locations.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Serialize;

use super::envelope::{ApiError, success};
use super::extract::{Auth, IfMatch, JsonObject, PreferRepresentation, PublicBase, WithProfile};
use super::openapi::{AnyObject, BodyErrors, Envelope, ProfilePatchBody, SignedInErrors};
use super::query::QueryParams;
use super::views::{LocationView, ProfileView, UserView, json};
use crate::domain::profile::Profile;
use crate::service::ServiceError;
use crate::service::profile as service;
use crate::web::Client;
use crate::web::SharedState;
use crate::web::etag;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/en/profile", get(get_profile).post(legacy_write))
        .route("/api/public/coworker/profile", patch(patch_profile))
        .route("/en/profile/GenerateOpenAiProfile", post(draft_summary))
        .route("/api/public/coworkers/profiles", get(list_profiles))
        .route("/api/public/coworkers/profiles/current", put(switch_profile))
}

/// Reads are lenient with parameters they do not know (browsers and proxies add
/// cache-busting ones); `_resource` itself must be right.
#[utoipa::path(get, path = "/en/profile", tag = "profile", security(("bearer" = [])),
    params(("_resource" = Option<String>, Query, description = "Coworker (the profile, with an ETag), User, or absent for both")),
    responses((status = 200, description = "The profile (Coworker), the user (User), or both", body = AnyObject),
        (status = 400, description = "_resource is neither", body = Envelope),
        SignedInErrors))]
pub(super) async fn get_profile(
    Auth { session, profile }: Auth<WithProfile>,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let resource = query.get("_resource").unwrap_or_default();
    match resource.to_ascii_lowercase().as_str() {
        "coworker" => Ok(with_etag(json(&ProfileView(&profile, &base)), &profile)),
        "user" => Ok(Json(UserView::from(&service::current_user(&app, &session).await?)).into_response()),
        "" => {
            let user = service::current_user(&app, &session).await?;
            let both = ProfileAndUser { user: UserView::from(&user), coworker: ProfileView(&profile, &base) };
            Ok(with_etag(json(&both), &profile))
        }
        _ => {
            Err(ApiError::Query { parameter: "_resource".into(), message: "must be Coworker or User".into() })
        }
    }
}

/// Change any part of the profile; validated as a whole, applied atomically or not at all.
#[utoipa::path(patch, path = "/api/public/coworker/profile", tag = "profile", security(("bearer" = [])),
    params(
        ("dryRun" = Option<bool>, Query, description = "Validate only: answer as the PATCH would, write nothing"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the profile still has this ETag"),
        ("Prefer" = Option<String>, Header, description = "return=representation puts the profile in Value")),
    request_body(content = ProfilePatchBody, content_type = "application/json"),
    responses((status = 200, description = "Applied (or valid, for a dry run)", body = Envelope),
        (status = 400, description = "Every problem, each naming its property", body = Envelope),
        (status = 412, description = "If-Match is stale", body = Envelope),
        (status = 413, description = "The body is too large", body = Envelope),
        (status = 415, description = "The body is not JSON", body = Envelope),
        SignedInErrors))]
// One extractor per thing the PATCH reads, as axum handlers take them.
#[allow(clippy::too_many_arguments)]
pub(super) async fn patch_profile(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    IfMatch(tags): IfMatch,
    PreferRepresentation(representation): PreferRepresentation,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    let dry_run = query.accept_only(&["dryRun"])?.flag("dryRun")?;
    let expected = etag::expected_version(tags.as_deref(), session.profile_id)
        .map_err(|_| ApiError::Service(ServiceError::PreconditionFailed))?;
    let change = service::Change { session: &session, body: &body, expected, representation, dry_run };
    let updated = service::update(&app, change, &client).await?;
    let value = updated.profile.as_ref().map(|profile| ProfileView(profile, &base));
    let Json(mut envelope) = success(value);
    envelope.refresh_token = updated.refresh_token.clone();
    let mut response = Json(envelope).into_response();
    let headers = response.headers_mut();
    // A dry run made no new version: there is no entity tag to give.
    if dry_run {
        headers.insert("portico-dry-run", HeaderValue::from_static("true"));
    } else if let Ok(tag) = HeaderValue::from_str(&etag::of(updated.profile_id, updated.version)) {
        headers.insert(header::ETAG, tag);
    }
    if representation {
        headers.insert("preference-applied", HeaderValue::from_static("return=representation"));
    }
    name_ignored(headers, &updated.ignored);
    Ok(response)
}

/// The legacy write of server-rendered Nexudus themes: `{"Coworker": {…}, "User": {…},
/// "Country": {"Id"}, "BillingCountry": {"Id"}, "UpdateSocialNetworks", …}`, the same use case
/// as the PATCH. The answer is the envelope with the updated profile, and the
/// `SuccessMessage` such themes look for.
#[utoipa::path(post, path = "/en/profile", tag = "profile", security(("bearer" = [])),
    params(("_resource" = Option<String>, Query, description = "Accepted and unused, as themes send it empty")),
    request_body(content = AnyObject, content_type = "application/json"),
    responses((status = 200, description = "Applied: the envelope with the profile in Value and SuccessMessage", body = Envelope),
        (status = 400, description = "Every problem, each naming its property", body = Envelope),
        BodyErrors, SignedInErrors))]
pub(super) async fn legacy_write(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Client(client): Client,
    query: QueryParams,
    JsonObject(body): JsonObject,
) -> Result<Response, ApiError> {
    query.accept_only(&["_resource"])?;
    let updated = service::update_legacy(&app, &session, &body, &client).await?;
    let view = updated.profile.as_ref().map(|profile| ProfileView(profile, &base));
    let Json(envelope) = success(view);
    let mut answer = serde_json::to_value(&envelope).unwrap_or_default();
    if let Some(members) = answer.as_object_mut() {
        members.insert("SuccessMessage".into(), "Saved!".into());
    }
    let mut response = json(&answer);
    let headers = response.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&etag::of(updated.profile_id, updated.version)) {
        headers.insert(header::ETAG, tag);
    }
    name_ignored(headers, &updated.ignored);
    Ok(response)
}

/// Drafts a professional summary with the location's AI writer; nothing is saved. The
/// answer is the editing representation with the draft as `ProfileSummary`, and the ETag
/// of the stored profile, for the PATCH that saves the reviewed draft.
#[utoipa::path(post, path = "/en/profile/GenerateOpenAiProfile", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The profile with a drafted ProfileSummary, OpenAiProfileAvailable and FieldsUsed", body = AnyObject),
        (status = 400, description = "AI is off at this location (ai_unavailable) or the profile has too little to write from (not_enough_to_draft)", body = Envelope),
        (status = 429, description = "The member's hourly drafts or the location's daily cap are used up; see Retry-After", body = Envelope),
        (status = 502, description = "The AI provider failed", body = Envelope),
        (status = 504, description = "The AI provider did not answer in time", body = Envelope),
        SignedInErrors))]
pub(super) async fn draft_summary(
    Auth { profile, .. }: Auth<WithProfile>,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    query: QueryParams,
) -> Result<Response, ApiError> {
    query.accept_only(&[])?;
    let drafted = crate::service::ai::draft_summary(&app, &profile).await?;
    let fields_used = drafted.fields_used.iter().map(|field| field.property()).collect();
    let view = DraftView {
        profile: ProfileView(&drafted.profile, &base),
        open_ai_profile_available: true,
        fields_used,
    };
    Ok(with_etag(json(&view), &profile))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DraftView<'a> {
    #[serde(flatten)]
    profile: ProfileView<'a>,
    open_ai_profile_available: bool,
    fields_used: Vec<&'static str>,
}

/// `Portico-Ignored`: the Nexudus-only properties a write accepted and ignored. Only names
/// from fixed lists (the catalogue's, the legacy body's): nothing a client wrote is echoed.
fn name_ignored(headers: &mut axum::http::HeaderMap, ignored: &[String]) {
    if !ignored.is_empty()
        && let Ok(names) = HeaderValue::from_str(&ignored.join(", "))
    {
        headers.insert("portico-ignored", names);
    }
}

fn with_etag(body: impl IntoResponse, profile: &Profile) -> Response {
    let mut response = body.into_response();
    if let Ok(tag) = HeaderValue::from_str(&etag::of(profile.id, profile.version)) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// The user's profiles at every location.
#[utoipa::path(get, path = "/api/public/coworkers/profiles", tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "User, DefaultBusiness, Profiles", body = AnyObject),
        SignedInErrors))]
pub(super) async fn list_profiles(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
) -> Result<Json<ProfileListView>, ApiError> {
    let list = service::list(&app, &session).await?;
    Ok(Json(ProfileListView {
        user: ProfileListUser {
            id: list.user.id,
            full_name: list.user.full_name.clone(),
            email: list.user.email.clone(),
            active: list.user.active,
            is_admin: false,
        },
        default_business: LocationView::from(&list.current_location),
        profiles: list
            .profiles
            .iter()
            .map(|p| ProfileLine {
                id: p.id,
                full_name: p.full_name.clone(),
                company_name: p.company_name.clone(),
                active: p.active,
                is_default_profile: p.id == session.profile_id,
                coworker_type: p.coworker_type,
                business_id: p.location_id,
                business_name: p.location_name.clone(),
            })
            .collect(),
    }))
}

/// Make another of the user's profiles the session's current one.
#[utoipa::path(put, path = "/api/public/coworkers/profiles/current", tag = "profile", security(("bearer" = [])),
    params(("coworkerId" = i64, Query, description = "The Id of one of your profiles")),
    responses((status = 200, description = "Switched", body = Envelope),
        (status = 400, description = "coworkerId is missing or malformed", body = Envelope),
        (status = 404, description = "Not one of your profiles", body = Envelope),
        SignedInErrors))]
pub(super) async fn switch_profile(
    Auth { session, .. }: Auth,
    State(app): State<SharedState>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let query = query.accept_only(&["coworkerId"])?;
    let coworker_id =
        query.get("coworkerId").and_then(|id| id.parse::<i64>().ok()).ok_or(ApiError::Query {
            parameter: "coworkerId".into(),
            message: "is required and must be the Id of one of your profiles".into(),
        })?;
    service::switch(&app, &session, coworker_id).await?;
    Ok(success::<()>(None).into_response())
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileAndUser<'a> {
    user: UserView<'a>,
    coworker: ProfileView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ProfileListView {
    user: ProfileListUser,
    default_business: LocationView,
    profiles: Vec<ProfileLine>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileListUser {
    id: i64,
    full_name: String,
    email: String,
    active: bool,
    is_admin: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileLine {
    id: i64,
    full_name: String,
    company_name: String,
    active: bool,
    is_default_profile: bool,
    coworker_type: i64,
    business_id: i64,
    business_name: String,
}
