//! Operator use cases behind the CLI: locations, members, CSV import and the demo account.

use std::collections::HashSet;
use std::io::Read;

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::domain::account::NO_PASSWORD_YET;
use crate::domain::ai::AiSetting;
use crate::domain::audit::{AuditKind, AuditRecord};
use crate::domain::brand::{self, Accent};
use crate::domain::catalogue::{Kind, Rule, Values};
use crate::domain::country;
use crate::domain::custom::CustomField;
use crate::domain::fields::{self, email_digest, email_key};
use crate::domain::language::Language;
use crate::domain::password::{self, Owner, PasswordPolicy};
use crate::domain::patch::{self, Editor, Field, ParseOptions, ProfilePatch, UnknownFields};
use crate::domain::profile::{Location, Profile};
use crate::domain::text::{self, Lines};
use crate::service::account;
use crate::service::session::{self, ClientInfo};
use crate::service::{AppState, ServiceError, ServiceResult};
use crate::store::{
    AddedMember, LocationBrand, NewLocation, NewMember, OperatorPassword, ProfileUpdate, SessionSummary,
    StoreError,
};

/// Creates a location; its web address is derived from the name.
pub async fn add_location(app: &AppState, name: &str, country_code: &str) -> ServiceResult<Location> {
    let name = text::clean_bounded(name, Lines::Single, 200)
        .map_err(|p| ServiceError::Invalid(format!("name {}", p.message)))?;
    if name.is_empty() {
        return Err(ServiceError::Invalid("the location needs a name".into()));
    }
    let country = country::by_code(country_code).ok_or_else(|| {
        ServiceError::Invalid(format!(
            "unknown country code {country_code:?} (use ISO 3166-1 alpha-2, like GB)"
        ))
    })?;
    let location = NewLocation {
        web_address: slug(&name),
        name: name.clone(),
        country_id: country.id,
        created_on: app.clock.now(),
    };
    app.store.add_location(&location).await.map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Invalid(format!(
            "a location named {name:?} (or with web address {:?}) already exists",
            location.web_address
        )),
        other => other.into(),
    })
}

fn slug(name: &str) -> String {
    let lowered: String =
        name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let parts: Vec<&str> = lowered.split('-').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { "location".into() } else { parts.join("-") }
}

/// A member as an operator describes it. A new member needs a password; for an existing
/// one (a profile at another location) none may be given: `portico member password`
/// changes passwords.
pub struct MemberInput {
    pub email: String,
    pub password: Option<SecretString>,
    pub full_name: String,
    pub location: Option<String>,
}

/// Creates the user and a profile at the location, or adds a profile to an existing user.
pub async fn add_member(app: &AppState, input: MemberInput) -> ServiceResult<AddedMember> {
    let locations = app.store.locations().await?;
    let member = new_member(app, &locations, &input, ProfilePatch::default(), Origin::Added).await?;
    let added = app.store.add_members(&[member], app.clock.now()).await.map_err(conflict_as_invalid)?;
    added.into_iter().next().ok_or_else(|| ServiceError::Invalid("nothing was added".into()))
}

/// Creates a member who cannot sign in until they choose a password through the
/// invitation mailed to them.
pub async fn invite_member(app: &AppState, input: MemberInput) -> ServiceResult<AddedMember> {
    let locations = app.store.locations().await?;
    let member = new_member(app, &locations, &input, ProfilePatch::default(), Origin::Invited).await?;
    let added = account::invite(app, vec![member]).await.map_err(|e| match e {
        ServiceError::Internal(_) | ServiceError::Unavailable { .. } => e,
        other => other,
    })?;
    added.into_iter().next().ok_or_else(|| ServiceError::Invalid("nothing was added".into()))
}

/// Adds a member as the space's staff do: the e-mail, name and location as for `add_member`,
/// further properties from a Coworker body checked first (nothing is created if one is
/// wrong); a new address is invited, an existing one gets a profile at the location.
pub(crate) async fn add_member_with(
    app: &AppState,
    input: MemberInput,
    body: &Map<String, Value>,
    unknown_fields: UnknownFields,
) -> ServiceResult<AddedMember> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, input.location.as_deref())?;
    let options = ParseOptions { today: app.clock.today(), unknown_fields, editor: Editor::Staff };
    let (mut parsed, mut errors) = patch::parse(body, options);
    let empty = Values::empty();
    errors.extend(super::custom_fields::resolve(app, &mut parsed, location.id, &empty, Editor::Staff).await?);
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let exists = app.store.login_record(&email_key(input.email.trim())).await?.is_some();
    let origin = if exists { Origin::Added } else { Origin::Invited };
    let member = new_member(app, &locations, &input, parsed.patch, origin).await?;
    let added = if exists {
        app.store.add_members(&[member], app.clock.now()).await.map_err(conflict_as_invalid)?
    } else {
        account::invite(app, vec![member]).await?
    };
    added.into_iter().next().ok_or_else(|| ServiceError::Invalid("nothing was added".into()))
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(message.into())
}

fn conflict_as_invalid(error: StoreError) -> ServiceError {
    match error {
        StoreError::Conflict(message) => ServiceError::Invalid(message),
        other => other.into(),
    }
}

/// How a member comes to be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Added,
    Invited,
    /// A further row of an import for an address an earlier row of the same file adds.
    AddedAgain,
}

/// The member to add. An invited one gets no password (they choose it through their link)
/// and must be new.
async fn new_member(
    app: &AppState,
    locations: &[Location],
    input: &MemberInput,
    fields: ProfilePatch,
    origin: Origin,
) -> ServiceResult<NewMember> {
    let email = fields::email(input.email.trim()).map_err(|p| invalid(format!("Email {}", p.message)))?;
    let full_name = text::clean_bounded(&input.full_name, Lines::Single, 200)
        .map_err(|p| invalid(format!("FullName {}", p.message)))?;
    if full_name.is_empty() {
        return Err(invalid("FullName cannot be empty"));
    }
    let location = pick_location(locations, input.location.as_deref())?;
    let key = email_key(&email);
    let summary_html = match super::bio::for_patch(app, &fields).await? {
        Ok(html) => html.flatten(),
        Err(problem) => return Err(invalid(format!("{}: {}", problem.property, problem.message))),
    };
    let in_store = app.store.login_record(&key).await?.is_some();
    let existing = (in_store || origin == Origin::AddedAgain).then_some(());
    let password_hash = match (existing, &input.password) {
        (Some(_), _) if origin == Origin::Invited => {
            return Err(invalid(format!("{email} is already a member: there is nobody to invite")));
        }
        (None, _) if origin == Origin::Invited => NO_PASSWORD_YET.to_string(),
        (Some(_), None) => String::new(),
        (Some(()), Some(_)) if origin == Origin::AddedAgain => {
            return Err(invalid(format!(
                "{email} is added by an earlier line with its password; leave Password empty on the lines \
                 that add {email} at further locations"
            )));
        }
        (Some(_), Some(_)) => {
            return Err(invalid(format!(
                "{email} is already a member; their password was not changed. Leave the password out to \
                 add a profile at another location, or set a new password with `portico member password {email}`"
            )));
        }
        (None, None) => return Err(invalid(format!("{email} is a new member and needs a password"))),
        (None, Some(password)) => {
            let owner = Owner { email: &email, full_name: &full_name, location: &location.name };
            checked_hash(app, &location.policy, password, owner).await?
        }
    };
    Ok(NewMember {
        email_key: key,
        email,
        password_hash,
        full_name,
        location_id: location.id,
        fields,
        summary_html,
    })
}

/// The hash of a password an operator chose, once it passes the location's policy.
async fn checked_hash(
    app: &AppState,
    policy: &PasswordPolicy,
    password: &SecretString,
    owner: Owner<'_>,
) -> ServiceResult<String> {
    let problems = password::check(policy, password.expose_secret(), owner, None, "Password");
    if !problems.is_empty() {
        let messages: Vec<String> = problems.iter().map(|p| format!("Password {}", p.message)).collect();
        return Err(invalid(messages.join("; ")));
    }
    let permit = app.hasher.admit(&ClientInfo::default().cancelled)?;
    permit.hash(password).await.map_err(ServiceError::from)
}

pub(crate) fn pick_location<'a>(
    locations: &'a [Location],
    wanted: Option<&str>,
) -> ServiceResult<&'a Location> {
    match wanted {
        Some(name) => locations
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name.trim()) || l.web_address == name.trim())
            .ok_or_else(|| {
                invalid(format!("no location named {name:?}; create it with `portico location add`"))
            }),
        None => locations
            .first()
            .ok_or_else(|| invalid("there is no location yet; create one with `portico location add NAME`")),
    }
}

/// Imports members from CSV: a header row of the API's property names (`Email`,
/// `Password` and `FullName` required; `Location` and any profile property optional).
/// Every row is checked first; one bad row means nothing is written.
pub async fn import_csv(app: &AppState, input: impl Read) -> ServiceResult<Vec<AddedMember>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::Headers).from_reader(input);
    let headers = reader.headers().map_err(|e| ServiceError::Import(vec![format!("line 1: {e}")]))?.clone();
    let columns = import_columns(&headers)?;
    // Without passwords, every row is an invitation.
    let invited = !headers.iter().any(|h| h == "Password");
    let locations = app.store.locations().await?;
    let options = ParseOptions {
        today: app.clock.today(),
        unknown_fields: UnknownFields::Reject,
        editor: Editor::Staff,
    };
    let (mut members, mut problems, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {}: {e}", e.position().map_or(0, |p| p.line())));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let origin = match (invited, earlier_key(&columns, &record, &seen)) {
            (_, true) => Origin::AddedAgain,
            (true, false) => Origin::Invited,
            (false, false) => Origin::Added,
        };
        match import_row(app, &locations, &columns, &record, options, origin).await {
            Ok(member) if !seen.insert((member.email_key.clone(), member.location_id)) => {
                problems.push(format!("line {line}: {} appears twice for the same location", member.email));
            }
            Ok(member) => members.push(member),
            Err(ServiceError::Invalid(message)) => problems.push(format!("line {line}: {message}")),
            Err(other) => return Err(other),
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Import(problems));
    }
    let added = if invited {
        account::invite(app, members).await
    } else {
        app.store.add_members(&members, app.clock.now()).await.map_err(ServiceError::from)
    };
    added.map_err(|e| match e {
        ServiceError::Conflict(message) => ServiceError::Import(vec![message]),
        other => other,
    })
}

enum Column {
    Email,
    Password,
    FullName,
    Location,
    Property(Field),
}

fn import_columns(headers: &csv::StringRecord) -> ServiceResult<Vec<Column>> {
    let mut columns = Vec::new();
    let mut problems = Vec::new();
    for name in headers {
        let column = match name {
            "Email" => Column::Email,
            "Password" => Column::Password,
            "FullName" => Column::FullName,
            "Location" => Column::Location,
            _ => match Field::from_property(name) {
                Some(field) => Column::Property(field),
                None => {
                    let hint =
                        patch::suggest(name).map(|s| format!(" (did you mean {s}?)")).unwrap_or_default();
                    problems.push(format!("line 1: unknown column {name:?}{hint}"));
                    continue;
                }
            },
        };
        columns.push(column);
    }
    for required in ["Email", "FullName"] {
        if !headers.iter().any(|h| h == required) {
            problems.push(format!("line 1: the header needs a {required} column"));
        }
    }
    if problems.is_empty() { Ok(columns) } else { Err(ServiceError::Import(problems)) }
}

/// Whether an earlier row of the file has the row's address.
fn earlier_key(columns: &[Column], record: &csv::StringRecord, seen: &HashSet<(String, i64)>) -> bool {
    let email = columns.iter().zip(record.iter()).find(|(column, _)| matches!(column, Column::Email));
    let Some(key) = email.map(|(_, cell)| email_key(cell.trim())) else { return false };
    seen.iter().any(|(seen_key, _)| *seen_key == key)
}

async fn import_row(
    app: &AppState,
    locations: &[Location],
    columns: &[Column],
    record: &csv::StringRecord,
    options: ParseOptions,
    origin: Origin,
) -> ServiceResult<NewMember> {
    let mut input =
        MemberInput { email: String::new(), password: None, full_name: String::new(), location: None };
    let mut body = Map::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        match column {
            Column::Email => input.email = cell.to_string(),
            Column::Password => input.password = (!cell.is_empty()).then(|| SecretString::from(cell)),
            Column::FullName => input.full_name = cell.to_string(),
            Column::Location => input.location = (!cell.trim().is_empty()).then(|| cell.to_string()),
            Column::Property(_) if cell.trim().is_empty() => {}
            Column::Property(field) => {
                body.insert(field.property().to_string(), cell_value(*field, cell));
            }
        }
    }
    let (mut parsed, mut errors) = patch::parse(&body, options);
    if !parsed.custom.is_empty() {
        let location = pick_location(locations, input.location.as_deref())?;
        let empty = Values::empty();
        errors.extend(
            super::custom_fields::resolve(app, &mut parsed, location.id, &empty, Editor::Staff).await?,
        );
    }
    if !errors.is_empty() {
        return Err(invalid(errors.to_string()));
    }
    new_member(app, locations, &input, parsed.patch, origin).await
}

/// A CSV cell as the JSON value its property expects: flags and country ids are typed,
/// and a country may also be given by its two-letter code.
fn cell_value(field: Field, cell: &str) -> Value {
    let cell = cell.trim();
    match field {
        _ if field.spec().rule == Rule::Country => cell
            .parse::<i64>()
            .ok()
            .or_else(|| country::by_code(cell).map(|c| c.id))
            .map_or_else(|| Value::String(cell.into()), Value::from),
        _ if field.spec().rule == Rule::Gender => {
            cell.parse::<i64>().map_or_else(|_| Value::String(cell.into()), Value::from)
        }
        _ if field.kind() == Kind::Bool => match cell.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => Value::String(cell.into()),
        },
        _ => Value::String(cell.into()),
    }
}

/// Changes the password policy of a location: only the rules given change.
pub async fn set_policy(
    app: &AppState,
    location_name: &str,
    change: PolicyChange,
) -> ServiceResult<PasswordPolicy> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?;
    let policy = change.apply(location.policy);
    if policy.min_score > crate::domain::password::MAX_SCORE {
        return Err(ServiceError::Invalid(format!(
            "the minimum strength score must be 0 (off) to {}",
            crate::domain::password::MAX_SCORE
        )));
    }
    if policy.min_length < 1 || policy.min_length > policy.max_length {
        return Err(ServiceError::Invalid(format!(
            "the minimum length ({}) must be at least 1 and at most the maximum length ({})",
            policy.min_length, policy.max_length
        )));
    }
    app.store.set_location_policy(location.id, &policy).await?;
    Ok(policy)
}

/// Replaces a location's AI setting; parts left `None` fall back to the defaults.
pub async fn set_ai(app: &AppState, location_name: &str, setting: AiSetting) -> ServiceResult<Location> {
    setting.check().map_err(ServiceError::Invalid)?;
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?;
    app.store.set_location_ai(location.id, &setting).await?;
    Ok(Location { ai: setting, ..location.clone() })
}

/// What `portico location set` changes: each part left `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct BrandChange {
    /// The name pages and mail show; empty for the location's own name again.
    pub display_name: Option<String>,
    /// `#rrggbb`, readable on the page (`domain::brand::Accent`); empty or `none` for the
    /// portal's own.
    pub accent: Option<String>,
    /// A JPEG, PNG or WebP file's bytes, decoded and written again like a photo.
    pub logo: Option<Vec<u8>>,
    pub remove_logo: bool,
    /// Whether members may write to each other through the directory.
    pub contact_relay: Option<bool>,
    /// The default language's code (`de`, `fr`, …).
    pub language: Option<String>,
}

/// Changes a location's brand and contact relay. Everything is checked (the logo decoded)
/// before anything is written, so a refused part leaves the location as it was.
pub async fn set_brand(app: &AppState, location_name: &str, change: BrandChange) -> ServiceResult<Location> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?.clone();
    let display_name = match &change.display_name {
        Some(text) => brand::display_name(text).map_err(ServiceError::Invalid)?,
        None => location.display_name.clone(),
    };
    let accent = match change.accent.as_deref().map(str::trim) {
        Some("" | "none") => None,
        Some(text) => Some(Accent::parse(text).map_err(ServiceError::Invalid)?),
        None => location.accent,
    };
    let logo = match change.logo {
        Some(bytes) => Some(super::photo::process_logo(app, bytes).await.map_err(|error| match error {
            ServiceError::Validation(errors) => {
                ServiceError::Invalid(format!("the logo {}", logo_problem(&errors)))
            }
            other => other,
        })?),
        None => None,
    };
    let contact_relay = change.contact_relay.unwrap_or(location.contact_relay);
    let language = match change.language.as_deref() {
        Some(code) => default_language(code)?,
        None => location.language,
    };
    let setting = LocationBrand { display_name, accent, contact_relay, language };
    app.store.set_location_brand(location.id, &setting).await?;
    if let Some(logo) = &logo {
        app.store.save_location_logo(location.id, logo, app.clock.now()).await?;
    } else if change.remove_logo {
        app.store.delete_location_logo(location.id).await?;
    }
    Ok(app.store.location(location.id).await?)
}

/// A language Portico ships, by its code; the refusal lists them.
fn default_language(code: &str) -> ServiceResult<Language> {
    Language::from_code(code).ok_or_else(|| {
        let codes: Vec<&str> = Language::all().map(Language::code).collect();
        ServiceError::Invalid(format!(
            "the language must be one Portico speaks: {} (got {:?})",
            codes.join(", "),
            code.chars().take(20).collect::<String>()
        ))
    })
}

fn logo_problem(errors: &crate::domain::FieldErrors) -> String {
    errors.iter().map(|error| error.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// Defines a custom field at the named location.
pub async fn define_custom_field(
    app: &AppState,
    location_name: &str,
    new: super::custom_fields::NewCustomField,
) -> ServiceResult<CustomField> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?;
    super::custom_fields::define(app, location.id, new).await
}

pub async fn custom_fields(app: &AppState, location_name: &str) -> ServiceResult<Vec<CustomField>> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?;
    super::custom_fields::of_location(app, location.id).await
}

/// Removes a custom field of the named location and its answers; how many answers went.
pub async fn remove_custom_field(app: &AppState, location_name: &str, slot: u8) -> ServiceResult<usize> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(location_name))?;
    super::custom_fields::remove(app, location.id, slot).await
}

/// Which rules of a policy to change; `None` keeps the current rule.
#[derive(Debug, Clone, Default)]
pub struct PolicyChange {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub reject_common: Option<bool>,
    pub reject_personal: Option<bool>,
    pub require_digit: Option<bool>,
    pub require_upper: Option<bool>,
    pub require_lower: Option<bool>,
    pub require_symbol: Option<bool>,
    /// The lowest zxcvbn strength score accepted, 0 (off) to 4.
    pub min_score: Option<u8>,
    pub require_two_step: Option<bool>,
}

impl PolicyChange {
    fn apply(&self, p: PasswordPolicy) -> PasswordPolicy {
        PasswordPolicy {
            min_length: self.min_length.unwrap_or(p.min_length),
            max_length: self.max_length.unwrap_or(p.max_length),
            reject_common: self.reject_common.unwrap_or(p.reject_common),
            reject_personal: self.reject_personal.unwrap_or(p.reject_personal),
            require_digit: self.require_digit.unwrap_or(p.require_digit),
            require_upper: self.require_upper.unwrap_or(p.require_upper),
            require_lower: self.require_lower.unwrap_or(p.require_lower),
            require_symbol: self.require_symbol.unwrap_or(p.require_symbol),
            min_score: self.min_score.unwrap_or(p.min_score),
            require_two_step: self.require_two_step.unwrap_or(p.require_two_step),
        }
    }
}

pub(crate) async fn user_id_of(app: &AppState, email: &str) -> ServiceResult<i64> {
    let record = app.store.login_record(&email_key(email)).await?;
    record
        .map(|r| r.user_id)
        .ok_or_else(|| ServiceError::Invalid(format!("no member with the e-mail {email}")))
}

/// Sets properties of a member's profile as the space's staff: any catalogue property,
/// the staff-set ones (`IsMember`, `AccessPincode`) included, checked as a PATCH is and
/// written at once with an entry in the change history. `properties` are `Name=value`
/// pairs, typed as CSV cells are.
pub async fn set_properties(
    app: &AppState,
    email: &str,
    location: Option<&str>,
    properties: &[(String, String)],
) -> ServiceResult<Profile> {
    let user_id = user_id_of(app, email).await?;
    let profiles = app.store.profiles_of_user(user_id).await?;
    let profile = match location {
        Some(name) => profiles.iter().find(|p| p.location_name.eq_ignore_ascii_case(name.trim())),
        None => profiles.first(),
    }
    .ok_or_else(|| invalid(format!("{email} has no profile at {}", location.unwrap_or("any location"))))?;
    let mut body = Map::new();
    for (property, cell) in properties {
        let field = Field::from_property(property)
            .ok_or_else(|| invalid(format!("{property} is not a property a member's profile holds")))?;
        body.insert(property.clone(), cell_value(field, cell));
    }
    let origin =
        crate::domain::history::Origin { address: None, request_id: Some("portico member set".into()) };
    let change = StaffChange { body: &body, unknown_fields: UnknownFields::Reject, expected: None, origin };
    apply_as_staff(app, profile.id, change).await.map_err(|e| match e {
        ServiceError::Validation(errors) => invalid(errors.to_string()),
        other => other,
    })
}

/// A change the space's staff make to a profile: any property, the staff-set ones included.
pub(crate) struct StaffChange<'a> {
    pub body: &'a Map<String, Value>,
    pub unknown_fields: UnknownFields,
    pub expected: Option<crate::domain::profile::Version>,
    pub origin: crate::domain::history::Origin,
}

/// Checks a staff change as a member's PATCH is checked (echoed read-only properties must
/// match; custom fields against the location's definitions) and applies it at once, with an
/// entry in the change history; answers the profile as it now is.
pub(crate) async fn apply_as_staff(
    app: &AppState,
    profile_id: i64,
    change: StaffChange<'_>,
) -> ServiceResult<Profile> {
    let options = ParseOptions {
        today: app.clock.today(),
        unknown_fields: change.unknown_fields,
        editor: Editor::Staff,
    };
    let (mut parsed, mut errors) = patch::parse(change.body, options);
    let stored = app.store.profile(profile_id).await?;
    errors.extend(crate::domain::read_only::check(&parsed, &stored));
    errors.extend(
        super::custom_fields::resolve(app, &mut parsed, stored.location_id, &stored.values, Editor::Staff)
            .await?,
    );
    match super::bio::for_patch(app, &parsed.patch).await? {
        Ok(summary_html) if errors.is_empty() => {
            let update = ProfileUpdate {
                session_id: None,
                profile_id,
                user_id: stored.user_id,
                patch: parsed.patch,
                expected: change.expected,
                password: None,
                return_profile: true,
                now: app.clock.now(),
                origin: change.origin,
                summary_html,
            };
            let applied = app.store.apply_profile_patch(&update).await.map_err(|e| match e {
                StoreError::VersionMismatch => ServiceError::PreconditionFailed,
                other => other.into(),
            })?;
            applied.profile.ok_or(StoreError::NotFound.into())
        }
        Ok(_) => Err(ServiceError::Validation(errors)),
        Err(problem) => {
            errors.push(problem);
            Err(ServiceError::Validation(errors))
        }
    }
}

/// Requires a member to choose a new password at their next sign-in (audited).
pub async fn require_new_password(app: &AppState, email: &str) -> ServiceResult<()> {
    let user_id = user_id_of(app, email).await?;
    require_new_password_of(app, user_id, &ClientInfo::operator("portico member password --require-reset"))
        .await
}

pub(crate) async fn require_new_password_of(
    app: &AppState,
    user_id: i64,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let user = app.store.user(user_id).await?;
    app.store.set_must_reset_password(user_id, true).await?;
    let kind = AuditKind::PasswordResetRequired;
    let audit = session::audit_event(app, kind, Some(user_id), &email_key(&user.email), client, None);
    Ok(app.store.record_audit(&audit).await?)
}

/// Sets a member's password for the operator (a member who forgot theirs): the policy of
/// the member's default location applies, every session ends, the lockout is cleared, and
/// the audit log records it. Returns how many sessions ended.
pub async fn set_password(app: &AppState, email: &str, password: &SecretString) -> ServiceResult<u64> {
    let key = email_key(email);
    let record = app.store.login_record(&key).await?;
    let record = record.ok_or_else(|| ServiceError::Invalid(format!("no member with the e-mail {email}")))?;
    let user = app.store.user(record.user_id).await?;
    let profile = app.store.profile(record.default_profile_id).await?;
    let location = app.store.location(profile.location_id).await?;
    let owner = Owner { email: &user.email, full_name: &user.full_name, location: &location.name };
    let hash = checked_hash(app, &location.policy, password, owner).await?;
    let operator = ClientInfo::operator("portico member password");
    let audit =
        session::audit_event(app, AuditKind::PasswordSetByOperator, Some(user.id), &key, &operator, None);
    let change = OperatorPassword { user_id: user.id, hash, lockout_key: email_digest(&key), audit };
    Ok(app.store.set_operator_password(&change).await?)
}

/// What an operator sees of one member (`portico member show`).
#[derive(Debug, Clone)]
pub struct MemberSummary {
    pub user: crate::domain::profile::User,
    /// Every profile, at each location, suspended ones included.
    pub profiles: Vec<Profile>,
    /// Invited, and no password chosen yet.
    pub invited: bool,
    pub two_step_on: bool,
    pub live_sessions: usize,
}

pub async fn member_summary(app: &AppState, email: &str) -> ServiceResult<MemberSummary> {
    let record = app
        .store
        .login_record(&email_key(email))
        .await?
        .ok_or_else(|| invalid(format!("no member with the e-mail {email}")))?;
    let user = app.store.user(record.user_id).await?;
    let mut profiles = Vec::new();
    for summary in app.store.profiles_of_user(record.user_id).await? {
        profiles.push(app.store.profile(summary.id).await?);
    }
    let live_sessions = app.store.sessions_of_user(record.user_id, app.clock.now()).await?.len();
    Ok(MemberSummary {
        user,
        profiles,
        invited: record.password_hash == NO_PASSWORD_YET,
        two_step_on: record.totp_secret.is_some(),
        live_sessions,
    })
}

/// Whether the e-mail is a member's (the CLI asks for a new member's password only).
pub async fn is_member(app: &AppState, email: &str) -> ServiceResult<bool> {
    Ok(app.store.login_record(&email_key(email)).await?.is_some())
}

/// The member's live sessions.
pub async fn sessions(app: &AppState, email: &str) -> ServiceResult<Vec<SessionSummary>> {
    let user_id = user_id_of(app, email).await?;
    Ok(app.store.sessions_of_user(user_id, app.clock.now()).await?)
}

/// Ends every session of the member; returns how many there were.
pub async fn revoke_sessions(app: &AppState, email: &str) -> ServiceResult<u64> {
    let user_id = user_id_of(app, email).await?;
    let operator = ClientInfo::operator("portico member revoke");
    let audit = session::audit_event(
        app,
        AuditKind::SessionsRevoked,
        Some(user_id),
        &email_key(email),
        &operator,
        None,
    );
    Ok(app.store.end_user_sessions(user_id, &audit).await?)
}

/// What the audit log holds about an address, one group per user: an address may change
/// hands, and each holder's events stay theirs.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditGroup {
    /// The user the events belong to and their address now; `None` for events about the
    /// address while it belonged to nobody (attempts to sign in with it).
    pub user: Option<(i64, String)>,
    /// Whether that user holds the address now.
    pub current_holder: bool,
    pub records: Vec<AuditRecord>,
}

/// The audit log of an e-mail address (known or not), grouped per user, each oldest first:
/// the events recorded under the address by whoever held it, and all of its current
/// holder's; the current holder first, then earlier holders, then nobody's.
pub async fn audit(app: &AppState, email: &str) -> ServiceResult<Vec<AuditGroup>> {
    let key = email_key(email);
    let holder = app.store.login_record(&key).await?.map(|r| r.user_id);
    let records = app.store.audit_of(&key).await?;
    let mut groups: Vec<AuditGroup> = Vec::new();
    for record in records {
        match groups.iter_mut().find(|g| g.user.as_ref().map(|(id, _)| *id) == record.user_id) {
            Some(group) => group.records.push(record),
            None => {
                let user = match record.user_id {
                    Some(id) => Some((id, app.store.user(id).await.map(|u| u.email).unwrap_or_default())),
                    None => None,
                };
                let current_holder = record.user_id.is_some() && record.user_id == holder;
                groups.push(AuditGroup { user, current_holder, records: vec![record] });
            }
        }
    }
    groups.sort_by_key(|g| (!g.current_holder, g.user.is_none()));
    Ok(groups)
}

/// The demo account created on a fresh database.
pub struct DemoAccount {
    pub email: String,
    pub password: String,
    pub location: String,
}

pub const DEMO_EMAIL: &str = "demo@portico.example";

/// On an empty database, creates a demo location and member with a random password.
pub async fn seed_demo(app: &AppState) -> ServiceResult<Option<DemoAccount>> {
    if app.store.has_users().await? || !app.store.locations().await?.is_empty() {
        return Ok(None);
    }
    let location = add_location(app, "Demo Space", "GB").await?;
    let password: String = rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect();
    let input = MemberInput {
        email: DEMO_EMAIL.into(),
        password: Some(SecretString::from(password.clone())),
        full_name: "Demo Member".into(),
        location: Some(location.name.clone()),
    };
    add_member(app, input).await?;
    Ok(Some(DemoAccount { email: DEMO_EMAIL.into(), password, location: location.name }))
}

/// Suspends a member: no sign-in of any kind, every session ended, out of the directory;
/// `reactivate` restores them. Audited.
pub async fn suspend(app: &AppState, email: &str) -> ServiceResult<()> {
    set_active(app, email, false).await
}

pub async fn reactivate(app: &AppState, email: &str) -> ServiceResult<()> {
    set_active(app, email, true).await
}

async fn set_active(app: &AppState, email: &str, active: bool) -> ServiceResult<()> {
    let user_id = user_id_of(app, email).await?;
    let command = if active { "portico member reactivate" } else { "portico member suspend" };
    set_user_active(app, user_id, active, &ClientInfo::operator(command)).await
}

/// Suspends or reactivates a user, audited as done by `client` (the operator, or staff).
pub(crate) async fn set_user_active(
    app: &AppState,
    user_id: i64,
    active: bool,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let user = app.store.user(user_id).await?;
    let kind = if active { AuditKind::MemberReactivated } else { AuditKind::MemberSuspended };
    let audit = session::audit_event(app, kind, Some(user_id), &email_key(&user.email), client, None);
    Ok(app.store.set_user_active(user_id, active, &audit).await?)
}

/// Erases a member (GDPR Art. 17): every record of theirs is deleted at once; the audit log
/// keeps the kind and time of their events under a tombstone, and the erasure itself.
pub async fn erase(app: &AppState, email: &str) -> ServiceResult<()> {
    let user_id = user_id_of(app, email).await?;
    erase_user(app, user_id, &ClientInfo::operator("portico member erase")).await
}

pub(crate) async fn erase_user(app: &AppState, user_id: i64, client: &ClientInfo) -> ServiceResult<()> {
    let user = app.store.user(user_id).await?;
    let key = email_key(&user.email);
    let detail = format!("user {user_id} erased");
    let audit = crate::domain::audit::AuditEvent {
        user_id: None,
        email_key: None,
        ..session::audit_event(app, AuditKind::MemberErased, None, "", client, Some(&detail))
    };
    let erasure = crate::store::Erasure { user_id, lockout_key: email_digest(&key), email_key: key, audit };
    Ok(app.store.erase_user(&erasure).await?)
}

/// Everything Portico holds of a member, for a request that reached the operator.
pub async fn export_member(app: &AppState, email: &str) -> ServiceResult<super::history::Export> {
    let user_id = user_id_of(app, email).await?;
    super::history::export_user(app, user_id).await
}

/// The members an operator looks for: words found in the name, e-mail or company, at one
/// location or all; at most `limit`, in name order.
pub async fn find_members(
    app: &AppState,
    search: Option<&str>,
    location: Option<&str>,
    limit: u32,
) -> ServiceResult<Vec<crate::store::MemberRow>> {
    let location_id = match location {
        Some(name) => {
            let locations = app.store.locations().await?;
            Some(pick_location(&locations, Some(name))?.id)
        }
        None => None,
    };
    let search = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    let query = crate::store::MemberQuery {
        search,
        location_id,
        limit: i64::from(limit.clamp(1, 10_000)),
        ..Default::default()
    };
    Ok(app.store.find_members(&query).await?.rows)
}

pub async fn locations(app: &AppState) -> ServiceResult<Vec<Location>> {
    Ok(app.store.locations().await?)
}

/// Renames a location; its web address (which names it in members' addresses) stays.
pub async fn rename_location(app: &AppState, name: &str, new_name: &str) -> ServiceResult<Location> {
    let locations = app.store.locations().await?;
    let location = pick_location(&locations, Some(name))?;
    let new_name = text::clean_bounded(new_name, Lines::Single, 200)
        .map_err(|p| ServiceError::Invalid(format!("the new name {}", p.message)))?;
    if new_name.is_empty() {
        return Err(ServiceError::Invalid("the location needs a name".into()));
    }
    app.store.rename_location(location.id, &new_name).await.map_err(|e| match e {
        StoreError::Conflict(_) => {
            ServiceError::Invalid(format!("a location named {new_name:?} already exists"))
        }
        other => other.into(),
    })?;
    Ok(Location { name: new_name, ..location.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        assert_eq!(slug("The Hive — Berlin Mitte"), "the-hive-berlin-mitte");
        assert_eq!(slug("***"), "location");
    }

    #[test]
    fn csv_cells_get_their_property_types() {
        assert_eq!(cell_value(Field::CountryId, "GB"), Value::from(826));
        assert_eq!(cell_value(Field::CountryId, "276"), Value::from(276));
        assert_eq!(cell_value(Field::ProfileIsPublic, "yes"), Value::Bool(true));
        assert_eq!(cell_value(Field::OnNewWallPost, "0"), Value::Bool(false));
        assert_eq!(cell_value(Field::FullName, " Jane "), Value::String("Jane".into()));
    }
}
