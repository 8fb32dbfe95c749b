//! What a portal asks before anyone signs in: which location it is at, and how that
//! location is set up (docs/API.md, "Nexudus clients").

use super::{AppState, ServiceError, ServiceResult};
use crate::domain::brand::Brand;
use crate::domain::password::PasswordPolicy;
use crate::domain::photo::Photo;
use crate::domain::profile::Location;

/// The location a request is for: the one whose web address is the first label of the
/// request's host (`canal-street.members.example.com`), else the first one made.
pub async fn current(app: &AppState, host: Option<&str>) -> ServiceResult<Location> {
    let mut locations = app.store.locations().await?;
    let at = named_by_host(&locations, host).ok_or(ServiceError::NotFound("location"))?;
    Ok(locations.swap_remove(at))
}

/// Where in `locations` the one a host names is (else the first one made).
fn named_by_host(locations: &[Location], host: Option<&str>) -> Option<usize> {
    let label = host.and_then(|h| h.split(['.', ':']).next()).map(str::to_ascii_lowercase);
    let named = label.and_then(|label| locations.iter().position(|l| l.web_address == label));
    named.or_else(|| locations.iter().enumerate().min_by_key(|(_, l)| l.id).map(|(at, _)| at))
}

/// Every location's brand, the one the request's host names first: what a page shows
/// before it knows the member, and, once it does, the member's location's (docs/PORTAL.md,
/// "The space's brand"). Empty when there is no location yet.
pub async fn brands(app: &AppState, host: Option<&str>) -> ServiceResult<Vec<Brand>> {
    let locations = app.store.locations().await?;
    let mut brands: Vec<Brand> = locations.iter().map(Brand::of).collect();
    if let Some(at) = named_by_host(&locations, host) {
        brands.swap(0, at);
    }
    Ok(brands)
}

/// A location's logo, as `/media/locations/{id}/logo` serves it.
pub async fn logo(app: &AppState, location_id: i64) -> ServiceResult<Photo> {
    app.store.location_logo(location_id).await?.ok_or(ServiceError::NotFound("logo"))
}

/// What a portal needs before sign-in: the location, its password rules, and which
/// features are on there.
#[derive(Debug, Clone)]
pub struct Configuration {
    pub location: Location,
    pub policy: PasswordPolicy,
    pub ai_drafts: bool,
    pub directory: bool,
    pub sign_in_links: bool,
    pub two_step_sign_in: bool,
    pub custom_fields: Vec<crate::domain::custom::CustomField>,
}

pub async fn configuration(app: &AppState, host: Option<&str>) -> ServiceResult<Configuration> {
    let location = current(app, host).await?;
    let custom_fields = super::custom_fields::of_location(app, location.id).await?;
    Ok(Configuration {
        custom_fields,
        policy: location.policy,
        ai_drafts: super::ai::available(app, &location),
        directory: true,
        sign_in_links: true,
        two_step_sign_in: true,
        location,
    })
}
