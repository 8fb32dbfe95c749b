-- Hardening: lockout counters keyed by a digest and counted before any hashing, password
-- strength per location, refresh-token families with an absolute session lifetime.

-- The counters are transient (15 minutes); the old ones were keyed by the address as
-- typed, which may have been a password typed into the user-name field.
drop table password_failures;
create table password_failures (
    -- email_digest(email_key): the same for members and unknown addresses.
    key text primary key,
    -- Checks admitted in this window that have not succeeded.
    attempts bigint not null,
    window_started_at timestamptz not null,
    locked_until timestamptz
);

-- Audit events of addresses that belong to no member kept what was typed; from now on
-- they keep a digest (the same one Portico computes).
update audit_events set email_key = 'sha256:' || encode(sha256(convert_to(email_key, 'UTF8')), 'hex')
    where user_id is null and email_key is not null;

alter table locations add column policy_min_score bigint not null default 3;

-- The absolute end of a session: rotation never moves it.
alter table sessions add column expires_at timestamptz;
update sessions set expires_at = created_at + interval '90 days';
alter table sessions alter column expires_at set not null;

-- Every refresh token a session has rotated away: presenting one again ends the session.
create table retired_refresh_tokens (
    hash bytea primary key,
    session_id bigint not null references sessions (id) on delete cascade
);
create index retired_refresh_tokens_session on retired_refresh_tokens (session_id);
insert into retired_refresh_tokens (hash, session_id)
    select previous_refresh_hash, id from sessions where previous_refresh_hash is not null;
drop index sessions_previous_refresh;
alter table sessions drop column previous_refresh_hash;
