//! Reading and changing the session's current profile, and switching between profiles.

use secrecy::ExposeSecret;
use serde_json::{Map, Value};

use super::error::{ServiceError, ServiceResult};
use super::session::{self, ClientInfo};
use crate::app::AppState;
use crate::auth::password::Verification;
use crate::domain::audit::AuditKind;
use crate::domain::fields::email_key;
use crate::domain::password::{self, Owner};
use crate::domain::patch::{self, ParseOptions, PasswordChange};
use crate::domain::profile::{Location, Profile, ProfileSummary, User, Version};
use crate::domain::{ErrorCode, FieldError, FieldErrors, read_only};
use crate::store::{PasswordUpdate, ProfileUpdate, Session};

pub async fn current(app: &AppState, session: &Session) -> ServiceResult<Profile> {
    Ok(app.store.profile(session.profile_id).await?)
}

/// The session of an access token and its current profile, in one read.
pub async fn current_by_token(app: &AppState, access_token: &str) -> ServiceResult<(Session, Profile)> {
    app.store
        .session_profile(&crate::auth::token::hash(access_token), app.clock.now())
        .await?
        .ok_or(ServiceError::Unauthenticated)
}

pub async fn current_user(app: &AppState, session: &Session) -> ServiceResult<User> {
    Ok(app.store.user(session.user_id).await?)
}

/// An `If-Match` precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    None,
    /// `If-Match: *` or a list containing the current tag.
    Matches(Vec<String>),
}

/// What a PATCH answers with: the profile's new version (for its ETag), and the profile
/// itself when the client asked for it.
#[derive(Debug, Clone)]
pub struct Updated {
    pub profile_id: i64,
    pub version: Version,
    pub profile: Option<Profile>,
}

impl Updated {
    pub fn etag(&self) -> String {
        self.version.etag(self.profile_id)
    }
}

/// Applies a PATCH body to the current profile: validated as a whole (including the
/// current password and the location's policy), then applied in one transaction or not
/// at all.
pub async fn update(
    app: &AppState,
    session: &Session,
    body: &Map<String, Value>,
    precondition: &Precondition,
    representation: bool,
    client: &ClientInfo,
) -> ServiceResult<Updated> {
    let options = ParseOptions { today: app.clock.today(), unknown_fields: app.settings.unknown_fields };
    let (parsed, mut errors) = patch::parse(body, options);
    let stored = if parsed.echoes.is_empty() && parsed.password.is_none() {
        None
    } else {
        Some(current(app, session).await?)
    };
    if let Some(stored) = &stored {
        errors.extend(read_only::check(&parsed.echoes, stored, &parsed.patch));
    }
    let password = match (&parsed.password, &stored) {
        (Some(change), Some(stored)) => {
            new_password_hash(app, session, stored, change, &mut errors, client).await?
        }
        _ => None,
    };
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let expected = match precondition {
        Precondition::None => None,
        Precondition::Matches(tags) => Some(expected_version(tags, session.profile_id)?),
    };
    if parsed.patch.is_empty() && password.is_none() {
        let stored = unchanged(app, session, expected).await?;
        let version = stored.version;
        return Ok(Updated { profile_id: stored.id, version, profile: representation.then_some(stored) });
    }
    let update = ProfileUpdate {
        profile_id: session.profile_id,
        user_id: session.user_id,
        patch: &parsed.patch,
        expected: expected.flatten(),
        password,
        representation,
        now: app.clock.now(),
    };
    let applied = app.store.apply_profile_patch(&update).await?;
    Ok(Updated { profile_id: session.profile_id, version: applied.version, profile: applied.profile })
}

/// Checks a password change: the account is not locked, the current password is right
/// (a wrong one counts toward the lockout), the new one passes the location's policy.
/// Returns the new hash when every check passed and nothing else is wrong.
async fn new_password_hash(
    app: &AppState,
    session: &Session,
    stored: &Profile,
    change: &PasswordChange,
    errors: &mut FieldErrors,
    client: &ClientInfo,
) -> ServiceResult<Option<PasswordUpdate>> {
    let key = email_key(&stored.email);
    let user_id = Some(session.user_id);
    session::ensure_unlocked(app, &key, user_id, AuditKind::PasswordChangeFailed, client).await?;
    let current_hash = app.store.password_hash(session.user_id).await?;
    match app.hasher.verify(&change.current, Some(&current_hash)).await? {
        Verification::Mismatch => {
            session::record_failure(app, &key, user_id, AuditKind::PasswordChangeFailed, client).await?;
            errors.push(FieldError::new(
                "OldPassword",
                ErrorCode::WrongCurrentPassword,
                "is not your current password",
            ));
            return Ok(None);
        }
        Verification::Match { .. } => {}
    }
    let location = app.store.location(stored.location_id).await?;
    let owner = Owner { email: &stored.email, full_name: &stored.full_name };
    let current = Some(change.current.expose_secret());
    errors.extend(password::check(
        &location.policy,
        change.new.expose_secret(),
        owner,
        current,
        "NewPassword",
    ));
    if !errors.is_empty() {
        return Ok(None);
    }
    let hash = app.hasher.hash(&change.new).await?;
    let audit = session::audit_event(app, AuditKind::PasswordChanged, user_id, &key, client, None);
    Ok(Some(PasswordUpdate { hash, keep_session: session.id, audit }))
}

/// The version an `If-Match` list names for this profile: `Some(None)` for `*`, an error
/// when no tag could be ours.
fn expected_version(tags: &[String], profile_id: i64) -> ServiceResult<Option<Version>> {
    if tags.iter().any(|t| t == "*") {
        return Ok(None);
    }
    tags.iter().find_map(|tag| parse_etag(tag, profile_id)).map(Some).ok_or(ServiceError::PreconditionFailed)
}

fn parse_etag(tag: &str, profile_id: i64) -> Option<Version> {
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    let mut parts = inner.split('-').map(str::parse::<i64>);
    let (id, profile, user) = (parts.next()?.ok()?, parts.next()?.ok()?, parts.next()?.ok()?);
    (id == profile_id && parts.next().is_none()).then_some(Version { profile, user })
}

async fn unchanged(
    app: &AppState,
    session: &Session,
    expected: Option<Option<Version>>,
) -> ServiceResult<Profile> {
    let stored = current(app, session).await?;
    match expected.flatten() {
        Some(version) if version != stored.version => Err(ServiceError::PreconditionFailed),
        _ => Ok(stored),
    }
}

/// The user's profiles at every location, and the location of the current one.
pub struct ProfileList {
    pub user: User,
    pub current_location: Location,
    pub profiles: Vec<ProfileSummary>,
}

pub async fn list(app: &AppState, session: &Session) -> ServiceResult<ProfileList> {
    let user = app.store.user(session.user_id).await?;
    let profiles = app.store.profiles_of_user(session.user_id).await?;
    let current =
        profiles.iter().find(|p| p.id == session.profile_id).ok_or(ServiceError::NotFound("profile"))?;
    let current_location = app.store.location(current.location_id).await?;
    Ok(ProfileList { user, current_location, profiles })
}

/// Makes another of the user's profiles the session's current one.
pub async fn switch(app: &AppState, session: &Session, profile_id: i64) -> ServiceResult<()> {
    app.store.switch_profile(session, profile_id).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => ServiceError::NotFound("profile"),
        other => other.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_name_the_profile_and_both_versions() {
        let version = Version { profile: 3, user: 7 };
        assert_eq!(parse_etag(&version.etag(12), 12), Some(version));
        assert_eq!(parse_etag(&version.etag(12), 13), None);
        assert_eq!(parse_etag("W/\"12-3-7\"", 12), None);
        assert!(matches!(expected_version(&["\"x\"".into()], 12), Err(ServiceError::PreconditionFailed)));
        assert_eq!(expected_version(&["*".into()], 12).ok(), Some(None));
    }
}
