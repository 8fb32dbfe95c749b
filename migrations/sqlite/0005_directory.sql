-- The member directory (contract section 7). Only public profiles are indexed. The store
-- rewrites a profile's entries in the transaction of every write that changes what the
-- directory shows or finds (store/sqlite/directory.rs); the migration's hook fills them for
-- the profiles already public.

-- Contentless: the text stays in `profiles`; rowid is the profile's id.
create virtual table directory_search using fts5 (
    full_name, company_name, position, business_area, profile_tags, profile_summary,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

-- One row per public profile with tag '' (the whole directory) and one per tag, normalised
-- (domain::directory::tag_key): a listing, filtered by a tag or not, is one index range in
-- name order.
create table directory_index (
    location_id integer not null,
    tag text not null,
    name_key text not null,
    profile_id integer not null references profiles (id) on delete cascade,
    primary key (location_id, tag, name_key, profile_id)
) without rowid;
create index directory_index_of_profile on directory_index (profile_id, tag);
