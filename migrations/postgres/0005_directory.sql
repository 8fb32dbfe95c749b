-- The member directory (contract section 7). The full-text vector is a generated column,
-- so every write keeps it current in its own transaction; `directory_index` is rewritten by
-- the store in the transaction of every write that changes tags, the name or visibility
-- (store/postgres/directory.rs), and filled here for the profiles already public.

-- Weights: the name (A) over company and position (B) over tags and business area (C)
-- over the bio (D). 'simple': no stemming and no stop words, the same for every language.
alter table profiles add column directory_search tsvector generated always as (
    setweight(to_tsvector('simple', full_name), 'A')
    || setweight(to_tsvector('simple', coalesce(company_name, '') || ' ' || coalesce(position, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(profile_tags, '') || ' ' || coalesce(business_area, '')), 'C')
    || setweight(to_tsvector('simple', coalesce(profile_summary, '')), 'D')
) stored;
create index profiles_directory_search on profiles using gin (directory_search) where profile_is_public;

-- One row per public profile with tag '' (the whole directory) and one per tag, normalised
-- (domain::directory::tag_key): a listing, filtered by a tag or not, is one index range in
-- name order.
create table directory_index (
    location_id bigint not null,
    tag text not null,
    name_key text not null,
    profile_id bigint not null references profiles (id) on delete cascade,
    primary key (location_id, tag, name_key, profile_id)
);
create index directory_index_of_profile on directory_index (profile_id, tag);

insert into directory_index (location_id, tag, name_key, profile_id)
select location_id, '', lower(normalize(btrim(full_name), NFC)), id from profiles where profile_is_public;
insert into directory_index (location_id, tag, name_key, profile_id)
select distinct p.location_id, lower(normalize(btrim(tag), NFC)), lower(normalize(btrim(p.full_name), NFC)), p.id
from profiles p, unnest(string_to_array(p.profile_tags, ',')) as tag
where p.profile_is_public and btrim(tag) <> '';
