-- Hardening: lockout counters keyed by a digest and counted before any hashing, password
-- strength per location, refresh-token families with an absolute session lifetime.

-- The counters are transient (15 minutes); the old ones were keyed by the address as
-- typed, which may have been a password typed into the user-name field.
drop table password_failures;
create table password_failures (
    -- email_digest(email_key): the same for members and unknown addresses.
    key text primary key,
    -- Checks admitted in this window that have not succeeded.
    attempts integer not null,
    window_started_at text not null,
    locked_until text
);

-- Audit events of addresses that belong to no member kept what was typed; from now on
-- they keep a digest. Past ones cannot be digested in SQL, so their address is dropped.
update audit_events set email_key = null where user_id is null;

alter table locations add column policy_min_score integer not null default 3;

-- The absolute end of a session: rotation never moves it.
alter table sessions add column expires_at text not null default '9999-12-31T23:59:59Z';
update sessions set expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+90 days');

-- Every refresh token a session has rotated away: presenting one again ends the session.
create table retired_refresh_tokens (
    hash blob primary key,
    session_id integer not null references sessions (id) on delete cascade
);
create index retired_refresh_tokens_session on retired_refresh_tokens (session_id);
insert into retired_refresh_tokens (hash, session_id)
    select previous_refresh_hash, id from sessions where previous_refresh_hash is not null;
drop index sessions_previous_refresh;
alter table sessions drop column previous_refresh_hash;
