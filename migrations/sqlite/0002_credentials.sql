-- Password policy per location, lockout counters and the audit log.

alter table locations add column policy_min_length integer not null default 10;
alter table locations add column policy_max_length integer not null default 128;
alter table locations add column policy_reject_common integer not null default 1;
alter table locations add column policy_reject_personal integer not null default 1;
alter table locations add column policy_require_digit integer not null default 0;
alter table locations add column policy_require_upper integer not null default 0;
alter table locations add column policy_require_lower integer not null default 0;
alter table locations add column policy_require_symbol integer not null default 0;

-- Failed password checks, keyed by the e-mail key (not the user) so an unknown address
-- locks exactly like a known one and the lockout cannot be used to probe for accounts.
create table password_failures (
    email_key text primary key,
    failures integer not null,
    window_started_at text not null,
    locked_until text
);

create table audit_events (
    id integer primary key,
    at text not null,
    user_id integer references users (id) on delete set null,
    email_key text,
    event text not null,
    source text,
    user_agent text,
    detail text
);

create index audit_events_user on audit_events (user_id, at);
create index audit_events_email on audit_events (email_key, at);
