-- Portico schema, PostgreSQL dialect. Keep in step with migrations/sqlite.

create table locations (
    id bigint generated always as identity primary key,
    name text not null unique,
    web_address text not null unique,
    country_id bigint not null,
    created_on timestamptz not null
);

create table users (
    id bigint generated always as identity primary key,
    email text not null,
    -- Unicode-lowercased e-mail: the sign-in key.
    email_key text not null unique,
    password_hash text not null,
    full_name text not null,
    active boolean not null default true,
    default_profile_id bigint,
    on_help_desk_msg boolean not null default true,
    on_new_wall_post boolean not null default true,
    on_new_blog_comment boolean not null default true,
    on_new_event_comment boolean not null default true,
    receive_community_digest boolean not null default true,
    sign_up_to_newsletter boolean not null default false,
    version bigint not null default 1,
    created_on timestamptz not null,
    updated_on timestamptz not null
);

create table profiles (
    id bigint generated always as identity primary key,
    unique_id text not null unique,
    user_id bigint not null references users (id) on delete cascade,
    location_id bigint not null references locations (id),
    coworker_type bigint not null default 1,
    active boolean not null default true,
    full_name text not null,
    nick_name text,
    gender text not null default 'NotSet',
    date_of_birth date,
    mobile_phone text,
    land_line text,
    address text not null default '',
    post_code text not null default '',
    city_name text not null default '',
    state text not null default '',
    country_id bigint not null,
    billing_name text not null,
    billing_email text not null,
    billing_address text,
    billing_post_code text,
    billing_city_name text,
    billing_state text,
    billing_country_id bigint not null,
    tax_id_number text not null default '',
    position text,
    company_name text not null default '',
    business_area text,
    profile_summary text,
    profile_website text,
    profile_is_public boolean not null default false,
    profile_tags text,
    twitter text,
    linkedin text,
    github text,
    instagram text,
    facebook text,
    skype text,
    telegram text,
    version bigint not null default 1,
    created_on timestamptz not null,
    updated_on timestamptz not null,
    unique (user_id, location_id)
);

create index profiles_location on profiles (location_id);

create table sessions (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    profile_id bigint not null references profiles (id) on delete cascade,
    access_hash bytea not null unique,
    refresh_hash bytea not null unique,
    -- The refresh token this one replaced: presenting it again revokes the session.
    previous_refresh_hash bytea,
    access_expires_at timestamptz not null,
    refresh_expires_at timestamptz not null,
    created_at timestamptz not null,
    refreshed_at timestamptz,
    source text,
    user_agent text
);

create index sessions_user on sessions (user_id);
create index sessions_previous_refresh on sessions (previous_refresh_hash);
