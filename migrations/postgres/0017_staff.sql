-- Staff: roles per location, keys for integrations, and who did what where in the audit log
-- (docs/OPERATIONS.md, "Staff").
create table staff_roles (
    user_id bigint not null references users (id) on delete cascade,
    location_id bigint not null references locations (id) on delete cascade,
    role text not null check (role in ('admin', 'desk')),
    granted_at timestamptz not null,
    primary key (user_id, location_id)
);

-- An integration's credential (a door-access sync, a CRM): one location, one role, the
-- secret stored only as its hash.
create table staff_keys (
    id bigint generated always as identity primary key,
    name text not null unique,
    secret_hash text not null unique,
    location_id bigint not null references locations (id) on delete cascade,
    role text not null check (role in ('admin', 'desk')),
    created_at timestamptz not null,
    last_used_at timestamptz
);

alter table audit_events add column actor_id bigint references users (id) on delete set null;
alter table audit_events add column actor_key text;
alter table audit_events add column location_id bigint references locations (id) on delete set null;
create index audit_events_location on audit_events (location_id, at);
