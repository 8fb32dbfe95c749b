//! Row types shared by both backends: each decodes from SQLite and PostgreSQL alike.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::domain::audit::AuditRecord;
use crate::domain::lockout::FailureState;
use crate::domain::password::PasswordPolicy;
use crate::domain::profile::{
    Gender, Location, NotificationPreferences, Profile, ProfileSummary, User, Version,
};

/// Declares a row type once: sqlx decodes it by column name (both backends), and rusqlite
/// (the SQLite backend's inline reads) by position, which is why the fields follow the
/// order of the SELECT (checked by `field_names` in the tests).
macro_rules! row {
    ($(#[$meta:meta])* $name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(sqlx::FromRow)]
        pub struct $name {
            $(pub $field: $ty,)*
        }

        impl $name {
            /// How many columns the row reads.
            pub const COLUMNS: usize = [$(stringify!($field)),*].len();

            pub fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                let mut index = 0..;
                Ok($name { $($field: Column::read(row, index.next().unwrap_or_default())?,)* })
            }

            #[cfg(test)]
            pub fn field_names() -> Vec<&'static str> {
                vec![$(stringify!($field)),*]
            }
        }
    };
}

/// Reads one column of a rusqlite row in the form sqlx wrote it.
pub trait Column: Sized {
    fn read(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self>;
}

macro_rules! plain_columns {
    ($($ty:ty),*) => {
        $(impl Column for $ty {
            fn read(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
                row.get(index)
            }
        })*
    };
}

plain_columns!(i64, bool, String, Option<String>);

impl Column for OffsetDateTime {
    fn read(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        let text: rusqlite::types::ValueRef<'_> = row.get_ref(index)?;
        let text = text.as_str()?;
        OffsetDateTime::parse(text, &Rfc3339).map_err(|e| conversion_error(index, e))
    }
}

impl Column for Option<Date> {
    fn read(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Self> {
        let text = row.get_ref(index)?.as_str_or_null()?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        text.map(|t| Date::parse(t, format).map_err(|e| conversion_error(index, e))).transpose()
    }
}

fn conversion_error(index: usize, error: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(error))
}

row!(ProfileRow {
    id: i64,
    unique_id: String,
    user_id: i64,
    location_id: i64,
    email: String,
    coworker_type: i64,
    full_name: String,
    nick_name: Option<String>,
    gender: String,
    date_of_birth: Option<Date>,
    mobile_phone: Option<String>,
    land_line: Option<String>,
    address: String,
    post_code: String,
    city_name: String,
    state: String,
    country_id: i64,
    billing_name: String,
    billing_email: String,
    billing_address: Option<String>,
    billing_post_code: Option<String>,
    billing_city_name: Option<String>,
    billing_state: Option<String>,
    billing_country_id: i64,
    tax_id_number: String,
    position: Option<String>,
    company_name: String,
    business_area: Option<String>,
    profile_summary: Option<String>,
    profile_website: Option<String>,
    profile_is_public: bool,
    profile_tags: Option<String>,
    twitter: Option<String>,
    linkedin: Option<String>,
    github: Option<String>,
    instagram: Option<String>,
    facebook: Option<String>,
    skype: Option<String>,
    telegram: Option<String>,
    on_help_desk_msg: bool,
    on_new_wall_post: bool,
    on_new_blog_comment: bool,
    on_new_event_comment: bool,
    receive_community_digest: bool,
    sign_up_to_newsletter: bool,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
    version: i64,
    user_version: i64,
});

/// The two columns `PROFILE_BY_ACCESS` adds after the profile's, and the session they make.
pub fn session_of(
    profile: &Profile,
    session_id: i64,
    access_expires_at: OffsetDateTime,
) -> crate::store::Session {
    crate::store::Session {
        id: session_id,
        user_id: profile.user_id,
        profile_id: profile.id,
        access_expires_at,
    }
}

/// Reads a `PROFILE_BY_ACCESS` row with rusqlite: the profile by position, then the session.
pub fn session_profile_from_rusqlite(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(crate::store::Session, Profile)> {
    let profile = Profile::from(ProfileRow::from_rusqlite(row)?);
    let first = ProfileRow::COLUMNS;
    let session = session_of(&profile, Column::read(row, first)?, Column::read(row, first + 1)?);
    Ok((session, profile))
}

impl From<ProfileRow> for Profile {
    fn from(r: ProfileRow) -> Self {
        Profile {
            id: r.id,
            unique_id: r.unique_id,
            user_id: r.user_id,
            location_id: r.location_id,
            email: r.email,
            coworker_type: r.coworker_type,
            full_name: r.full_name,
            nick_name: r.nick_name,
            gender: Gender::parse(&r.gender).unwrap_or(Gender::NotSet),
            date_of_birth: r.date_of_birth,
            mobile_phone: r.mobile_phone,
            land_line: r.land_line,
            address: r.address,
            post_code: r.post_code,
            city_name: r.city_name,
            state: r.state,
            country_id: r.country_id,
            billing_name: r.billing_name,
            billing_email: r.billing_email,
            billing_address: r.billing_address,
            billing_post_code: r.billing_post_code,
            billing_city_name: r.billing_city_name,
            billing_state: r.billing_state,
            billing_country_id: r.billing_country_id,
            tax_id_number: r.tax_id_number,
            position: r.position,
            company_name: r.company_name,
            business_area: r.business_area,
            profile_summary: r.profile_summary,
            profile_website: r.profile_website,
            profile_is_public: r.profile_is_public,
            profile_tags: r.profile_tags,
            twitter: r.twitter,
            linkedin: r.linkedin,
            github: r.github,
            instagram: r.instagram,
            facebook: r.facebook,
            skype: r.skype,
            telegram: r.telegram,
            notifications: NotificationPreferences {
                on_help_desk_msg: r.on_help_desk_msg,
                on_new_wall_post: r.on_new_wall_post,
                on_new_blog_comment: r.on_new_blog_comment,
                on_new_event_comment: r.on_new_event_comment,
                receive_community_digest: r.receive_community_digest,
                sign_up_to_newsletter: r.sign_up_to_newsletter,
            },
            created_on: r.created_on,
            updated_on: r.updated_on,
            version: Version { profile: r.version, user: r.user_version },
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: i64,
    email: String,
    full_name: String,
    active: bool,
    on_help_desk_msg: bool,
    on_new_wall_post: bool,
    on_new_blog_comment: bool,
    on_new_event_comment: bool,
    receive_community_digest: bool,
    sign_up_to_newsletter: bool,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            full_name: r.full_name,
            active: r.active,
            notifications: NotificationPreferences {
                on_help_desk_msg: r.on_help_desk_msg,
                on_new_wall_post: r.on_new_wall_post,
                on_new_blog_comment: r.on_new_blog_comment,
                on_new_event_comment: r.on_new_event_comment,
                receive_community_digest: r.receive_community_digest,
                sign_up_to_newsletter: r.sign_up_to_newsletter,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct LocationRow {
    id: i64,
    name: String,
    web_address: String,
    country_id: i64,
    policy_min_length: i64,
    policy_max_length: i64,
    policy_reject_common: bool,
    policy_reject_personal: bool,
    policy_require_digit: bool,
    policy_require_upper: bool,
    policy_require_lower: bool,
    policy_require_symbol: bool,
    policy_min_score: i64,
}

impl From<LocationRow> for Location {
    fn from(r: LocationRow) -> Self {
        Location {
            id: r.id,
            name: r.name,
            web_address: r.web_address,
            country_id: r.country_id,
            policy: PasswordPolicy {
                min_length: u32::try_from(r.policy_min_length).unwrap_or(u32::MAX),
                max_length: u32::try_from(r.policy_max_length).unwrap_or(u32::MAX),
                reject_common: r.policy_reject_common,
                reject_personal: r.policy_reject_personal,
                require_digit: r.policy_require_digit,
                require_upper: r.policy_require_upper,
                require_lower: r.policy_require_lower,
                require_symbol: r.policy_require_symbol,
                min_score: u8::try_from(r.policy_min_score).unwrap_or(crate::domain::password::MAX_SCORE),
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct ProfileSummaryRow {
    id: i64,
    full_name: String,
    company_name: String,
    active: bool,
    coworker_type: i64,
    location_id: i64,
    location_name: String,
}

impl From<ProfileSummaryRow> for ProfileSummary {
    fn from(r: ProfileSummaryRow) -> Self {
        ProfileSummary {
            id: r.id,
            full_name: r.full_name,
            company_name: r.company_name,
            active: r.active,
            coworker_type: r.coworker_type,
            location_id: r.location_id,
            location_name: r.location_name,
        }
    }
}

row!(SessionRow { id: i64, user_id: i64, profile_id: i64, access_expires_at: OffsetDateTime });

impl From<SessionRow> for crate::store::Session {
    fn from(r: SessionRow) -> Self {
        crate::store::Session {
            id: r.id,
            user_id: r.user_id,
            profile_id: r.profile_id,
            access_expires_at: r.access_expires_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub password_hash: String,
    pub active: bool,
    pub default_profile_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub struct FailureRow {
    attempts: i64,
    window_started_at: OffsetDateTime,
    locked_until: Option<OffsetDateTime>,
}

impl From<FailureRow> for FailureState {
    fn from(r: FailureRow) -> Self {
        FailureState {
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            window_started_at: r.window_started_at,
            locked_until: r.locked_until,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    at: OffsetDateTime,
    event: String,
    user_id: Option<i64>,
    source: Option<String>,
    user_agent: Option<String>,
    detail: Option<String>,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            at: r.at,
            event: r.event,
            user_id: r.user_id,
            source: r.source,
            user_agent: r.user_agent,
            detail: r.detail,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct SessionSummaryRow {
    id: i64,
    profile_id: i64,
    created_at: OffsetDateTime,
    refreshed_at: Option<OffsetDateTime>,
    access_expires_at: OffsetDateTime,
    refresh_expires_at: OffsetDateTime,
    source: Option<String>,
    user_agent: Option<String>,
}

impl From<SessionSummaryRow> for crate::store::SessionSummary {
    fn from(r: SessionSummaryRow) -> Self {
        crate::store::SessionSummary {
            id: r.id,
            profile_id: r.profile_id,
            created_at: r.created_at,
            refreshed_at: r.refreshed_at,
            access_expires_at: r.access_expires_at,
            refresh_expires_at: r.refresh_expires_at,
            source: r.source,
            user_agent: r.user_agent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_names(sql: &str) -> Vec<String> {
        let connection = rusqlite::Connection::open_in_memory().expect("memory database");
        let schema = include_str!("../../migrations/sqlite/0001_init.sql");
        connection.execute_batch(schema).expect("schema");
        let statement = connection.prepare(sql).expect("statement");
        statement.column_names().into_iter().map(str::to_string).collect()
    }

    #[test]
    fn rows_read_by_position_follow_their_select() {
        assert_eq!(column_names(crate::store::sql::PROFILE_BY_ID), ProfileRow::field_names());
        assert_eq!(column_names(crate::store::sql::SESSION_BY_ACCESS), SessionRow::field_names());
        let mut with_session = ProfileRow::field_names();
        with_session.extend(["session_id", "access_expires_at"]);
        assert_eq!(column_names(crate::store::sql::PROFILE_BY_ACCESS), with_session);
    }
}
