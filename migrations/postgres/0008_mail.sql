-- Account lifecycle by e-mail (contract section 10).

-- Every message is written here in the transaction of the action that causes it; the
-- sender task delivers it (store/postgres/mail.rs). `claimed_until` is the lease of the node
-- sending it: a node that dies mid-send leaves it to be taken again when the lease ends.
create table outbox (
    id bigint generated always as identity primary key,
    to_address text not null,
    to_key text not null,
    subject text not null,
    text_body text not null,
    html_body text not null,
    created_at timestamptz not null,
    next_attempt_at timestamptz not null,
    attempts integer not null default 0,
    claimed_until timestamptz,
    sent_at timestamptz,
    last_error text
);
create index outbox_due on outbox (next_attempt_at) where sent_at is null;
create index outbox_to on outbox (to_key, created_at);

-- Single-use links: invitations, password resets, e-mail changes and their undo. Only the
-- SHA-256 of a token is stored. `credential_tag` is a digest of the password hash when the
-- link was made: a password change since then voids it.
create table account_tokens (
    id bigint generated always as identity primary key,
    token_hash bytea not null unique,
    user_id bigint not null references users (id) on delete cascade,
    purpose text not null,
    credential_tag text not null,
    new_email text,
    old_email text,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);
create index account_tokens_of_user on account_tokens (user_id, purpose, created_at);
