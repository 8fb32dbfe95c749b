-- Password policy per location, lockout counters and the audit log.

alter table locations add column policy_min_length bigint not null default 10;
alter table locations add column policy_max_length bigint not null default 128;
alter table locations add column policy_reject_common boolean not null default true;
alter table locations add column policy_reject_personal boolean not null default true;
alter table locations add column policy_require_digit boolean not null default false;
alter table locations add column policy_require_upper boolean not null default false;
alter table locations add column policy_require_lower boolean not null default false;
alter table locations add column policy_require_symbol boolean not null default false;

-- Failed password checks, keyed by the e-mail key (not the user) so an unknown address
-- locks exactly like a known one and the lockout cannot be used to probe for accounts.
create table password_failures (
    email_key text primary key,
    failures bigint not null,
    window_started_at timestamptz not null,
    locked_until timestamptz
);

create table audit_events (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    user_id bigint references users (id) on delete set null,
    email_key text,
    event text not null,
    source text,
    user_agent text,
    detail text
);

create index audit_events_user on audit_events (user_id, at);
create index audit_events_email on audit_events (email_key, at);
