-- The change history: one entry per applied PATCH that changed something, written in the
-- PATCH's own transaction. `changes` is a JSON object: {"Property": [old, new], ...}, and a
-- secret only as {"Password": "changed"}.
create table profile_history (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    profile_id bigint not null references profiles (id) on delete cascade,
    -- No foreign key: sessions are purged long before their history is.
    session_id bigint,
    changed_at timestamptz not null,
    address text,
    request_id text,
    changes jsonb not null
);
create index profile_history_of_user on profile_history (user_id, changed_at desc, id desc);
-- Entries arrive in time order: a BRIN index finds the old ones for the retention purge at a
-- fraction of a B-tree's cost on every insert.
create index profile_history_by_age on profile_history using brin (changed_at);
