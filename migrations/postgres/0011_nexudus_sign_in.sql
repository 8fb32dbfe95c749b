-- Nexudus clients sign in unchanged (docs/API.md, "Nexudus clients").

-- The user's own public id (`UniqueId` of `/en/user/me`); new users get one from Portico.
alter table users add column unique_id text;
update users set unique_id = gen_random_uuid()::text;
-- An operator asked the member to choose a new password at the next sign-in.
alter table users add column must_reset_password boolean not null default false;

-- Which client a session belongs to (Nexudus's `client_id`, the e-mail key when none was
-- sent, `basic` for credentials sent with each request): one refresh token per client.
alter table sessions add column client_id text;
create index sessions_client on sessions (user_id, client_id);
