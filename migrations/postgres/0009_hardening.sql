-- Security round two.

-- The bio's HTML, rendered when the bio is saved (domain/markdown.rs), and the key of the
-- renderer and settings it was rendered with: HTML under another key is rendered again.
alter table profiles add column profile_summary_html text;
alter table profiles add column profile_summary_render text;

-- The key of an e-mail change's new address, so the notices to an address's holder can be
-- counted whatever case or form the requests wrote it in.
alter table account_tokens add column new_email_key text;
create index account_tokens_to_address on account_tokens (new_email_key, created_at)
    where new_email_key is not null;

-- A message that failed its last attempt is given up (a dead letter), never retried.
alter table outbox add column given_up_at timestamptz;
drop index outbox_due;
create index outbox_due on outbox (next_attempt_at) where sent_at is null and given_up_at is null;

-- E-mail keys now fold compatibility forms (NFKC): the stored keys are made again at the
-- next start (store/postgres/upgrades.rs).
insert into store_upgrades (step) values ('email_keys_nfkc');
