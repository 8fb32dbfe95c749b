-- Two-step sign-in (docs/API.md, "Two-step sign-in"): the TOTP secret, encrypted under the
-- server's key; an enrolment not yet confirmed; the last time step used (RFC 6238 §5.2: a
-- code is good once); and the recovery codes, each as a keyed hash, each good once.
alter table users add column totp_secret text;
alter table users add column totp_pending text;
alter table users add column totp_last_step bigint;
create table recovery_codes (
    user_id bigint not null references users(id) on delete cascade,
    code_hash text not null,
    primary key (user_id, code_hash)
);
