//! The staff side: staff users and integration keys find, read, change, add, suspend,
//! export and erase the members of their locations. Every check of who may do what is
//! here (rules in `domain::staff`); every action is audited with who acted and where.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use super::operator::{self, MemberInput, StaffChange};
use super::session::ClientInfo;
use crate::auth::token;
use crate::domain::audit::{AuditActor, AuditKind, AuditRecord};
use crate::domain::fields::email_key;
use crate::domain::profile::{Location, Profile, Version};
use crate::domain::session::Session;
use crate::domain::staff::MemberOrder;
use crate::domain::staff::{Actor, Grant, Role, Staff, StaffAction};
use crate::service::AppState;
use crate::store::{AuditQuery, MemberQuery, NewStaffKey, StaffKey, StaffRow};

/// Integration keys carry this prefix, so a leaked one is recognisable.
pub const KEY_PREFIX: &str = "psk_";

/// A key's secret as stored: its SHA-256, in hex.
fn key_digest(secret: &str) -> String {
    token::hash(secret).0.iter().map(|b| format!("{b:02x}")).collect()
}

/// The most members one page of the list holds.
pub const MAX_PAGE_SIZE: i64 = 100;

/// The staff member behind a session; `Forbidden` for anyone without a role.
pub async fn of_session(app: &AppState, session: &Session) -> ServiceResult<Staff> {
    let grants = app.store.staff_grants(session.user_id).await?;
    if grants.is_empty() {
        return Err(ServiceError::Forbidden("only the space's staff may do this"));
    }
    // A session from before the role was given may predate two-step sign-in.
    if app.store.two_factor(session.user_id).await?.secret.is_none() {
        return Err(ServiceError::Forbidden("staff must turn on two-step sign-in first"));
    }
    Ok(Staff { actor: Actor::User { user_id: session.user_id }, grants })
}

/// The integration behind a key (`psk_…`, sent as the Basic password); unknown keys are
/// not signed in.
pub async fn of_key(app: &AppState, secret: &str) -> ServiceResult<Staff> {
    if !secret.starts_with(KEY_PREFIX) {
        return Err(ServiceError::Unauthenticated);
    }
    let key = app.store.staff_key(&key_digest(secret)).await?.ok_or(ServiceError::Unauthenticated)?;
    Ok(Staff {
        actor: Actor::Key { key_id: key.id, name: key.name },
        grants: vec![Grant { location_id: key.location_id, role: key.role }],
    })
}

/// What a staff member's request looks for in the member list.
#[derive(Debug, Clone, Default)]
pub struct MemberSearch {
    pub search: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub is_member: Option<bool>,
    pub active: Option<bool>,
    pub location_id: Option<i64>,
    pub order: MemberOrder,
    pub descending: bool,
    /// From 1.
    pub page: i64,
    pub size: i64,
}

/// One page of members, as full profiles.
#[derive(Debug, Clone)]
pub struct MemberList {
    pub profiles: Vec<Profile>,
    pub total: i64,
    pub page: i64,
    pub size: i64,
}

/// The members of the staff member's locations that match, one page of them.
pub async fn list(app: &AppState, staff: &Staff, search: MemberSearch) -> ServiceResult<MemberList> {
    let size = search.size.clamp(1, MAX_PAGE_SIZE);
    let page = search.page.max(1);
    let lower = |text: Option<String>| text.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty());
    let visible = staff.locations_for(StaffAction::Read);
    let location_id = match (search.location_id, &staff.actor) {
        (Some(id), _) if !visible.contains(&id) => {
            return Ok(MemberList { profiles: vec![], total: 0, page, size });
        }
        (Some(id), _) => Some(id),
        // A key has one location; a user's are joined in the query.
        (None, Actor::Key { .. }) => visible.first().copied(),
        (None, Actor::User { .. }) => None,
    };
    let query = MemberQuery {
        search: lower(search.search),
        full_name: lower(search.full_name),
        email: lower(search.email),
        company: lower(search.company),
        is_member: search.is_member,
        active: search.active,
        location_id,
        staff_user_id: staff.user_id(),
        order: search.order,
        descending: search.descending,
        offset: (page - 1).saturating_mul(size),
        limit: size,
    };
    let found = app.store.find_members(&query).await?;
    let ids: Vec<i64> = found.rows.iter().map(|row| row.profile_id).collect();
    let profiles = app.store.profiles(&ids).await?;
    Ok(MemberList { profiles, total: found.total, page, size })
}

/// A profile the staff member may act on: not found unless it is at one of their locations
/// (so a member elsewhere cannot even be told apart from one that does not exist).
async fn profile_for(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    action: StaffAction,
) -> ServiceResult<Profile> {
    let profile = app.store.profile(profile_id).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => ServiceError::NotFound("coworker"),
        other => other.into(),
    })?;
    if !staff.may(StaffAction::Read, profile.location_id) {
        return Err(ServiceError::NotFound("coworker"));
    }
    if !staff.may(action, profile.location_id) {
        return Err(ServiceError::Forbidden("your role at this location does not allow it"));
    }
    Ok(profile)
}

/// For what reaches the person (sign-in, erasure): the role must hold at every location
/// where they have a profile.
async fn person_for(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    action: StaffAction,
) -> ServiceResult<Profile> {
    let profile = profile_for(app, staff, profile_id, action).await?;
    let locations: Vec<i64> =
        app.store.profiles_of_user(profile.user_id).await?.iter().map(|p| p.location_id).collect();
    if !staff.may_for_all(action, &locations) {
        return Err(ServiceError::Forbidden(
            "the member also belongs to a location where your role does not allow it; ask its staff",
        ));
    }
    // The desk may not lock out or reset the people who oversee it.
    let is_staff = !app.store.staff_grants(profile.user_id).await?.is_empty();
    if is_staff && !staff.may_for_all(StaffAction::ActOnStaff, &locations) {
        return Err(ServiceError::Forbidden("only admins act on staff accounts"));
    }
    Ok(profile)
}

/// `client` as the staff member acting at `location_id`, for the audit log.
fn acting(staff: &Staff, location_id: i64, client: &ClientInfo) -> ClientInfo {
    let actor = AuditActor {
        user_id: staff.user_id(),
        key_name: staff.key_name().map(str::to_string),
        location_id: Some(location_id),
    };
    ClientInfo { actor: Some(actor), ..client.clone() }
}

async fn record(
    app: &AppState,
    kind: AuditKind,
    profile: &Profile,
    client: &ClientInfo,
    detail: Option<&str>,
) -> ServiceResult<()> {
    let key = email_key(&profile.email);
    let audit = super::session::audit_event(app, kind, Some(profile.user_id), &key, client, detail);
    Ok(app.store.record_audit(&audit).await?)
}

pub async fn get(app: &AppState, staff: &Staff, profile_id: i64) -> ServiceResult<Profile> {
    profile_for(app, staff, profile_id, StaffAction::Read).await
}

/// Changes a member's profile as staff (`PUT /api/spaces/coworkers/{id}`): only the
/// properties sent change, staff-set ones included, with the catalogue's rules.
pub async fn update(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    body: &Map<String, Value>,
    expected: Option<Version>,
    client: &ClientInfo,
) -> ServiceResult<Profile> {
    let profile = profile_for(app, staff, profile_id, StaffAction::Edit).await?;
    let mut body = body.clone();
    // Nexudus's PUT sends the record back whole, its id and address included: they say
    // which record, and are not changed here.
    body.remove("Id");
    if body.get("Email").and_then(Value::as_str).is_some_and(|e| email_key(e) == email_key(&profile.email)) {
        body.remove("Email");
    }
    let origin = crate::domain::history::Origin {
        address: client.address.map(|a| a.to_string()),
        request_id: client.request_id.clone(),
    };
    let change = StaffChange { body: &body, unknown_fields: app.settings.unknown_fields, expected, origin };
    let updated = operator::apply_as_staff(app, profile.id, change).await?;
    let names: Vec<&str> = body.keys().map(String::as_str).collect();
    let detail = format!("profile {}: {}", profile.id, names.join(", "));
    record(
        app,
        AuditKind::MemberEdited,
        &updated,
        &acting(staff, profile.location_id, client),
        Some(&detail),
    )
    .await?;
    Ok(updated)
}

/// Adds a member at one of the staff member's locations (`POST /api/spaces/coworkers`): a
/// new address is invited by mail, an existing member gets a profile there.
pub async fn add(
    app: &AppState,
    staff: &Staff,
    body: &Map<String, Value>,
    client: &ClientInfo,
) -> ServiceResult<Profile> {
    let mut body = body.clone();
    let text = |body: &mut Map<String, Value>, name: &str| match body.remove(name) {
        Some(Value::String(text)) => text,
        _ => String::new(),
    };
    let email = text(&mut body, "Email");
    let full_name = body.get("FullName").and_then(Value::as_str).unwrap_or_default().to_string();
    let wanted = ["InvoicingBusinessId", "HomeSpaceId"].iter().find_map(|name| body.remove(*name)?.as_i64());
    let allowed = staff.locations_for(StaffAction::Add);
    let location_id = match wanted {
        Some(id) if allowed.contains(&id) => id,
        Some(_) => return Err(ServiceError::Forbidden("you cannot add members at that location")),
        None if allowed.len() == 1 => allowed[0],
        None => {
            return Err(ServiceError::InvalidParameter {
                parameter: "InvoicingBusinessId",
                message: "must name the location to add the member at (you are staff at several)".into(),
            });
        }
    };
    let location = location_of(app, location_id).await?;
    let input =
        MemberInput { email, password: None, full_name, location: Some(location.web_address.clone()) };
    let added = operator::add_member_with(app, input, &body, app.settings.unknown_fields).await?;
    let profile = app.store.profile(added.profile_id).await?;
    let detail = if added.new_user { "invited" } else { "profile added to an existing member" };
    record(app, AuditKind::MemberAdded, &profile, &acting(staff, location_id, client), Some(detail)).await?;
    Ok(profile)
}

async fn location_of(app: &AppState, location_id: i64) -> ServiceResult<Location> {
    Ok(app.store.location(location_id).await?)
}

/// Suspends (or reactivates) the member: no sign-in, sessions ended, out of the directory.
pub async fn set_active(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    active: bool,
    client: &ClientInfo,
) -> ServiceResult<Profile> {
    let profile = person_for(app, staff, profile_id, StaffAction::Suspend).await?;
    operator::set_user_active(app, profile.user_id, active, &acting(staff, profile.location_id, client))
        .await?;
    Ok(app.store.profile(profile_id).await?)
}

/// Erases the member and everything of theirs (GDPR Art. 17); admins only, of every
/// location the member belongs to.
pub async fn erase(app: &AppState, staff: &Staff, profile_id: i64, client: &ClientInfo) -> ServiceResult<()> {
    let profile = person_for(app, staff, profile_id, StaffAction::Erase).await?;
    operator::erase_user(app, profile.user_id, &acting(staff, profile.location_id, client)).await
}

/// Everything Portico holds of the member, for a request they made to the space.
pub async fn export(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    client: &ClientInfo,
) -> ServiceResult<super::history::Export> {
    let profile = person_for(app, staff, profile_id, StaffAction::Export).await?;
    let export = super::history::export_user(app, profile.user_id).await?;
    record(app, AuditKind::MemberExported, &profile, &acting(staff, profile.location_id, client), None)
        .await?;
    Ok(export)
}

/// Mails an invited member a new invitation (the older link stops working).
pub async fn resend_invitation(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let profile = profile_for(app, staff, profile_id, StaffAction::Invite).await?;
    super::account::resend_invitation(app, &profile.email).await?;
    record(app, AuditKind::InvitationSent, &profile, &acting(staff, profile.location_id, client), None).await
}

/// Asks the member for a new password at their next sign-in.
pub async fn require_new_password(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let profile = person_for(app, staff, profile_id, StaffAction::RequireNewPassword).await?;
    operator::require_new_password_of(app, profile.user_id, &acting(staff, profile.location_id, client)).await
}

/// Turns the member's two-step sign-in off (a lost phone, no recovery codes left).
pub async fn reset_two_factor(
    app: &AppState,
    staff: &Staff,
    profile_id: i64,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let profile = person_for(app, staff, profile_id, StaffAction::ResetTwoFactor).await?;
    super::two_factor::reset_of(app, profile.user_id, &acting(staff, profile.location_id, client)).await
}

/// Which events of a location's audit log to show.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub location_id: Option<i64>,
    pub event: Option<String>,
    /// The e-mail of a user who acted or was acted on.
    pub who: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub limit: i64,
}

/// The location's audit log: its members' events and its staff's actions, newest first.
pub async fn audit(app: &AppState, staff: &Staff, filter: AuditFilter) -> ServiceResult<Vec<AuditRecord>> {
    let allowed = staff.locations_for(StaffAction::ReadAudit);
    let location_id = match filter.location_id {
        Some(id) if allowed.contains(&id) => id,
        Some(_) => return Err(ServiceError::Forbidden("only the location's admins read its audit log")),
        None => {
            *allowed.first().ok_or(ServiceError::Forbidden("only a location's admins read its audit log"))?
        }
    };
    let user_id = match filter.who.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(email) => match app.store.login_record(&email_key(email)).await? {
            Some(record) => Some(record.user_id),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let query = AuditQuery {
        location_id,
        event: filter.event.filter(|e| !e.trim().is_empty()),
        user_id,
        since: filter.since,
        until: filter.until,
        limit: filter.limit.clamp(1, 1000),
    };
    Ok(app.store.audit_of_location(&query).await?)
}

/// The operator makes `email` staff at a location (`portico staff add`); a new address is
/// invited as a member of the location first. Staff need two-step sign-in.
pub async fn grant(
    app: &AppState,
    email: &str,
    location: &str,
    role: Role,
    full_name: Option<&str>,
) -> ServiceResult<bool> {
    let locations = app.store.locations().await?;
    let location = operator::pick_location(&locations, Some(location))?.clone();
    let key = email_key(email.trim());
    let invited = match app.store.login_record(&key).await? {
        Some(_) => false,
        None => {
            let full_name = full_name.map(str::to_string).unwrap_or_else(|| email.trim().to_string());
            let input = MemberInput {
                email: email.to_string(),
                password: None,
                full_name,
                location: Some(location.name.clone()),
            };
            operator::invite_member(app, input).await?;
            true
        }
    };
    let user_id = operator::user_id_of(app, email).await?;
    let client = ClientInfo::operator("portico staff add");
    let detail = format!("{} at {}", role.as_str(), location.name);
    let audit = super::session::audit_event(
        app,
        AuditKind::StaffGranted,
        Some(user_id),
        &key,
        &client,
        Some(&detail),
    );
    app.store.grant_staff(user_id, Grant { location_id: location.id, role }, &audit).await?;
    Ok(invited)
}

pub async fn revoke(app: &AppState, email: &str, location: &str) -> ServiceResult<bool> {
    let locations = app.store.locations().await?;
    let location = operator::pick_location(&locations, Some(location))?.clone();
    let user_id = operator::user_id_of(app, email).await?;
    let client = ClientInfo::operator("portico staff remove");
    let detail = format!("at {}", location.name);
    let key = email_key(email.trim());
    let audit = super::session::audit_event(
        app,
        AuditKind::StaffRevoked,
        Some(user_id),
        &key,
        &client,
        Some(&detail),
    );
    Ok(app.store.revoke_staff(user_id, location.id, &audit).await?)
}

pub async fn staff(app: &AppState) -> ServiceResult<Vec<StaffRow>> {
    Ok(app.store.staff().await?)
}

/// Creates an integration's key; answers the secret, shown this once.
pub async fn add_key(app: &AppState, name: &str, location: &str, role: Role) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > 100
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(ServiceError::Invalid(
            "a key's name is 1 to 100 letters, digits, '-', '_' or '.', e.g. door-sync".into(),
        ));
    }
    let locations = app.store.locations().await?;
    let location = operator::pick_location(&locations, Some(location))?.clone();
    let secret = token::generate(KEY_PREFIX);
    let client = ClientInfo::operator("portico staff key add");
    let detail = format!("key {name}: {} at {}", role.as_str(), location.name);
    let audit =
        super::session::audit_event(app, AuditKind::StaffKeyCreated, None, name, &client, Some(&detail));
    let key = NewStaffKey {
        name: name.to_string(),
        secret_hash: key_digest(&secret),
        location_id: location.id,
        role,
        created_at: app.clock.now(),
        audit,
    };
    app.store.add_staff_key(&key).await.map_err(|e| match e {
        crate::store::StoreError::Conflict(_) => {
            ServiceError::Invalid(format!("a key named {name:?} exists already"))
        }
        other => other.into(),
    })?;
    Ok(secret)
}

pub async fn keys(app: &AppState) -> ServiceResult<Vec<StaffKey>> {
    Ok(app.store.staff_keys().await?)
}

pub async fn remove_key(app: &AppState, name: &str) -> ServiceResult<bool> {
    let client = ClientInfo::operator("portico staff key remove");
    let detail = format!("key {name}");
    let audit =
        super::session::audit_event(app, AuditKind::StaffKeyRemoved, None, name, &client, Some(&detail));
    Ok(app.store.remove_staff_key(name, &audit).await?)
}

/// The locations where the staff member may do `action`, by name.
pub async fn locations(app: &AppState, staff: &Staff, action: StaffAction) -> ServiceResult<Vec<Location>> {
    let allowed = staff.locations_for(action);
    let mut all = app.store.locations().await?;
    all.retain(|l| allowed.contains(&l.id));
    Ok(all)
}

/// Recent mail to members of the admin's locations, without its words: a sign-in or
/// password link in a body would let whoever reads it act as the member.
pub async fn outbox(
    app: &AppState,
    staff: &Staff,
    limit: i64,
) -> ServiceResult<Vec<crate::domain::mail::OutboxMail>> {
    let allowed = staff.locations_for(StaffAction::ReadOutbox);
    if allowed.is_empty() {
        return Err(ServiceError::Forbidden("only a location's admins read its outbox"));
    }
    let mut shown = Vec::new();
    for mut mail in app.store.outbox(None, limit.clamp(1, 500)).await? {
        let Some(record) = app.store.login_record(&email_key(&mail.mail.to)).await? else { continue };
        let profiles = app.store.profiles_of_user(record.user_id).await?;
        if profiles.iter().any(|p| allowed.contains(&p.location_id)) {
            mail.mail.text.clear();
            mail.mail.html.clear();
            shown.push(mail);
        }
    }
    Ok(shown)
}
