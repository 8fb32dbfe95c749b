-- The language a member chose for the portal and their mail (docs/PORTAL.md, "Languages"):
-- an ISO 639-1 code of a language Portico ships, or null for the browser's.
alter table users add column language text;
