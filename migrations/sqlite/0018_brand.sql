-- The space's brand and the directory's contact relay (docs/PORTAL.md).

-- A location's own name for its pages and mail, its accent colour (a checked #rrggbb) and
-- whether members may write to each other through the directory.
alter table locations add column display_name text;
alter table locations add column accent text;
alter table locations add column contact_relay integer not null default 0;

-- A location's logo: a re-encoded JPEG, in the database so that every node serves it.
create table location_logos (
    location_id integer primary key references locations (id) on delete cascade,
    jpeg blob not null,
    etag text not null,
    updated_on text not null
);

-- One row per message relayed, for the sender's hourly and daily limits; rows older than
-- a day are purged. Never the message itself.
create table contact_messages (
    sender_id integer not null references users (id) on delete cascade,
    recipient_profile_id integer references profiles (id) on delete set null,
    sent_at text not null
);
create index contact_messages_of_sender on contact_messages (sender_id, sent_at);

-- A relayed message's writer (erasing them takes their messages with them) and where a
-- reply goes, when they agreed to share their address.
alter table outbox add column sender_id integer references users (id) on delete cascade;
alter table outbox add column reply_to text;
