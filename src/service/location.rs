//! What a portal asks before anyone signs in: which location it is at, and how that
//! location is set up (docs/API.md, "Nexudus clients").

use super::{AppState, ServiceError, ServiceResult};
use crate::domain::password::PasswordPolicy;
use crate::domain::profile::Location;

/// The location a request is for: the one whose web address is the first label of the
/// request's host (`canal-street.members.example.com`), else the first one made.
pub async fn current(app: &AppState, host: Option<&str>) -> ServiceResult<Location> {
    let mut locations = app.store.locations().await?;
    let label = host.and_then(|h| h.split(['.', ':']).next()).map(str::to_ascii_lowercase);
    let named = label.and_then(|label| locations.iter().position(|l| l.web_address == label));
    match named {
        Some(at) => Ok(locations.swap_remove(at)),
        None => locations.into_iter().min_by_key(|l| l.id).ok_or(ServiceError::NotFound("location")),
    }
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
