-- A location may require two-step sign-in of its members (docs/API.md, "Two-step sign-in").
alter table locations add column policy_require_two_step integer not null default 0;
