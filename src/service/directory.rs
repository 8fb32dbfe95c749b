//! The member directory: the public profiles at the viewer's location, listed, filtered by
//! a tag or searched, and one member's card.

use super::error::{ServiceError, ServiceResult};
use crate::domain::catalogue::Field;
use crate::domain::custom::CustomField;
use crate::domain::directory::{self, DirectoryOrder, DirectoryParams, DirectoryQuery};
use crate::domain::profile::Profile;
use crate::service::{AppState, bio};
use crate::store::DirectoryProfile;

/// A public profile as the directory shows it: the profile (a view picks its public
/// properties) and its bio rendered to sanitised HTML.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    pub profile: Profile,
    pub summary_html: Option<String>,
    /// The location's custom fields shown in the directory (on a card; lists leave them out).
    pub custom: Vec<CustomField>,
}

/// One page of the directory.
#[derive(Debug, Clone)]
pub struct DirectoryPage {
    pub entries: Vec<DirectoryEntry>,
    pub page: u64,
    pub size: u64,
    /// Matches counted up to `directory::RESULT_WINDOW`.
    pub total: u64,
}

/// Lists the public profiles at `viewer`'s location: in name order, or ranked by a search.
pub async fn search(
    app: &AppState,
    viewer: &Profile,
    params: &DirectoryParams<'_>,
) -> ServiceResult<DirectoryPage> {
    let query = directory::parse(params).map_err(|problem| ServiceError::InvalidParameter {
        parameter: problem.parameter,
        message: problem.message,
    })?;
    let (page_ids, total) = matching_ids(app, viewer.location_id, &query).await?;
    let entries = entries_in_order(app, viewer.location_id, &page_ids).await?;
    Ok(DirectoryPage { entries, page: query.page, size: query.size, total })
}

/// The ids of the page's profiles, in order, and how many match in all.
async fn matching_ids(
    app: &AppState,
    location_id: i64,
    query: &DirectoryQuery,
) -> ServiceResult<(Vec<i64>, u64)> {
    let tag = query.tag.as_deref();
    if query.words.is_empty() {
        let hits =
            app.store.list_directory(location_id, tag, query.order, query.offset(), query.size).await?;
        return Ok((hits.profile_ids, hits.total));
    }
    let candidates = app.store.search_directory(location_id, &query.words, tag).await?;
    let total = candidates.len() as u64;
    let mut ranked = directory::rank(candidates, query);
    if query.order == DirectoryOrder::Newest {
        ranked.sort_unstable_by(|a, b| b.cmp(a));
    }
    let skip = usize::try_from(query.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(query.size).unwrap_or(usize::MAX);
    Ok((ranked.into_iter().skip(skip).take(take).collect(), total))
}

/// A bio as the directory will show it: rendered and sanitised exactly as it will be
/// stored, for the portal's preview (on a blocking thread). Longer than a bio may be, or
/// past the rendering limits, it is refused.
pub async fn preview_bio(app: &AppState, markdown: &str) -> ServiceResult<String> {
    if markdown.chars().count() > Field::ProfileSummary.max_chars() {
        return Err(ServiceError::InvalidParameter {
            parameter: "ProfileSummary",
            message: format!("must be at most {} characters", Field::ProfileSummary.max_chars()),
        });
    }
    match bio::render(app, markdown.to_string()).await? {
        Ok(bio) => Ok(bio.html),
        Err(problem) => {
            Err(ServiceError::InvalidParameter { parameter: "ProfileSummary", message: problem.message })
        }
    }
}

/// One public profile at `viewer`'s location; not found if it is private or elsewhere.
pub async fn card(app: &AppState, viewer: &Profile, profile_id: i64) -> ServiceResult<DirectoryEntry> {
    let found = app.store.directory_profiles(viewer.location_id, &[profile_id]).await?;
    let profile = found.into_iter().next().ok_or(ServiceError::NotFound("member"))?;
    let mut entry = entry(app, profile).await?;
    let defined = super::custom_fields::of_location(app, viewer.location_id).await?;
    entry.custom = defined.into_iter().filter(|field| field.in_directory).collect();
    Ok(entry)
}

/// The most related profiles a card shows, and the most of its tags they are looked for by.
const RELATED_PROFILES: usize = 6;
const RELATED_BY_TAGS: usize = 5;

/// The public profiles at `viewer`'s location that share tags with a public profile: those
/// sharing the most first, then in name order. Not found if that profile is private or
/// elsewhere.
pub async fn related(
    app: &AppState,
    viewer: &Profile,
    profile_id: i64,
) -> ServiceResult<Vec<DirectoryEntry>> {
    let card = card(app, viewer, profile_id).await?;
    let mut shared: Vec<(i64, usize)> = Vec::new();
    for tag in card.profile.tags_list().into_iter().take(RELATED_BY_TAGS) {
        let key = directory::tag_key(tag);
        let hits =
            app.store.list_directory(viewer.location_id, Some(&key), DirectoryOrder::Name, 0, 20).await?;
        for id in hits.profile_ids.into_iter().filter(|id| *id != profile_id) {
            match shared.iter_mut().find(|(seen, _)| *seen == id) {
                Some((_, count)) => *count += 1,
                None => shared.push((id, 1)),
            }
        }
    }
    // A stable sort keeps the name order among profiles sharing as many tags.
    shared.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let ids: Vec<i64> = shared.into_iter().take(RELATED_PROFILES).map(|(id, _)| id).collect();
    entries_in_order(app, viewer.location_id, &ids).await
}

/// The public profiles with these ids at the location, in the order of `ids`.
async fn entries_in_order(
    app: &AppState,
    location_id: i64,
    ids: &[i64],
) -> ServiceResult<Vec<DirectoryEntry>> {
    let mut found = app.store.directory_profiles(location_id, ids).await?;
    let mut entries = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(at) = found.iter().position(|entry| entry.profile.id == *id) {
            entries.push(entry(app, found.swap_remove(at)).await?);
        }
    }
    Ok(entries)
}

async fn entry(app: &AppState, found: DirectoryProfile) -> ServiceResult<DirectoryEntry> {
    let summary_html = bio::html_of(app, &found).await?;
    Ok(DirectoryEntry { profile: found.profile, summary_html, custom: Vec::new() })
}
