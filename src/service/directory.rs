//! The member directory: the public profiles at the viewer's location, listed, filtered by
//! a tag or searched, and one member's card.

use super::error::{ServiceError, ServiceResult};
use crate::domain::catalogue::Field;
use crate::domain::directory::{self, DirectoryParams, DirectoryQuery};
use crate::domain::markdown;
use crate::domain::profile::Profile;
use crate::service::AppState;

/// A public profile as the directory shows it: the profile (a view picks its public
/// properties) and its bio rendered to sanitised HTML.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    pub profile: Profile,
    pub summary_html: Option<String>,
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
    let found = app.store.directory_profiles(viewer.location_id, &page_ids).await?;
    let entries = page_ids
        .iter()
        .filter_map(|id| found.iter().find(|profile| profile.id == *id))
        .map(|profile| entry(app, profile.clone()))
        .collect();
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
        let hits = app.store.list_directory(location_id, tag, query.offset(), query.size).await?;
        return Ok((hits.profile_ids, hits.total));
    }
    let candidates = app.store.search_directory(location_id, &query.words, tag).await?;
    let total = candidates.len() as u64;
    let ranked = directory::rank(candidates, query);
    let skip = usize::try_from(query.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(query.size).unwrap_or(usize::MAX);
    Ok((ranked.into_iter().skip(skip).take(take).collect(), total))
}

/// A bio as the directory will show it: rendered and sanitised exactly as a member's card
/// renders it, for the portal's preview. Longer than a bio may be, it is refused.
pub fn preview_bio(app: &AppState, markdown: &str) -> ServiceResult<String> {
    if markdown.chars().count() > Field::ProfileSummary.max_chars() {
        return Err(ServiceError::InvalidParameter {
            parameter: "ProfileSummary",
            message: format!("must be at most {} characters", Field::ProfileSummary.max_chars()),
        });
    }
    Ok(markdown::render(markdown, &app.settings.directory_image_hosts))
}

/// One public profile at `viewer`'s location; not found if it is private or elsewhere.
pub async fn card(app: &AppState, viewer: &Profile, profile_id: i64) -> ServiceResult<DirectoryEntry> {
    let found = app.store.directory_profiles(viewer.location_id, &[profile_id]).await?;
    let profile = found.into_iter().next().ok_or(ServiceError::NotFound("member"))?;
    Ok(entry(app, profile))
}

fn entry(app: &AppState, profile: Profile) -> DirectoryEntry {
    let summary_html = profile
        .values
        .text(crate::domain::catalogue::Field::ProfileSummary)
        .map(|summary| markdown::render(summary, &app.settings.directory_image_hosts));
    DirectoryEntry { profile, summary_html }
}
