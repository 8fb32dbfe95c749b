-- The AI profile summary (contract section 9). A location's own setting: each column left
-- null falls back to the operator's default (PORTICO_AI_*). The key is never stored, only
-- the name of the environment variable that holds it.
alter table locations
    add column ai_provider text,
    add column ai_base_url text,
    add column ai_model text,
    add column ai_api_key_env text,
    add column ai_daily_cap bigint;

-- One row per draft admitted, for the per-member hourly limit and the per-location daily
-- cap; rows older than a day are purged.
create table ai_drafts (
    user_id bigint not null references users (id) on delete cascade,
    location_id bigint not null references locations (id) on delete cascade,
    drafted_at timestamptz not null
);
create index ai_drafts_of_user on ai_drafts (user_id, drafted_at);
create index ai_drafts_of_location on ai_drafts (location_id, drafted_at);
