-- Profile photos (docs/API.md, "Photos"): re-encoded JPEGs, in the database so that every
-- node serves the same ones.
create table photos (
    profile_id bigint not null references profiles(id) on delete cascade,
    kind text not null check (kind in ('avatar', 'banner')),
    jpeg bytea not null,
    etag text not null,
    updated_on timestamptz not null,
    primary key (profile_id, kind)
);
