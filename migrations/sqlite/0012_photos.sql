-- Profile photos (docs/API.md, "Photos"): re-encoded JPEGs, in the database so that every
-- node serves the same ones.
create table photos (
    profile_id integer not null references profiles(id) on delete cascade,
    kind text not null check (kind in ('avatar', 'banner')),
    jpeg blob not null,
    etag text not null,
    updated_on text not null,
    primary key (profile_id, kind)
);
