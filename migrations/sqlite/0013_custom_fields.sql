-- Custom fields (docs/API.md, "Custom fields"): a location defines up to thirty questions of
-- its own; the answers are the Nexudus slots Custom1 … Custom30 of the profile.
create table custom_fields (
    location_id integer not null references locations(id) on delete cascade,
    slot integer not null check (slot between 1 and 30),
    label text not null,
    kind text not null check (kind in ('text', 'long-text', 'number', 'yes-no', 'date', 'choice')),
    choices text not null default '',
    required integer not null default 0,
    member_editable integer not null default 1,
    in_directory integer not null default 0,
    primary key (location_id, slot)
);
-- One field per label at a location, whatever the case.
create unique index custom_fields_label on custom_fields (location_id, label collate nocase);
alter table profiles add column custom1 text;
alter table profiles add column custom2 text;
alter table profiles add column custom3 text;
alter table profiles add column custom4 text;
alter table profiles add column custom5 text;
alter table profiles add column custom6 text;
alter table profiles add column custom7 text;
alter table profiles add column custom8 text;
alter table profiles add column custom9 text;
alter table profiles add column custom10 text;
alter table profiles add column custom11 text;
alter table profiles add column custom12 text;
alter table profiles add column custom13 text;
alter table profiles add column custom14 text;
alter table profiles add column custom15 text;
alter table profiles add column custom16 text;
alter table profiles add column custom17 text;
alter table profiles add column custom18 text;
alter table profiles add column custom19 text;
alter table profiles add column custom20 text;
alter table profiles add column custom21 text;
alter table profiles add column custom22 text;
alter table profiles add column custom23 text;
alter table profiles add column custom24 text;
alter table profiles add column custom25 text;
alter table profiles add column custom26 text;
alter table profiles add column custom27 text;
alter table profiles add column custom28 text;
alter table profiles add column custom29 text;
alter table profiles add column custom30 text;
