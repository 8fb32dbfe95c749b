//! Reading and changing the session's current profile, and switching between profiles.

use secrecy::ExposeSecret;
use serde_json::{Map, Value};

use super::error::{ServiceError, ServiceResult};
use super::session::{self, Account, ClientInfo, PasswordCheckOutcome};
use crate::auth::password::HashPermit;
use crate::auth::token;
use crate::domain::audit::AuditKind;
use crate::domain::fields::email_key;
use crate::domain::history::{self, Origin};
use crate::domain::language::Language;
use crate::domain::password::{self, Owner};
use crate::domain::patch::{self, Editor, ParseOptions, PasswordChange, ProfilePatch};
use crate::domain::profile::{Location, Profile, ProfileSummary, User, Version};
use crate::domain::session::Session;
use crate::domain::{ErrorCode, FieldError, FieldErrors, read_only};
use crate::service::AppState;
use crate::store::{PasswordUpdate, ProfileUpdate, StoreError};

pub async fn current_user(app: &AppState, session: &Session) -> ServiceResult<User> {
    Ok(app.store.user(session.user_id).await?)
}

/// The language the user chose for pages and mail, if any.
pub async fn language(app: &AppState, user_id: i64) -> ServiceResult<Option<Language>> {
    Ok(app.store.user(user_id).await?.language)
}

/// Keeps the member's language for pages and mail (`None`: their browser's from now on).
pub async fn set_language(
    app: &AppState,
    session: &Session,
    language: Option<Language>,
) -> ServiceResult<()> {
    Ok(app.store.set_user_language(session.user_id, language).await?)
}

/// One PATCH as the edge received it: the session, the body, the version `If-Match`
/// expects (if any), whether the updated profile is wanted back, and whether only to
/// validate (`?dryRun=true`).
pub struct Change<'a> {
    pub session: &'a Session,
    pub body: &'a Map<String, Value>,
    pub expected: Option<Version>,
    pub representation: bool,
    pub dry_run: bool,
}

/// What a PATCH answers with: the profile's new version (for its ETag), the profile itself
/// when the client asked for it, and after a password change this session's new refresh
/// token (the old one joined the session's retired tokens). A dry run answers with the
/// profile as the change would leave it, the current version, and no token.
#[derive(Debug, Clone)]
pub struct Updated {
    pub profile_id: i64,
    pub version: Version,
    pub profile: Option<Profile>,
    pub refresh_token: Option<String>,
    /// The Nexudus-only properties the body carried and Portico ignored.
    pub ignored: Vec<String>,
}

/// The legacy write of Nexudus themes (`POST /en/profile`): its nested body made flat,
/// then exactly the PATCH, answering the updated profile.
pub async fn update_legacy(
    app: &AppState,
    session: &Session,
    legacy: &Map<String, Value>,
    client: &ClientInfo,
) -> ServiceResult<Updated> {
    let flat = crate::domain::legacy::flatten(legacy);
    if !flat.errors.is_empty() {
        return Err(ServiceError::Validation(flat.errors));
    }
    let change = Change { session, body: &flat.body, expected: None, representation: true, dry_run: false };
    let mut updated = update(app, change, client).await?;
    updated.ignored.extend(flat.ignored);
    Ok(updated)
}

/// Applies a PATCH body to the current profile: validated as a whole (including the
/// current password and the location's policy), then applied in one transaction or not
/// at all. A dry run makes every check (a wrong current password counts toward the
/// lockout as it would for real) and writes nothing; it never hashes the new password.
pub async fn update(app: &AppState, change: Change<'_>, client: &ClientInfo) -> ServiceResult<Updated> {
    let Change { session, body, expected, representation, dry_run } = change;
    let options = ParseOptions {
        today: app.clock.today(),
        unknown_fields: app.settings.unknown_fields,
        editor: Editor::Member,
    };
    let (mut parsed, mut errors) = patch::parse(body, options);
    // The stored profile is read only when something is checked against it.
    let needs_stored = dry_run
        || !parsed.echoes.is_empty()
        || !parsed.staff_set.is_empty()
        || !parsed.custom.is_empty()
        || parsed.password.is_some()
        || parsed.patch.is_empty();
    let stored = if needs_stored { Some(app.store.profile(session.profile_id).await?) } else { None };
    if let Some(stored) = &stored {
        errors.extend(read_only::check(&parsed, stored));
        let (location, values) = (stored.location_id, &stored.values);
        errors
            .extend(super::custom_fields::resolve(app, &mut parsed, location, values, Editor::Member).await?);
    }
    let summary_html = match super::bio::for_patch(app, &parsed.patch).await? {
        Ok(html) => html,
        Err(problem) => {
            errors.push(problem);
            None
        }
    };
    let password = match (&parsed.password, &stored) {
        (Some(change), Some(stored)) => {
            app.limits.password_change(client.address)?;
            let permit = app.hasher.admit(&client.cancelled)?;
            let mut checked =
                PasswordChangeCheck { app, permit: &permit, session, stored, client, verified_hash: None };
            let valid = checked.validate(change, &mut errors).await?;
            if valid && !dry_run { Some(checked.prepare(change).await?) } else { None }
        }
        _ => None,
    };
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    if let Some(stored) = stored.filter(|_| dry_run || (parsed.patch.is_empty() && password.is_none())) {
        if expected.is_some_and(|version| version != stored.version) {
            return Err(ServiceError::PreconditionFailed);
        }
        let profile = would_be(stored, &parsed.patch, app.clock.now());
        let version = profile.version;
        let profile = representation.then_some(profile);
        return Ok(Updated {
            profile_id: session.profile_id,
            version,
            profile,
            refresh_token: None,
            ignored: parsed.ignored,
        });
    }
    let (password, refresh_token) =
        password.map(|(update, token)| (Some(update), Some(token))).unwrap_or_default();
    let ignored = parsed.ignored;
    let update = ProfileUpdate {
        session_id: Some(session.id),
        profile_id: session.profile_id,
        user_id: session.user_id,
        patch: parsed.patch,
        expected,
        password,
        return_profile: representation,
        now: app.clock.now(),
        origin: Origin {
            address: client.address.map(|a| a.to_string()),
            request_id: client.request_id.clone(),
        },
        summary_html,
    };
    let applied = app.store.apply_profile_patch(&update).await.map_err(|error| match error {
        StoreError::Locked(until) => session::locked(app, until),
        // Another request changed the password after this one verified the current one.
        StoreError::PasswordChanged => ServiceError::Validation(wrong_current_password().into()),
        other => other.into(),
    })?;
    Ok(Updated {
        profile_id: session.profile_id,
        version: applied.version,
        profile: applied.profile,
        refresh_token,
        ignored,
    })
}

/// The profile as the patch would leave it: its time of change moves only if a value
/// differs (as the stores do it). Its version stays: a dry run makes none, and its answer
/// carries no ETag.
fn would_be(stored: Profile, patch: &ProfilePatch, now: time::OffsetDateTime) -> Profile {
    let changed = !history::diff(&stored.values, patch).is_empty();
    let updated_on = if changed { crate::clock::whole_seconds(now) } else { stored.updated_on };
    Profile { values: history::apply(&stored.values, patch), updated_on, ..stored }
}

fn wrong_current_password() -> FieldError {
    FieldError::new("OldPassword", ErrorCode::WrongCurrentPassword, "is not your current password")
}

/// The checks of a password change, in the order that costs least: the lockout admits the
/// check (or refuses), the current password is verified (a wrong one counts toward the
/// lockout), the new one is held to the location's policy, and only then hashed.
struct PasswordChangeCheck<'a> {
    app: &'a AppState,
    permit: &'a HashPermit,
    session: &'a Session,
    stored: &'a Profile,
    client: &'a ClientInfo,
    /// The hash the current password was verified against (set by `validate`).
    verified_hash: Option<String>,
}

impl PasswordChangeCheck<'_> {
    /// Whether the current password is right and the new one meets the policy, with
    /// nothing else wrong.
    async fn validate(&mut self, change: &PasswordChange, errors: &mut FieldErrors) -> ServiceResult<bool> {
        let (app, session) = (self.app, self.session);
        let key = email_key(&self.stored.email);
        let account = Account { key: &key, user_id: Some(session.user_id) };
        let current_hash = app.store.password_hash(session.user_id).await?;
        let kind = AuditKind::PasswordChangeFailed;
        let checked = session::check_password(
            app,
            self.permit,
            &account,
            &change.current,
            Some(&current_hash),
            kind,
            self.client,
        );
        if let PasswordCheckOutcome::Wrong = checked.await? {
            errors.push(wrong_current_password());
            return Ok(false);
        }
        errors.extend(self.policy_errors(change).await?);
        self.verified_hash = Some(current_hash);
        Ok(errors.is_empty())
    }

    /// The password update and the session's new refresh token, once `validate` passed.
    async fn prepare(&self, change: &PasswordChange) -> ServiceResult<(PasswordUpdate, String)> {
        let (app, session) = (self.app, self.session);
        let key = email_key(&self.stored.email);
        let account = Account { key: &key, user_id: Some(session.user_id) };
        let hash = self.permit.hash(&change.new).await?;
        let refresh_token = token::generate(token::REFRESH_PREFIX);
        let audit = session::audit_event(
            app,
            AuditKind::PasswordChanged,
            Some(session.user_id),
            &key,
            self.client,
            None,
        );
        let update = PasswordUpdate {
            hash,
            verified_hash: self.verified_hash.clone().unwrap_or_default(),
            lockout_key: account.lockout_key(),
            keep_session: session.id,
            next_refresh: token::hash(&refresh_token),
            audit,
        };
        Ok((update, refresh_token))
    }

    /// The location's policy, estimated on the hashing threads (long inputs cost tens of
    /// milliseconds).
    async fn policy_errors(&self, change: &PasswordChange) -> ServiceResult<Vec<FieldError>> {
        let location = self.app.store.location(self.stored.location_id).await?;
        let (email, full_name) = (self.stored.email.clone(), self.stored.full_name().to_string());
        let (current, new) = (change.current.clone(), change.new.clone());
        let errors = self
            .permit
            .run(move || {
                let owner = Owner { email: &email, full_name: &full_name, location: &location.name };
                let current = Some(current.expose_secret());
                password::check(&location.policy, new.expose_secret(), owner, current, "NewPassword")
            })
            .await?;
        Ok(errors)
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
