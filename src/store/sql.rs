//! SQL shared by both backends: the allow-list between profile properties and columns
//! (only names from here are ever pushed into SQL text; values are always bound) and the
//! statements that read the same in both dialects (`$n` parameters work in SQLite too).

use crate::domain::patch::Field;

/// The SQL type of a nullable column, so a NULL can be bound with the right type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullAs {
    Text,
    Date,
}

pub fn column(field: Field) -> &'static str {
    use Field::*;
    match field {
        FullName => "full_name",
        NickName => "nick_name",
        Gender => "gender",
        DateOfBirth => "date_of_birth",
        MobilePhone => "mobile_phone",
        LandLine => "land_line",
        Address => "address",
        PostCode => "post_code",
        CityName => "city_name",
        State => "state",
        CountryId => "country_id",
        BillingName => "billing_name",
        BillingEmail => "billing_email",
        BillingAddress => "billing_address",
        BillingPostCode => "billing_post_code",
        BillingCityName => "billing_city_name",
        BillingState => "billing_state",
        BillingCountryId => "billing_country_id",
        TaxIdNumber => "tax_id_number",
        Position => "position",
        CompanyName => "company_name",
        BusinessArea => "business_area",
        ProfileSummary => "profile_summary",
        ProfileWebsite => "profile_website",
        ProfileIsPublic => "profile_is_public",
        ProfileTags => "profile_tags",
        Twitter => "twitter",
        Linkedin => "linkedin",
        Github => "github",
        Instagram => "instagram",
        Facebook => "facebook",
        Skype => "skype",
        Telegram => "telegram",
        OnHelpDeskMsg => "on_help_desk_msg",
        OnNewWallPost => "on_new_wall_post",
        OnNewBlogComment => "on_new_blog_comment",
        OnNewEventComment => "on_new_event_comment",
        ReceiveCommunityDigest => "receive_community_digest",
        SignUpToNewsletter => "sign_up_to_newsletter",
    }
}

pub fn null_as(field: Field) -> NullAs {
    if field == Field::DateOfBirth { NullAs::Date } else { NullAs::Text }
}

/// Everything the editing representation shows, for `from profiles p join users u`.
macro_rules! profile_columns {
    () => {
        "p.id, p.unique_id, p.user_id, p.location_id, u.email, \
        p.coworker_type, p.full_name, p.nick_name, p.gender, p.date_of_birth, p.mobile_phone, \
        p.land_line, p.address, p.post_code, p.city_name, p.state, p.country_id, p.billing_name, \
        p.billing_email, p.billing_address, p.billing_post_code, p.billing_city_name, \
        p.billing_state, p.billing_country_id, p.tax_id_number, p.position, p.company_name, \
        p.business_area, p.profile_summary, p.profile_website, p.profile_is_public, p.profile_tags, \
        p.twitter, p.linkedin, p.github, p.instagram, p.facebook, p.skype, p.telegram, \
        u.on_help_desk_msg, u.on_new_wall_post, u.on_new_blog_comment, u.on_new_event_comment, \
        u.receive_community_digest, u.sign_up_to_newsletter, p.created_on, p.updated_on, \
        p.version, u.version as user_version"
    };
}

/// A read that a write transaction may need to lock, in its plain and locking forms.
macro_rules! lockable {
    ($plain:ident, $locking:ident, $text:literal) => {
        pub const $plain: &str = $text;
        pub const $locking: &str = concat!($text, " for update");
    };
}

pub const PROFILE_BY_ID: &str = concat!(
    "select ",
    profile_columns!(),
    " from profiles p join users u on u.id = p.user_id where p.id = $1"
);
/// The session of an access token with its current profile, in one statement: what every
/// profile read needs. The session's columns follow the profile's.
pub const PROFILE_BY_ACCESS: &str = concat!(
    "select ",
    profile_columns!(),
    ", s.id as session_id, s.access_expires_at from sessions s \
    join profiles p on p.id = s.profile_id join users u on u.id = p.user_id \
    where s.access_hash = $1 and s.access_expires_at > $2"
);

macro_rules! location_select {
    () => {
        "select id, name, web_address, country_id, policy_min_length, policy_max_length, \
        policy_reject_common, policy_reject_personal, policy_require_digit, policy_require_upper, \
        policy_require_lower, policy_require_symbol, policy_min_score from locations"
    };
}

pub const LOCATIONS_BY_ID: &str = concat!(location_select!(), " order by id");
pub const LOCATION_BY_ID: &str = concat!(location_select!(), " where id = $1");
pub const SET_LOCATION_POLICY: &str = "update locations set policy_min_length = $1, policy_max_length = $2, \
    policy_reject_common = $3, policy_reject_personal = $4, policy_require_digit = $5, \
    policy_require_upper = $6, policy_require_lower = $7, policy_require_symbol = $8, policy_min_score = $9 \
    where id = $10";
pub const INSERT_LOCATION: &str = "insert into locations (name, web_address, country_id, created_on) \
    values ($1, $2, $3, $4) returning id";
pub const USER_BY_ID: &str = "select id, email, full_name, active, on_help_desk_msg, on_new_wall_post, \
    on_new_blog_comment, on_new_event_comment, receive_community_digest, sign_up_to_newsletter \
    from users where id = $1";
pub const HAS_USERS: &str = "select exists (select 1 from users)";
pub const LOGIN_BY_EMAIL_KEY: &str =
    "select id, password_hash, active, default_profile_id from users where email_key = $1";
pub const USER_ID_BY_EMAIL_KEY: &str = "select id from users where email_key = $1";
pub const INSERT_USER: &str = "insert into users (email, email_key, password_hash, full_name, created_on, updated_on) \
    values ($1, $2, $3, $4, $5, $5) returning id";
/// A new profile takes its countries from the location and its billing details from the user.
pub const INSERT_PROFILE: &str = "insert into profiles (unique_id, user_id, location_id, full_name, \
    country_id, billing_name, billing_email, billing_country_id, created_on, updated_on) \
    select $1, $2, l.id, $3, l.country_id, $3, $4, l.country_id, $5, $5 from locations l where l.id = $6 \
    returning id";
pub const SET_DEFAULT_PROFILE_IF_NONE: &str =
    "update users set default_profile_id = coalesce(default_profile_id, $1) where id = $2";
pub const PROFILE_OF_USER: &str = "select id from profiles where id = $1 and user_id = $2";
pub const PROFILE_SUMMARIES: &str = "select p.id, p.full_name, p.company_name, p.active, \
    p.coworker_type, l.id as location_id, l.name as location_name \
    from profiles p join locations l on l.id = p.location_id \
    where p.user_id = $1 order by p.id";
lockable!(
    VERSIONS,
    VERSIONS_FOR_UPDATE,
    "select p.version, u.version from profiles p join users u on u.id = p.user_id \
    where p.id = $1 and u.id = $2"
);
pub const SET_SESSION_PROFILE: &str = "update sessions set profile_id = $1 where id = $2";
pub const SET_DEFAULT_PROFILE: &str = "update users set default_profile_id = $1 where id = $2";
pub const INSERT_SESSION: &str = "insert into sessions (user_id, profile_id, access_hash, refresh_hash, \
    access_expires_at, refresh_expires_at, created_at, source, user_agent, expires_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id";
pub const SESSION_BY_ACCESS: &str = "select id, user_id, profile_id, access_expires_at \
    from sessions where access_hash = $1 and access_expires_at > $2";
lockable!(
    SESSION_BY_REFRESH,
    SESSION_BY_REFRESH_FOR_UPDATE,
    "select id, refresh_expires_at, expires_at from sessions where refresh_hash = $1"
);
lockable!(SESSION_EXISTS, SESSION_EXISTS_FOR_UPDATE, "select id from sessions where id = $1");
pub const SESSION_OF_RETIRED_REFRESH: &str = "select s.id, s.user_id from retired_refresh_tokens r \
    join sessions s on s.id = r.session_id where r.hash = $1";
pub const TOKEN_OWNER: &str = "select id, user_id from sessions where access_hash = $1 or refresh_hash = $1 \
    union all select s.id, s.user_id from retired_refresh_tokens r join sessions s on s.id = r.session_id \
    where r.hash = $1";
/// Moves a session's current refresh token into its family's history.
pub const RETIRE_REFRESH: &str = "insert into retired_refresh_tokens (hash, session_id) select refresh_hash, id from sessions where id = $1";
pub const SET_REFRESH: &str = "update sessions set refresh_hash = $1 where id = $2";
pub const ROTATE_SESSION: &str = "update sessions set access_hash = $1, refresh_hash = $2, \
    access_expires_at = $3, refresh_expires_at = $4, refreshed_at = $5 \
    where id = $6 returning id, user_id, profile_id, access_expires_at";
pub const DELETE_SESSION: &str = "delete from sessions where id = $1";
lockable!(PASSWORD_HASH, PASSWORD_HASH_FOR_UPDATE, "select password_hash from users where id = $1");
pub const SET_PASSWORD_HASH: &str = "update users set password_hash = $1 where id = $2";
pub const UPGRADE_PASSWORD_HASH: &str =
    "update users set password_hash = $1 where id = $2 and password_hash = $3";
pub const DELETE_OTHER_SESSIONS: &str = "delete from sessions where user_id = $1 and id <> $2";
pub const DELETE_USER_SESSIONS: &str = "delete from sessions where user_id = $1";
pub const SESSIONS_OF_USER: &str = "select id, profile_id, created_at, refreshed_at, access_expires_at, \
    refresh_expires_at, source, user_agent from sessions where user_id = $1 and refresh_expires_at > $2 \
    order by created_at, id";
lockable!(
    FAILURES,
    FAILURES_FOR_UPDATE,
    "select attempts, window_started_at, locked_until from password_failures where key = $1"
);
pub const UPSERT_FAILURES: &str = "insert into password_failures (key, attempts, window_started_at, locked_until) \
    values ($1, $2, $3, $4) on conflict (key) do update set attempts = excluded.attempts, \
    window_started_at = excluded.window_started_at, locked_until = excluded.locked_until";
/// A row to lock, so two first attempts for one account queue on it instead of racing.
pub const ENSURE_FAILURE_ROW: &str = "insert into password_failures (key, attempts, window_started_at) \
    values ($1, 0, $2) on conflict (key) do nothing";
pub const CLEAR_FAILURES: &str = "delete from password_failures where key = $1";
pub const INSERT_AUDIT: &str = "insert into audit_events (at, user_id, email_key, event, source, user_agent, detail) \
    values ($1, $2, $3, $4, $5, $6, $7)";
/// Everything about an address: events under its key or its digest (`$2`), and its user's.
pub const AUDIT_OF_EMAIL_KEY: &str = "select at, event, user_id, source, user_agent, detail from audit_events \
    where email_key = $1 or email_key = $2 or user_id = (select id from users where email_key = $1) \
    order by at, id";
pub const DELETE_EXPIRED_SESSIONS: &str = "delete from sessions where refresh_expires_at <= $1";
pub const DELETE_STALE_FAILURES: &str = "delete from password_failures where window_started_at <= $1 \
    and (locked_until is null or locked_until <= $2)";
