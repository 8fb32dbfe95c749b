-- Portico schema, SQLite dialect. Times are RFC 3339 UTC text with whole seconds, so
-- they compare correctly as text. Keep in step with migrations/postgres.

create table locations (
    id integer primary key,
    name text not null unique,
    web_address text not null unique,
    country_id integer not null,
    created_on text not null
);

create table users (
    id integer primary key,
    email text not null,
    -- Unicode-lowercased e-mail: the sign-in key.
    email_key text not null unique,
    password_hash text not null,
    full_name text not null,
    active integer not null default 1,
    default_profile_id integer,
    on_help_desk_msg integer not null default 1,
    on_new_wall_post integer not null default 1,
    on_new_blog_comment integer not null default 1,
    on_new_event_comment integer not null default 1,
    receive_community_digest integer not null default 1,
    sign_up_to_newsletter integer not null default 0,
    version integer not null default 1,
    created_on text not null,
    updated_on text not null
);

create table profiles (
    id integer primary key,
    unique_id text not null unique,
    user_id integer not null references users (id) on delete cascade,
    location_id integer not null references locations (id),
    coworker_type integer not null default 1,
    active integer not null default 1,
    full_name text not null,
    nick_name text,
    gender text not null default 'NotSet',
    date_of_birth text,
    mobile_phone text,
    land_line text,
    address text not null default '',
    post_code text not null default '',
    city_name text not null default '',
    state text not null default '',
    country_id integer not null,
    billing_name text not null,
    billing_email text not null,
    billing_address text,
    billing_post_code text,
    billing_city_name text,
    billing_state text,
    billing_country_id integer not null,
    tax_id_number text not null default '',
    position text,
    company_name text not null default '',
    business_area text,
    profile_summary text,
    profile_website text,
    profile_is_public integer not null default 0,
    profile_tags text,
    twitter text,
    linkedin text,
    github text,
    instagram text,
    facebook text,
    skype text,
    telegram text,
    version integer not null default 1,
    created_on text not null,
    updated_on text not null,
    unique (user_id, location_id)
);

create index profiles_location on profiles (location_id);

create table sessions (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    profile_id integer not null references profiles (id) on delete cascade,
    access_hash blob not null unique,
    refresh_hash blob not null unique,
    -- The refresh token this one replaced: presenting it again revokes the session.
    previous_refresh_hash blob,
    access_expires_at text not null,
    refresh_expires_at text not null,
    created_at text not null,
    refreshed_at text,
    source text,
    user_agent text
);

create index sessions_user on sessions (user_id);
create index sessions_previous_refresh on sessions (previous_refresh_hash);
