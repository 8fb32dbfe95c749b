-- How a member is addressed (Mr, Ms, Dr …), as Nexudus portal forms send it.
alter table profiles add column salutation text;
