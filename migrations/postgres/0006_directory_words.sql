-- The directory's search index becomes a word table: one row per distinct word of a public
-- profile's searched properties, with the weight of the best property that has it
-- (domain::directory::WEIGHTS) and the name ranking sorts by. A search reads the first
-- rows of one word's range in the primary key, index-only, so its cost does not grow with
-- the membership, where the GIN index it replaces handed back every matching row and then
-- read each from the table (docs/BENCHMARKS.md, "directory at scale").
alter table profiles drop column directory_search;

create table directory_words (
    location_id bigint not null,
    word text not null,
    profile_id bigint not null references profiles (id) on delete cascade,
    weight smallint not null,
    name_key text not null,
    primary key (location_id, word, profile_id) include (weight, name_key)
);
create index directory_words_of_profile on directory_words (profile_id);

-- Steps the store finishes in Rust after the migrations, once (store/postgres/mod.rs): the
-- words are cut by the same code that cuts the words of a search.
create table store_upgrades (step text primary key);
insert into store_upgrades (step) values ('directory_words');
