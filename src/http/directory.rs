//! The member directory (docs/API.md, "Member directory"): the public profiles at the caller's location.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;

use super::envelope::ApiError;
use super::extract::PublicBase;
use super::extract::{Auth, WithProfile};
use super::openapi::{AnyObject, Envelope, SignedInErrors};
use super::query::QueryParams;
use super::views::{DirectoryEntryView, json, photo_url};
use crate::domain::catalogue::Field;
use crate::domain::directory::DirectoryParams;
use crate::domain::photo::PhotoKind;
use crate::service::directory as service;
use crate::web::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/api/public/coworkers/published", get(list_published))
        .route("/api/public/coworkers/published/{id}", get(published_card))
        .route("/api/public/coworkers/published/{id}/related", get(related_profiles))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DirectoryPageView<'a> {
    records: Vec<DirectoryEntryView<'a>>,
    current_page: u64,
    page_size: u64,
    total_items: u64,
    total_pages: u64,
    has_next_page: bool,
    has_previous_page: bool,
}

/// The public profiles at your location: in name order, or ranked by `query`.
#[utoipa::path(get, path = "/api/public/coworkers/published", tag = "directory", security(("bearer" = [])),
    params(
        ("query" = Option<String>, Query, description = "Words to find in the name, company, position, business area, bio and tags (the last word also as a prefix); at most 200 characters"),
        ("tag" = Option<String>, Query, description = "Only profiles with this tag (any case)"),
        ("page" = Option<u64>, Query, description = "From 1; only the first 1000 results can be paged through"),
        ("size" = Option<u64>, Query, description = "1 to 100, default 25"),
        ("order" = Option<u8>, Query, description = "1 by name (the default), 2 newest first")),
    responses((status = 200, description = "Records, CurrentPage, PageSize, TotalItems (counted up to 1000), TotalPages, HasNextPage, HasPreviousPage", body = AnyObject),
        (status = 400, description = "A parameter is malformed", body = Envelope),
        SignedInErrors))]
pub(super) async fn list_published(
    Auth { profile, .. }: Auth<WithProfile>,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let params = DirectoryParams {
        query: query.get("query"),
        tag: query.get("tag"),
        page: query.get("page"),
        size: query.get("size"),
        order: query.get("order"),
    };
    let page = service::search(&app, &profile, &params).await?;
    let total_pages = page.total.div_ceil(page.size);
    Ok(json(&DirectoryPageView {
        records: page
            .entries
            .iter()
            .map(|entry| DirectoryEntryView { entry, with_social_links: false, base: &base })
            .collect(),
        current_page: page.page,
        page_size: page.size,
        total_items: page.total,
        total_pages,
        has_next_page: page.page < total_pages,
        has_previous_page: page.page > 1,
    }))
}

/// A profile's `Id` from the path; anything else names no member (404, like a private one).
fn profile_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().map_err(|_| ApiError::Service(crate::service::ServiceError::NotFound("member")))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CardView<'a> {
    coworker: DirectoryEntryView<'a>,
}

/// One public profile at your location, with its social links.
#[utoipa::path(get, path = "/api/public/coworkers/published/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "Coworker: the public profile", body = AnyObject),
        (status = 404, description = "No public profile with this Id at your location", body = Envelope),
        SignedInErrors))]
pub(super) async fn published_card(
    Auth { profile, .. }: Auth<WithProfile>,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = profile_id(&id)?;
    let entry = service::card(&app, &profile, id).await?;
    Ok(json(&CardView {
        coworker: DirectoryEntryView { entry: &entry, with_social_links: true, base: &base },
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RelatedView<'a> {
    related_profiles: Vec<RelatedProfileView<'a>>,
    /// Nexudus also lists discussion threads here; Portico has none.
    threads: [(); 0],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RelatedProfileView<'a> {
    id: i64,
    full_name: &'a str,
    avatar_url: String,
    position: Option<&'a str>,
    company_name: Option<&'a str>,
    profile_tags_list: Vec<&'a str>,
}

/// The public profiles at your location that share tags with one (those sharing the most
/// first, at most six).
#[utoipa::path(get, path = "/api/public/coworkers/published/{id}/related", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The profile's Id")),
    responses((status = 200, description = "RelatedProfiles (Id, FullName, AvatarUrl, Position, CompanyName, ProfileTagsList) and Threads (always empty)", body = AnyObject),
        (status = 404, description = "No public profile with this Id at your location", body = Envelope),
        SignedInErrors))]
pub(super) async fn related_profiles(
    Auth { profile, .. }: Auth<WithProfile>,
    State(app): State<SharedState>,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = profile_id(&id)?;
    let entries = service::related(&app, &profile, id).await?;
    let related_profiles = entries
        .iter()
        .map(|entry| {
            let values = &entry.profile.values;
            RelatedProfileView {
                id: entry.profile.id,
                full_name: entry.profile.full_name(),
                avatar_url: photo_url(&base, &entry.profile.unique_id, PhotoKind::Avatar),
                position: values.text(Field::Position),
                company_name: values.text(Field::CompanyName),
                profile_tags_list: entry.profile.tags_list(),
            }
        })
        .collect();
    Ok(json(&RelatedView { related_profiles, threads: [] }))
}
