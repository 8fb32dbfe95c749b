-- The Nexudus customer record's properties Portico lacked: the older social links member
-- sites read, and what the space's staff set for access (docs/API.md, "Nexudus clients").
alter table profiles add column google text;
alter table profiles add column pinterest text;
alter table profiles add column flickr text;
alter table profiles add column vimeo text;
alter table profiles add column tumblr text;
alter table profiles add column blogger text;
alter table profiles add column is_member integer not null default 1;
alter table profiles add column access_pincode text;
