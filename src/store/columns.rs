//! What both stores read the same way: the columns of the editing representation, in an
//! order derived from the property catalogue, and how a row of them becomes a `Profile`.
//! Each store reads the columns of a row by position through [`ColumnSource`].

use std::sync::LazyLock;

use time::{Date, OffsetDateTime};

use super::{DirectoryProfile, Session, SessionSummary, StoreResult};
use crate::domain::ai::{AiSetting, Provider};
use crate::domain::audit::AuditRecord;
use crate::domain::catalogue::{Field, FieldValue, Kind, Values};
use crate::domain::directory::SearchedProfile;
use crate::domain::history::{self, HistoryEntry};
use crate::domain::markdown::RenderedBio;
use crate::domain::password::{MAX_SCORE, PasswordPolicy};
use crate::domain::profile::{Location, Profile, ProfileSummary, Version};

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

/// The columns before the catalogue's: `p.id, p.unique_id, p.user_id, p.location_id, u.email,
/// p.coworker_type`.
const LEADING: usize = 6;
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
            "u.email".into(),
            "p.coworker_type".into(),
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
        email: row.required_text(4)?,
        coworker_type: row.int(5)?,
        values,
        created_on: row.time(after)?,
        updated_on: profile_updated.max(user_updated),
        version: Version { profile: row.int(after + 3)?, user: row.int(after + 4)? },
    })
}

/// A row of [`profile_columns`] followed by `p.profile_summary_html, p.profile_summary_render`.
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
    ai_api_key_env, ai_daily_cap";

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
        },
        ai: AiSetting {
            provider: row.text(13)?.as_deref().and_then(Provider::from_name),
            base_url: row.text(14)?,
            model: row.text(15)?,
            api_key_env: row.text(16)?,
            daily_cap: row.optional_int(17)?.map(|cap| u32::try_from(cap).unwrap_or(u32::MAX)),
        },
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

/// `select at, event, user_id, source, user_agent, detail from audit_events`.
pub fn audit_record_from(row: &impl ColumnSource) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        at: row.time(0)?,
        event: row.required_text(1)?,
        user_id: row.optional_int(2)?,
        source: row.text(3)?,
        user_agent: row.text(4)?,
        detail: row.text(5)?,
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

#[cfg(test)]
mod tests {
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
