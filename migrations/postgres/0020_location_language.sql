-- A location's default language (docs/PORTAL.md, "Languages"): what its pages and mail
-- speak to someone who chose none and whose browser names none Portico has. NULL: English.
alter table locations add column language text;
