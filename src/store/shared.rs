//! What both stores do alike, as plain functions and SQL text: the columns of the editing
//! representation (in an order derived from the property catalogue) and how a row of them
//! becomes a `Profile`, the other rows both read, the statements both run as written, and
//! the decisions both make from what they read. Each store reads the columns of a row by
//! position through [`ColumnSource`]; what differs (the connection, how times are bound,
//! locking) stays in `sqlite/` and `postgres/`.

use std::sync::LazyLock;

use time::{Date, OffsetDateTime};

use super::{
    DirectoryProfile, Invitation, Link, LinkIssue, LoginRecord, MemberOrder, MemberRow,
    NOTICES_PER_ADDRESS_HOUR, NewMail, OutboxMail, Session, SessionSummary, StaffKey, StaffRow, StoreError,
    StoreResult, TwoFactorState,
};
use crate::auth::token::TokenHash;
use crate::domain::account::{Purpose, credential_tag};
use crate::domain::ai::{AiSetting, Provider};
use crate::domain::audit::{AuditActor, AuditRecord};
use crate::domain::brand::Accent;
use crate::domain::catalogue::{Field, FieldValue, Kind, Values};
use crate::domain::custom::{CustomField, CustomKind};
use crate::domain::directory::{DirectoryOrder, SearchedProfile};
use crate::domain::history::{self, HistoryEntry};
use crate::domain::language::Language;
use crate::domain::markdown::RenderedBio;
use crate::domain::password::{MAX_SCORE, PasswordPolicy};
use crate::domain::photo::Photo;
use crate::domain::profile::{Location, Profile, ProfileSummary, User, Version};
use crate::domain::staff::{Grant, Role};

/// One row of a query, read by column position.
pub trait ColumnSource {
    fn int(&self, index: usize) -> StoreResult<i64>;
    fn optional_int(&self, index: usize) -> StoreResult<Option<i64>>;
    fn text(&self, index: usize) -> StoreResult<Option<String>>;
    fn flag(&self, index: usize) -> StoreResult<bool>;
    fn date(&self, index: usize) -> StoreResult<Option<Date>>;
    fn time(&self, index: usize) -> StoreResult<OffsetDateTime>;
    fn optional_time(&self, index: usize) -> StoreResult<Option<OffsetDateTime>>;

    fn required_text(&self, index: usize) -> StoreResult<String> {
        Ok(self.text(index)?.unwrap_or_default())
    }
}

/// The columns before the catalogue's: `p.id, p.unique_id, p.user_id, p.location_id`, the location's name,
/// `u.email, p.coworker_type` and whether both profile and user are active.
const LEADING: usize = 8;
/// The columns after the catalogue's: the times of change and the versions of both rows.
const TRAILING: usize = 5;
/// How many columns [`profile_columns`] lists; a query may add its own after them.
pub const PROFILE_COLUMNS: usize = LEADING + Field::COUNT + TRAILING;

/// The editing representation's columns for `from profiles p join users u`: every field
/// from the table of its owner, in catalogue order.
pub fn profile_columns() -> &'static str {
    static COLUMNS: LazyLock<String> = LazyLock::new(|| {
        let mut columns = vec![
            "p.id".to_string(),
            "p.unique_id".into(),
            "p.user_id".into(),
            "p.location_id".into(),
            "(select l.name from locations l where l.id = p.location_id)".into(),
            "u.email".into(),
            "p.coworker_type".into(),
            "(p.active and u.active)".into(),
        ];
        columns.extend(Field::all().map(|field| {
            let table = if field.on_profile() { "p" } else { "u" };
            format!("{table}.{}", field.spec().column)
        }));
        columns.extend(
            ["p.created_on", "p.updated_on", "u.updated_on", "p.version", "u.version"].map(String::from),
        );
        columns.join(", ")
    });
    &COLUMNS
}

/// A row of [`profile_columns`] as a profile.
pub fn profile_from(row: &impl ColumnSource) -> StoreResult<Profile> {
    let mut values = Values::empty();
    for field in Field::all() {
        values.set(field, value_at(row, LEADING + field.index(), field.kind())?);
    }
    let after = LEADING + Field::COUNT;
    let (profile_updated, user_updated) = (row.time(after + 1)?, row.time(after + 2)?);
    Ok(Profile {
        id: row.int(0)?,
        unique_id: row.required_text(1)?,
        user_id: row.int(2)?,
        location_id: row.int(3)?,
        location_name: row.required_text(4)?,
        email: row.required_text(5)?,
        coworker_type: row.int(6)?,
        active: row.flag(7)?,
        values,
        created_on: row.time(after)?,
        updated_on: profile_updated.max(user_updated),
        version: Version { profile: row.int(after + 3)?, user: row.int(after + 4)? },
    })
}

/// A row of [`profile_columns`] followed by `p.profile_summary_html, p.profile_summary_render`.
/// `found` in the order of `ids` (a query's `in` answers in an order of its own); an id
/// asked twice is answered once.
pub fn in_order_of<T>(ids: &[i64], found: Vec<T>, id_of: impl Fn(&T) -> i64) -> Vec<T> {
    let mut by_id: std::collections::HashMap<i64, T> =
        found.into_iter().map(|item| (id_of(&item), item)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

pub fn directory_profile_from(row: &impl ColumnSource) -> StoreResult<DirectoryProfile> {
    let profile = profile_from(row)?;
    let html = row.text(PROFILE_COLUMNS)?;
    let render_key = row.text(PROFILE_COLUMNS + 1)?;
    let summary_html = html.zip(render_key).map(|(html, render_key)| RenderedBio { html, render_key });
    Ok(DirectoryProfile { profile, summary_html })
}

/// A row of [`profile_columns`] followed by `s.id, s.access_expires_at`: a session and its
/// current profile.
pub fn session_profile_from(row: &impl ColumnSource) -> StoreResult<(Session, Profile)> {
    let profile = profile_from(row)?;
    let session = Session {
        id: row.int(PROFILE_COLUMNS)?,
        user_id: profile.user_id,
        profile_id: profile.id,
        access_expires_at: row.time(PROFILE_COLUMNS + 1)?,
    };
    Ok((session, profile))
}

/// A user's own properties (the notification preferences) from consecutive columns
/// starting at `first`, in catalogue order: see [`user_columns`].
pub fn user_values_from(row: &impl ColumnSource, first: usize) -> StoreResult<Values> {
    let mut values = Values::empty();
    for (offset, field) in user_fields().enumerate() {
        values.set(field, value_at(row, first + offset, field.kind())?);
    }
    Ok(values)
}

/// The columns of the user's own properties, in catalogue order.
pub fn user_columns() -> &'static str {
    static COLUMNS: LazyLock<String> =
        LazyLock::new(|| user_fields().map(|f| f.spec().column).collect::<Vec<_>>().join(", "));
    &COLUMNS
}

/// The fields kept only on the user row.
pub fn user_fields() -> impl Iterator<Item = Field> {
    Field::all().filter(|f| !f.on_profile())
}

/// The columns of a location, for [`location_from`].
pub const LOCATION_COLUMNS: &str = "id, name, web_address, country_id, policy_min_length, policy_max_length, \
    policy_reject_common, policy_reject_personal, policy_require_digit, policy_require_upper, \
    policy_require_lower, policy_require_symbol, policy_min_score, ai_provider, ai_base_url, ai_model, \
    ai_api_key_env, ai_daily_cap, policy_require_two_step, display_name, accent, contact_relay, \
    language, (select g.etag from location_logos g where g.location_id = locations.id)";

pub fn location_from(row: &impl ColumnSource) -> StoreResult<Location> {
    let count = |index: usize| -> StoreResult<u32> { Ok(u32::try_from(row.int(index)?).unwrap_or(u32::MAX)) };
    Ok(Location {
        id: row.int(0)?,
        name: row.required_text(1)?,
        web_address: row.required_text(2)?,
        country_id: row.int(3)?,
        policy: PasswordPolicy {
            min_length: count(4)?,
            max_length: count(5)?,
            reject_common: row.flag(6)?,
            reject_personal: row.flag(7)?,
            require_digit: row.flag(8)?,
            require_upper: row.flag(9)?,
            require_lower: row.flag(10)?,
            require_symbol: row.flag(11)?,
            min_score: u8::try_from(row.int(12)?).unwrap_or(MAX_SCORE),
            require_two_step: row.flag(18)?,
        },
        ai: AiSetting {
            provider: row.text(13)?.as_deref().and_then(Provider::from_name),
            base_url: row.text(14)?,
            model: row.text(15)?,
            api_key_env: row.text(16)?,
            daily_cap: row.optional_int(17)?.map(|cap| u32::try_from(cap).unwrap_or(u32::MAX)),
        },
        display_name: row.text(19)?,
        // Only a colour that passes the check now ever reaches a page, whatever is stored.
        accent: row.text(20)?.and_then(|text| Accent::parse(&text).ok()),
        contact_relay: row.flag(21)?,
        language: row.text(22)?.as_deref().and_then(Language::from_code).unwrap_or_default(),
        logo_tag: row.text(23)?,
    })
}

/// `select p.id, p.full_name, p.company_name, p.active, p.coworker_type, l.id, l.name`.
pub fn profile_summary_from(row: &impl ColumnSource) -> StoreResult<ProfileSummary> {
    Ok(ProfileSummary {
        id: row.int(0)?,
        full_name: row.required_text(1)?,
        company_name: row.required_text(2)?,
        active: row.flag(3)?,
        coworker_type: row.int(4)?,
        location_id: row.int(5)?,
        location_name: row.required_text(6)?,
    })
}

/// What a directory search reads of each candidate, in this order (`p` is `profiles`).
pub const SEARCH_CANDIDATE_COLUMNS: &str =
    "p.id, p.full_name, p.company_name, p.position, p.business_area, p.profile_tags";

/// A row of [`SEARCH_CANDIDATE_COLUMNS`].
pub fn searched_profile_from(row: &impl ColumnSource) -> StoreResult<SearchedProfile> {
    Ok(SearchedProfile {
        profile_id: row.int(0)?,
        full_name: row.required_text(1)?,
        company_name: row.text(2)?,
        position: row.text(3)?,
        business_area: row.text(4)?,
        tags: row.text(5)?,
    })
}

/// `select id, profile_id, created_at, refreshed_at, access_expires_at, refresh_expires_at,
/// source, user_agent from sessions`.
pub fn session_summary_from(row: &impl ColumnSource) -> StoreResult<SessionSummary> {
    Ok(SessionSummary {
        id: row.int(0)?,
        profile_id: row.int(1)?,
        created_at: row.time(2)?,
        refreshed_at: row.optional_time(3)?,
        access_expires_at: row.time(4)?,
        refresh_expires_at: row.time(5)?,
        source: row.text(6)?,
        user_agent: row.text(7)?,
    })
}

/// `select at, event, user_id, source, user_agent, detail, actor_id, actor_key, location_id
/// from audit_events`.
pub fn audit_record_from(row: &impl ColumnSource) -> StoreResult<AuditRecord> {
    let (actor_id, actor_key, location_id) = (row.optional_int(6)?, row.text(7)?, row.optional_int(8)?);
    let acted = actor_id.is_some() || actor_key.is_some() || location_id.is_some();
    Ok(AuditRecord {
        at: row.time(0)?,
        event: row.required_text(1)?,
        user_id: row.optional_int(2)?,
        source: row.text(3)?,
        user_agent: row.text(4)?,
        detail: row.text(5)?,
        actor: acted.then_some(AuditActor { user_id: actor_id, key_name: actor_key, location_id }),
    })
}

/// The columns of [`HISTORY_COLUMNS`].
pub fn history_entry_from(row: &impl ColumnSource) -> StoreResult<HistoryEntry> {
    Ok(HistoryEntry {
        id: row.int(0)?,
        at: row.time(1)?,
        profile_id: row.int(2)?,
        session_id: row.optional_int(3)?,
        address: row.text(4)?,
        request_id: row.text(5)?,
        changes: history::decode(&row.required_text(6)?),
    })
}

/// What [`history_entry_from`] reads, from `profile_history` (PostgreSQL casts `changes`
/// to text with `::text`, which SQLite also accepts as a no-op).
pub const HISTORY_COLUMNS: &str =
    "id, changed_at, profile_id, session_id, address, request_id, cast(changes as text)";

/// One field's value from a column of `kind`.
pub fn value_at(row: &impl ColumnSource, index: usize, kind: Kind) -> StoreResult<Option<FieldValue>> {
    Ok(match kind {
        Kind::Text => row.text(index)?.map(FieldValue::Text),
        Kind::Int => Some(FieldValue::Int(row.int(index)?)),
        Kind::Bool => Some(FieldValue::Bool(row.flag(index)?)),
        Kind::Date => row.date(index)?.map(FieldValue::Date),
    })
}

/// `$1` the access token's digest, `$2` now: a live session and its current profile, for
/// [`session_profile_from`].
pub static SESSION_PROFILE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {}, s.id, s.access_expires_at from sessions s join profiles p on p.id = s.profile_id \
         join users u on u.id = p.user_id where s.access_hash = $1 and s.access_expires_at > $2",
        profile_columns()
    )
});

/// A profile's photo and who may see it: its member always, anyone when it is public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoRecord {
    pub profile_id: i64,
    pub user_id: i64,
    pub public: bool,
    pub full_name: String,
    /// `None` when the profile has no photo of that kind.
    pub photo: Option<Photo>,
}

pub const SAVE_PHOTO: &str = "insert into photos (profile_id, kind, jpeg, etag, updated_on) values ($1, $2, $3, $4, $5) \
     on conflict (profile_id, kind) do update set jpeg = excluded.jpeg, etag = excluded.etag, updated_on = excluded.updated_on";
pub const DELETE_PHOTO: &str = "delete from photos where profile_id = $1 and kind = $2";
/// The profile by its `UniqueId`, whether it is listed, and its photo of one kind if it has one.
pub const PHOTO_LOOKUP: &str = "select p.id, p.user_id, (p.profile_is_public and p.active and u.active), p.full_name, \
     f.jpeg, f.etag from profiles p join users u on u.id = p.user_id \
     left join photos f on f.profile_id = p.id and f.kind = $1 where p.unique_id = $2";

/// Which profiles a member list holds: `$1` a `like` pattern for the name, e-mail or company,
/// `$2`…`$4` one for each alone, `$5` members or contacts, `$6` active or not, `$7` a
/// location, `$8` a staff user whose locations they must be at; each null for any.
macro_rules! member_filter {
    () => {
        " from profiles p join users u on u.id = p.user_id join locations l on l.id = p.location_id \
         where (cast($1 as text) is null or lower(p.full_name) like $1 escape '\\' \
         or u.email_key like $1 escape '\\' or lower(p.company_name) like $1 escape '\\') \
         and (cast($2 as text) is null or lower(p.full_name) like $2 escape '\\') \
         and (cast($3 as text) is null or u.email_key like $3 escape '\\') \
         and (cast($4 as text) is null or lower(p.company_name) like $4 escape '\\') \
         and (cast($5 as boolean) is null or p.is_member = $5) \
         and (cast($6 as boolean) is null or (p.active and u.active) = $6) \
         and (cast($7 as bigint) is null or p.location_id = $7) \
         and (cast($8 as bigint) is null or p.location_id in \
         (select location_id from staff_roles where user_id = $8))"
    };
}

pub const COUNT_MEMBERS: &str = concat!("select count(*)", member_filter!());

/// The member list's page in `order`: the filter's parameters, then `$9` the most rows and
/// `$10` how many to skip.
pub fn find_members_sql(order: MemberOrder, descending: bool) -> String {
    let column = match order {
        MemberOrder::FullName => "lower(p.full_name)",
        MemberOrder::Email => "u.email_key",
        MemberOrder::CompanyName => "lower(p.company_name)",
        MemberOrder::CreatedOn => "p.created_on",
        MemberOrder::UpdatedOn => "p.updated_on",
        MemberOrder::Id => "p.id",
    };
    let direction = if descending { "desc" } else { "asc" };
    format!(
        "select u.id, p.id, u.email, p.full_name, l.name, p.company_name, (p.active and u.active), p.is_member{} \
         order by {column} {direction}, p.id {direction} limit $9 offset $10",
        member_filter!()
    )
}

pub const GRANT_STAFF: &str = "insert into staff_roles (user_id, location_id, role, granted_at) \
     values ($1, $2, $3, $4) on conflict (user_id, location_id) do update set role = excluded.role, \
     granted_at = excluded.granted_at";
pub const REVOKE_STAFF: &str = "delete from staff_roles where user_id = $1 and location_id = $2";
pub const STAFF_GRANTS: &str =
    "select location_id, role from staff_roles where user_id = $1 order by location_id";
pub const STAFF: &str = "select u.id, u.email, l.id, l.name, s.role from staff_roles s \
     join users u on u.id = s.user_id join locations l on l.id = s.location_id order by l.name, u.email_key";
pub const ADD_STAFF_KEY: &str = "insert into staff_keys (name, secret_hash, location_id, role, created_at) \
     values ($1, $2, $3, $4, $5) returning id";
pub const STAFF_KEY: &str = "select id, name, location_id, role from staff_keys where secret_hash = $1";
pub const STAFF_KEYS: &str = "select id, name, location_id, role from staff_keys order by name";
pub const REMOVE_STAFF_KEY: &str = "delete from staff_keys where name = $1";
/// `$1` the location, `$2` the event's kind, `$3` a user who acted or was acted on, `$4` and
/// `$5` the time range, `$6` the most rows; each but the first null for any.
pub const LOCATION_AUDIT: &str = "select at, event, user_id, source, user_agent, detail, actor_id, actor_key, \
     location_id from audit_events where (location_id = $1 or user_id in \
     (select user_id from profiles where location_id = $1)) \
     and (cast($2 as text) is null or event = $2) \
     and (cast($3 as bigint) is null or actor_id = $3 or user_id = $3) \
     and (cast($4 as timestamptz) is null or at >= $4) \
     and (cast($5 as timestamptz) is null or at < $5) \
     order by at desc, id desc limit $6";

pub fn grant_from(row: &impl ColumnSource) -> StoreResult<Grant> {
    Ok(Grant { location_id: row.int(0)?, role: role_from(&row.required_text(1)?)? })
}

fn role_from(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Other(anyhow::anyhow!("unknown staff role {text:?}")))
}

pub fn staff_row_from(row: &impl ColumnSource) -> StoreResult<StaffRow> {
    Ok(StaffRow {
        user_id: row.int(0)?,
        email: row.required_text(1)?,
        location_id: row.int(2)?,
        location_name: row.required_text(3)?,
        role: role_from(&row.required_text(4)?)?,
    })
}

pub fn staff_key_from(row: &impl ColumnSource) -> StoreResult<StaffKey> {
    Ok(StaffKey {
        id: row.int(0)?,
        name: row.required_text(1)?,
        location_id: row.int(2)?,
        role: role_from(&row.required_text(3)?)?,
    })
}

pub const RENAME_LOCATION: &str = "update locations set name = $1 where id = $2";
/// `$1` the display name, `$2` the accent, `$3` whether the contact relay is on, `$4` the
/// default language's code, `$5` the location.
pub const SET_LOCATION_BRAND: &str =
    "update locations set display_name = $1, accent = $2, contact_relay = $3, language = $4 where id = $5";
/// `$1` the location, `$2` the JPEG, `$3` its tag, `$4` now.
pub const SAVE_LOCATION_LOGO: &str = "insert into location_logos (location_id, jpeg, etag, updated_on) \
     values ($1, $2, $3, $4) on conflict (location_id) do update set jpeg = excluded.jpeg, \
     etag = excluded.etag, updated_on = excluded.updated_on";
pub const DELETE_LOCATION_LOGO: &str = "delete from location_logos where location_id = $1";
pub const LOCATION_LOGO: &str = "select jpeg, etag from location_logos where location_id = $1";

/// `$1` the recipient's profile, `$2` the location: a row while the profile is in the
/// location's directory and the location's contact relay is on.
pub static CONTACTABLE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select 1 from profiles where id = $1 and location_id = $2 and {LISTED} \
         and exists (select 1 from locations l where l.id = $2 and l.contact_relay)"
    )
});
/// `$1` the sender, `$2` the window's start, `$3` the limit less one: when the window holds the
/// limit, the time of the newest `limit`-th message, whose leaving the window frees a turn.
pub const CONTACT_BLOCKING: &str = "select sent_at from contact_messages where sender_id = $1 \
     and sent_at > $2 order by sent_at desc limit 1 offset $3";
/// `$1` the sender, `$2` the recipient's profile, `$3` now.
pub const RECORD_CONTACT: &str =
    "insert into contact_messages (sender_id, recipient_profile_id, sent_at) values ($1, $2, $3)";
/// `$1` a day ago.
pub const PURGE_CONTACTS: &str = "delete from contact_messages where sent_at <= $1";

/// A row of [`find_members_sql`].
pub fn member_row_from(row: &impl ColumnSource) -> StoreResult<MemberRow> {
    Ok(MemberRow {
        user_id: row.int(0)?,
        profile_id: row.int(1)?,
        email: row.required_text(2)?,
        full_name: row.required_text(3)?,
        location_name: row.required_text(4)?,
        company_name: row.text(5)?.unwrap_or_default(),
        active: row.flag(6)?,
        is_member: row.flag(7)?,
    })
}

/// A `like` pattern that finds `text` anywhere, its `%`, `_` and `\` taken as themselves.
pub fn contains_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    format!("%{escaped}%")
}

pub const SET_USER_ACTIVE: &str = "update users set active = $1 where id = $2";
pub const END_USER_SESSIONS: &str = "delete from sessions where user_id = $1";
pub const PROFILES_OF_USER_IDS: &str = "select id from profiles where user_id = $1";
/// `$1` the tombstone's words, `$2` the user, `$3` their e-mail key: what the audit log keeps
/// of an erased member is the kind and time of each event.
pub const TOMBSTONE_AUDIT: &str = "update audit_events set email_key = null, source = null, user_agent = null, \
     detail = $1 where user_id = $2 or email_key = $3";
pub const DELETE_MAIL_TO: &str = "delete from outbox where to_key = $1";
pub const DELETE_LOCKOUT: &str = "delete from password_failures where key = $1";
pub const DELETE_USER: &str = "delete from users where id = $1";

/// Whether a row of `profiles` is in the directory: public, and neither it nor its user
/// suspended.
pub const LISTED: &str = "profile_is_public and active and (select u_listed.active from users u_listed where u_listed.id = profiles.user_id)";

pub const CUSTOM_FIELDS: &str = "select slot, label, kind, choices, required, member_editable, in_directory \
     from custom_fields where location_id = $1 order by slot";
pub const DEFINE_CUSTOM_FIELD: &str = "insert into custom_fields \
     (location_id, slot, label, kind, choices, required, member_editable, in_directory) \
     values ($1, $2, $3, $4, $5, $6, $7, $8)";
pub const REMOVE_CUSTOM_FIELD: &str = "delete from custom_fields where location_id = $1 and slot = $2";

/// Clears the answers of a removed custom field at its location; the profiles' versions
/// move so that no client keeps a stale copy.
pub fn clear_custom_answers_sql(field: Field) -> String {
    let column = field.spec().column;
    format!(
        "update profiles set {column} = null, version = version + 1 where location_id = $1 and {column} is not null"
    )
}

/// A row of [`CUSTOM_FIELDS`]: the choices are kept one per line (a choice is one line).
pub fn custom_field_from(row: &impl ColumnSource) -> StoreResult<CustomField> {
    let kind = row.required_text(2)?;
    let choices = row.required_text(3)?;
    Ok(CustomField {
        slot: u8::try_from(row.int(0)?).map_err(|e| StoreError::Other(e.into()))?,
        label: row.required_text(1)?,
        kind: CustomKind::from_name(&kind)
            .ok_or_else(|| StoreError::Other(anyhow::anyhow!("unknown custom field kind {kind:?}")))?,
        choices: choices.lines().map(str::to_string).collect(),
        required: row.flag(4)?,
        member_editable: row.flag(5)?,
        in_directory: row.flag(6)?,
    })
}

/// The `order by` of a directory list over `directory_index` (its name key, then the id).
pub fn directory_order(order: DirectoryOrder) -> &'static str {
    match order {
        DirectoryOrder::Name => "name_key, profile_id",
        // Ids grow as profiles are made: the newest member first.
        DirectoryOrder::Newest => "profile_id desc",
    }
}

/// A count or an offset as SQL takes it (both stores bind signed 64-bit integers).
pub fn as_sql(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A new profile at a location where the user has one already: the store's unique key says
/// so in its own words; the operator is told in theirs.
pub fn profile_conflict(email: &str, error: StoreError) -> StoreError {
    match error {
        StoreError::Conflict(_) => {
            StoreError::Conflict(format!("{email} already has a profile at this location"))
        }
        other => other,
    }
}

/// `$1` user, `$2` profile, `$3` access digest, `$4` refresh digest, `$5` access expiry,
/// `$6` refresh expiry, `$7` now, `$8` source, `$9` user agent, `$10` the session's end,
/// `$11` client.
pub const INSERT_SESSION: &str = "insert into sessions (user_id, profile_id, access_hash, refresh_hash, \
    access_expires_at, refresh_expires_at, created_at, source, user_agent, expires_at, client_id) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id";
/// `$1` now, `$2` user, `$3` client, `$4` the new session: a new sign-in of a client ends
/// that client's earlier refresh tokens (their access tokens live on until they expire).
pub const END_CLIENT_REFRESH: &str = "update sessions set refresh_expires_at = $1 \
    where user_id = $2 and client_id = $3 and id <> $4 and refresh_expires_at > $1";
/// `$1` a refresh token's digest: its session, for [`refresh_step`].
pub const REFRESH_HOLDER: &str = "select s.id, s.refresh_expires_at, s.expires_at, s.client_id, u.email_key \
    from sessions s join users u on u.id = s.user_id where s.refresh_hash = $1";
/// `$1` a retired refresh token's digest: the session it once belonged to, and its user.
pub const RETIRED_REFRESH_HOLDER: &str = "select s.id, s.user_id from retired_refresh_tokens r \
    join sessions s on s.id = r.session_id where r.hash = $1";
/// `$1` the session: its refresh token joins the family's history.
pub const RETIRE_REFRESH: &str = "insert into retired_refresh_tokens (hash, session_id) select refresh_hash, id from sessions where id = $1";
/// `$1` access digest, `$2` refresh digest, `$3` access expiry, `$4` refresh expiry, `$5`
/// now, `$6` the session.
pub const ROTATE_REFRESH: &str = "update sessions set access_hash = $1, refresh_hash = $2, access_expires_at = $3, \
    refresh_expires_at = $4, refreshed_at = $5 where id = $6 returning id, user_id, profile_id, access_expires_at";
/// `$1` the user, `$2` the client: the sessions a lockout ends (credentials sent with each
/// request are not to be believed while the account is locked).
pub const END_CLIENT_SESSIONS: &str = "delete from sessions where user_id = $1 and client_id = $2";
/// `$1` required, `$2` the user.
pub const SET_MUST_RESET: &str = "update users set must_reset_password = $1 where id = $2";
/// `$1` the language's code or null, `$2` the user. Not part of the profile's
/// representation: no version moves.
pub const SET_LANGUAGE: &str = "update users set language = $1 where id = $2";

/// The session a refresh token belongs to, as [`REFRESH_HOLDER`] reads it.
#[derive(Debug, Clone)]
pub struct RefreshHolder {
    pub session_id: i64,
    pub refresh_expires_at: OffsetDateTime,
    pub session_ends: OffsetDateTime,
    pub client_id: Option<String>,
    pub email_key: String,
}

/// What to do with a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshStep {
    /// Live, and the client is the one it was issued to: a new pair, never past the
    /// session's end.
    Rotate { session_id: i64, session_ends: OffsetDateTime },
    /// Its refresh has ended: so does the session.
    EndExpired(i64),
    /// Another client's token: refused, nothing changes.
    OtherClient,
    /// Not a live token: perhaps a retired one (theft), looked up next.
    LookForReuse,
}

pub fn refresh_step(
    holder: Option<&RefreshHolder>,
    client_id: Option<&str>,
    now: OffsetDateTime,
) -> RefreshStep {
    match holder {
        None => RefreshStep::LookForReuse,
        Some(holder) if !same_client(holder, client_id) => RefreshStep::OtherClient,
        Some(holder) if holder.refresh_expires_at > now => {
            RefreshStep::Rotate { session_id: holder.session_id, session_ends: holder.session_ends }
        }
        Some(holder) => RefreshStep::EndExpired(holder.session_id),
    }
}

/// Nexudus: the refresh call sends the `client_id` the sign-in sent, or none when the
/// sign-in sent none (then the client is the e-mail, which it may also send). Sessions made
/// before clients were kept take any.
fn same_client(holder: &RefreshHolder, presented: Option<&str>) -> bool {
    let Some(stored) = holder.client_id.as_deref() else { return true };
    let presented = presented.map(str::trim).filter(|c| !c.is_empty());
    match presented {
        None => stored == holder.email_key,
        Some(presented) => presented == stored || crate::domain::fields::email_key(presented) == stored,
    }
}

/// A row of [`REFRESH_HOLDER`].
pub fn refresh_holder_from(row: &impl ColumnSource) -> StoreResult<RefreshHolder> {
    Ok(RefreshHolder {
        session_id: row.int(0)?,
        refresh_expires_at: row.time(1)?,
        session_ends: row.time(2)?,
        client_id: row.text(3)?,
        email_key: row.required_text(4)?,
    })
}

/// The columns of a user, for [`user_from`].
pub static USER_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "id, unique_id, email, full_name, active, must_reset_password, default_profile_id, created_on, \
         updated_on, {}, language",
        user_columns()
    )
});

pub fn user_from(row: &impl ColumnSource) -> StoreResult<User> {
    Ok(User {
        id: row.int(0)?,
        unique_id: row.required_text(1)?,
        email: row.required_text(2)?,
        full_name: row.required_text(3)?,
        active: row.flag(4)?,
        must_reset_password: row.flag(5)?,
        default_profile_id: row.optional_int(6)?,
        created_on: row.time(7)?,
        updated_on: row.time(8)?,
        values: user_values_from(row, 9)?,
        language: row.text(9 + user_fields().count())?.as_deref().and_then(Language::from_code),
    })
}

/// `$1` the e-mail key: what sign-in needs to know, for [`login_record_from`].
pub const LOGIN_RECORD: &str = "select u.id, u.password_hash, u.active, u.default_profile_id, u.must_reset_password, \
    u.totp_secret, exists (select 1 from profiles p join locations l on l.id = p.location_id \
    where p.user_id = u.id and l.policy_require_two_step) \
    or exists (select 1 from staff_roles s where s.user_id = u.id) from users u where u.email_key = $1";

/// A row of [`LOGIN_RECORD`]; `None` for a user without a profile yet.
pub fn login_record_from(row: &impl ColumnSource) -> StoreResult<Option<LoginRecord>> {
    let Some(default_profile_id) = row.optional_int(3)? else { return Ok(None) };
    Ok(Some(LoginRecord {
        user_id: row.int(0)?,
        password_hash: row.required_text(1)?,
        active: row.flag(2)?,
        default_profile_id,
        must_reset_password: row.flag(4)?,
        totp_secret: row.text(5)?,
        two_step_required: row.flag(6)?,
    }))
}

/// `$1` the user: the sealed secret (on when present), the sealed enrolment waiting for its
/// confirmation, and how many recovery codes are left.
pub const TWO_FACTOR_STATE: &str = "select totp_secret, totp_pending, \
    (select count(*) from recovery_codes where user_id = $1) from users where id = $1";
pub const BEGIN_TWO_FACTOR: &str = "update users set totp_pending = $1 where id = $2";
/// `$1` the step that confirmed it, `$2` the user, `$3` the enrolment: on only if it is
/// still the one waiting.
pub const ENABLE_TWO_FACTOR: &str = "update users set totp_secret = totp_pending, totp_pending = null, \
    totp_last_step = $1 where id = $2 and totp_pending = $3";
pub const DISABLE_TWO_FACTOR: &str =
    "update users set totp_secret = null, totp_pending = null, totp_last_step = null where id = $1";
pub const DELETE_RECOVERY_CODES: &str = "delete from recovery_codes where user_id = $1";
pub const INSERT_RECOVERY_CODE: &str = "insert into recovery_codes (user_id, code_hash) values ($1, $2)";
/// `$2` is the session to keep (none matches `-1`).
pub const END_OTHER_SESSIONS: &str = "delete from sessions where user_id = $1 and id <> $2";
/// RFC 6238 §5.2: a step is good once, and never one older than the last used.
pub const USE_TOTP_STEP: &str = "update users set totp_last_step = $1 where id = $2 and totp_secret is not null \
    and (totp_last_step is null or totp_last_step < $1)";
pub const USE_RECOVERY_CODE: &str = "delete from recovery_codes where user_id = $1 and code_hash = $2";

/// A row of [`TWO_FACTOR_STATE`].
pub fn two_factor_state_from(row: &impl ColumnSource) -> StoreResult<TwoFactorState> {
    Ok(TwoFactorState {
        secret: row.text(0)?,
        pending: row.text(1)?,
        recovery_codes_left: u32::try_from(row.int(2)?).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    /// SQLite numbers `$n` parameters in order of first use: a statement that used `$2`
    /// before `$1` would bind every value to the wrong place there.
    #[test]
    fn shared_statements_number_their_parameters_in_order() {
        let statements = [
            QUEUE_MAIL.to_string(),
            MAIL_SENT.to_string(),
            MAIL_FAILED.to_string(),
            OUTBOX_LIST.to_string(),
            claim_mail_sql(""),
            PURGE_MAIL.to_string(),
            PURGE_LINKS.to_string(),
            INSERT_LINK.to_string(),
            VOID_UNUSED_LINKS.to_string(),
            RECENT_LINKS.to_string(),
            RECENT_CHANGES_TO_ADDRESS.to_string(),
            PASSWORD_HASH.to_string(),
            SAVE_PHOTO.to_string(),
            DELETE_PHOTO.to_string(),
            PHOTO_LOOKUP.to_string(),
            LINK_BY_HASH.to_string(),
            USE_PASSWORD_LINKS.to_string(),
            USE_LINK.to_string(),
            END_LINKS_AFTER_UNDO.to_string(),
            SET_EMAIL.to_string(),
            SESSION_PROFILE.to_string(),
            INSERT_SESSION.to_string(),
            END_CLIENT_REFRESH.to_string(),
            REFRESH_HOLDER.to_string(),
            RETIRED_REFRESH_HOLDER.to_string(),
            RETIRE_REFRESH.to_string(),
            ROTATE_REFRESH.to_string(),
            END_CLIENT_SESSIONS.to_string(),
            SET_MUST_RESET.to_string(),
            SET_LANGUAGE.to_string(),
            LOGIN_RECORD.to_string(),
            CUSTOM_FIELDS.to_string(),
            DEFINE_CUSTOM_FIELD.to_string(),
            REMOVE_CUSTOM_FIELD.to_string(),
            clear_custom_answers_sql(Field::Custom7),
            TWO_FACTOR_STATE.to_string(),
            BEGIN_TWO_FACTOR.to_string(),
            ENABLE_TWO_FACTOR.to_string(),
            DISABLE_TWO_FACTOR.to_string(),
            DELETE_RECOVERY_CODES.to_string(),
            INSERT_RECOVERY_CODE.to_string(),
            END_OTHER_SESSIONS.to_string(),
            USE_TOTP_STEP.to_string(),
            USE_RECOVERY_CODE.to_string(),
            SET_USER_ACTIVE.to_string(),
            END_USER_SESSIONS.to_string(),
            PROFILES_OF_USER_IDS.to_string(),
            TOMBSTONE_AUDIT.to_string(),
            DELETE_MAIL_TO.to_string(),
            DELETE_LOCKOUT.to_string(),
            DELETE_USER.to_string(),
            PHOTO_LOOKUP.to_string(),
            find_members_sql(MemberOrder::Email, true),
            COUNT_MEMBERS.to_string(),
            GRANT_STAFF.to_string(),
            REVOKE_STAFF.to_string(),
            STAFF_GRANTS.to_string(),
            ADD_STAFF_KEY.to_string(),
            STAFF_KEY.to_string(),
            REMOVE_STAFF_KEY.to_string(),
            LOCATION_AUDIT.to_string(),
            RENAME_LOCATION.to_string(),
            SET_LOCATION_BRAND.to_string(),
            SAVE_LOCATION_LOGO.to_string(),
            DELETE_LOCATION_LOGO.to_string(),
            LOCATION_LOGO.to_string(),
            CONTACTABLE.to_string(),
            CONTACT_BLOCKING.to_string(),
            RECORD_CONTACT.to_string(),
            PURGE_CONTACTS.to_string(),
        ];
        for sql in statements {
            let mut highest = 0;
            for (at, _) in sql.match_indices('$') {
                let number: usize = sql[at + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
                    .parse()
                    .expect(&sql);
                assert!(number <= highest + 1, "${number} is used before ${} in {sql}", highest + 1);
                highest = highest.max(number);
            }
        }
    }

    use super::*;

    #[test]
    fn every_field_is_read_from_its_owners_table() {
        let columns = profile_columns();
        assert_eq!(columns.split(", ").count(), PROFILE_COLUMNS);
        assert!(columns.contains("p.full_name") && columns.contains("u.on_new_wall_post"));
        assert!(!columns.contains("u.full_name"), "the name is read from the profile");
        assert_eq!(user_columns().split(", ").count(), 6);
    }
}

// SQL both stores run as written. Parameters are `$n`, each first used in the order of its
// number: PostgreSQL reads them as positions, SQLite as names numbered in order of first
// use, so both bind them by position (`shared_statements_number_their_parameters_in_order`
// checks it). Times are bound as each store keeps them.

/// The outbox's columns, for [`outbox_mail_from`].
pub const OUTBOX_COLUMNS: &str = "id, to_address, subject, text_body, html_body, created_at, \
    cast(attempts as bigint), sent_at, last_error, given_up_at, reply_to, sender_id";

/// A row of [`OUTBOX_COLUMNS`].
pub fn outbox_mail_from(row: &impl ColumnSource) -> StoreResult<OutboxMail> {
    Ok(OutboxMail {
        id: row.int(0)?,
        mail: NewMail {
            to: row.required_text(1)?,
            subject: row.required_text(2)?,
            text: row.required_text(3)?,
            html: row.required_text(4)?,
            reply_to: row.text(10)?,
            sender_id: row.optional_int(11)?,
        },
        created_at: row.time(5)?,
        attempts: row.int(6)?,
        sent_at: row.optional_time(7)?,
        last_error: row.text(8)?,
        given_up_at: row.optional_time(9)?,
    })
}

/// `$1` to, `$2` its key, `$3` subject, `$4` text, `$5` HTML, `$6` now, `$7` reply to, `$8` the
/// member who wrote it.
pub const QUEUE_MAIL: &str = "insert into outbox (to_address, to_key, subject, text_body, html_body, created_at, \
    next_attempt_at, reply_to, sender_id) values ($1, $2, $3, $4, $5, $6, $6, $7, $8)";
/// `$1` now, `$2` id.
pub const MAIL_SENT: &str =
    "update outbox set sent_at = $1, claimed_until = null, last_error = null where id = $2";
/// `$1` the next attempt (null: given up), `$2` the error, `$3` given up at (or null), `$4` id.
pub const MAIL_FAILED: &str = "update outbox set next_attempt_at = coalesce($1, next_attempt_at), \
    claimed_until = null, last_error = $2, given_up_at = $3 where id = $4";
/// `$1` the recipient's key or null for all, `$2` how many.
pub static OUTBOX_LIST: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select {OUTBOX_COLUMNS} from outbox where cast($1 as text) is null or to_key = $1 \
         order by id desc limit $2"
    )
});
/// `$1` the lease's end, `$2` now, `$3` how many; PostgreSQL adds its row locks.
pub fn claim_mail_sql(lock: &str) -> String {
    format!(
        "update outbox set claimed_until = $1, attempts = attempts + 1 where id in ( \
           select id from outbox where sent_at is null and given_up_at is null and next_attempt_at <= $2 \
           and (claimed_until is null or claimed_until <= $2) order by id limit $3{lock}) \
         returning {OUTBOX_COLUMNS}"
    )
}
/// `$1` a month ago: sent and given-up mail, and links long expired, go.
pub const PURGE_MAIL: &str = "delete from outbox where sent_at <= $1 or given_up_at <= $1";
pub const PURGE_LINKS: &str = "delete from account_tokens where expires_at <= $1";

/// A link to write: its purpose, digest and lifetime, and whether it is written already
/// used (an inert e-mail change: counted, never working).
#[derive(Debug, Clone, Copy)]
pub struct LinkRow<'a> {
    pub user_id: i64,
    pub purpose: Purpose,
    pub hash: &'a TokenHash,
    /// The digest of the user's password hash when the link is made (`credential_tag`).
    pub tag: &'a str,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub new_email: Option<&'a str>,
    pub old_email: Option<&'a str>,
    pub used: bool,
}

/// The rows an issue writes: its link, and the companion (an e-mail change's undo link).
pub fn link_rows<'a>(issue: &'a LinkIssue, tag: &'a str) -> Vec<LinkRow<'a>> {
    let first = LinkRow {
        user_id: issue.user_id,
        purpose: issue.purpose,
        hash: &issue.token_hash,
        tag,
        now: issue.now,
        expires_at: issue.expires_at,
        new_email: issue.new_email.as_deref(),
        old_email: issue.old_email.as_deref(),
        used: issue.inert,
    };
    let companion = issue.companion.as_ref().map(|companion| LinkRow {
        purpose: companion.purpose,
        hash: &companion.token_hash,
        expires_at: companion.expires_at,
        ..first
    });
    std::iter::once(first).chain(companion).collect()
}

/// The row of an invitation's link: made under the user's password hash (a further row for
/// the same person carries none of its own).
pub fn invitation_row<'a>(
    user_id: i64,
    invitation: &'a Invitation,
    tag: &'a str,
    now: OffsetDateTime,
) -> LinkRow<'a> {
    LinkRow {
        user_id,
        purpose: Purpose::Invitation,
        hash: &invitation.token_hash,
        tag,
        now,
        expires_at: invitation.expires_at,
        new_email: None,
        old_email: None,
        used: false,
    }
}

/// The mail an issue queues: all of it, but an inert change's notice only while the address
/// had fewer than [`NOTICES_PER_ADDRESS_HOUR`] such notices in the last hour.
pub fn mail_of(issue: &LinkIssue, notices_to_address: i64) -> &[NewMail] {
    if issue.inert && notices_to_address >= NOTICES_PER_ADDRESS_HOUR { &[] } else { &issue.mail }
}

/// `$1` hash, `$2` user, `$3` purpose, `$4` tag, `$5` new e-mail, `$6` its key, `$7` old
/// e-mail, `$8` now, `$9` expiry, `$10` used at (or null).
pub const INSERT_LINK: &str = "insert into account_tokens (token_hash, user_id, purpose, credential_tag, \
    new_email, new_email_key, old_email, created_at, expires_at, used_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
/// `$1` now, `$2` user, `$3` purpose: a newer link voids the older unused ones.
pub const VOID_UNUSED_LINKS: &str =
    "update account_tokens set used_at = $1 where user_id = $2 and purpose = $3 and used_at is null";
/// `$1` user, `$2` purpose, `$3` an hour ago.
pub const RECENT_LINKS: &str =
    "select count(*) from account_tokens where user_id = $1 and purpose = $2 and created_at > $3";
/// `$1` the new address's key, `$2` an hour ago.
pub const RECENT_CHANGES_TO_ADDRESS: &str =
    "select count(*) from account_tokens where new_email_key = $1 and created_at > $2";
/// `$1` the user.
pub const PASSWORD_HASH: &str = "select password_hash from users where id = $1";
/// `$1` the digest, `$2` now; then the link's columns for [`link_from`].
pub const LINK_BY_HASH: &str = "select t.user_id, t.purpose, t.new_email, t.old_email, t.credential_tag, \
    u.password_hash from account_tokens t join users u on u.id = t.user_id \
    where t.token_hash = $1 and t.used_at is null and t.expires_at > $2";
/// `$1` now, `$2` the user: setting a password uses up every password link.
pub const USE_PASSWORD_LINKS: &str = "update account_tokens set used_at = $1 where user_id = $2 \
    and used_at is null and purpose in ('invitation', 'password_reset')";
/// `$1` now, `$2` the link's digest.
pub const USE_LINK: &str = "update account_tokens set used_at = $1 where token_hash = $2";
/// `$1` now, `$2` the user, `$3` the undo link's digest: undoing a change ends every
/// pending link but the undo links of earlier changes, whose addresses' owners may still
/// take the account back.
pub const END_LINKS_AFTER_UNDO: &str = "update account_tokens set used_at = $1 where user_id = $2 \
    and used_at is null \
    and not (purpose = 'email_revert' and id < (select id from account_tokens where token_hash = $3))";
/// `$1` address, `$2` key, `$3` now, `$4` the user.
pub const SET_EMAIL: &str = "update users set email = $1, email_key = $2, updated_on = $3, \
    version = version + 1 where id = $4";

/// A row of [`LINK_BY_HASH`] as the link, if it still works: a password change since it
/// was made voids it (but an undo link: `Purpose::voided_by_password_change`).
pub fn link_from(row: &impl ColumnSource) -> StoreResult<Option<Link>> {
    let Some(purpose) = Purpose::from_name(&row.required_text(1)?) else { return Ok(None) };
    let (tag, password_hash) = (row.required_text(4)?, row.required_text(5)?);
    if purpose.voided_by_password_change() && tag != credential_tag(&password_hash) {
        return Ok(None);
    }
    Ok(Some(Link { user_id: row.int(0)?, purpose, new_email: row.text(2)?, old_email: row.text(3)? }))
}
