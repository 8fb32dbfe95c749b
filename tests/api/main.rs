//! HTTP-level tests against a real server on a random port and a real database.

#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

mod account;
mod ai;
mod attacks;
mod basic;
mod brand;
mod cli;
mod concurrency;
mod connections;
mod credentials;
mod custom_fields;
mod directory;
mod directory_pages;
mod errors;
mod hardening;
mod history;
mod members;
mod newcomer;
mod operations;
mod patch_fields;
mod patch_rules;
mod photos;
mod portal;
mod profiles;
mod properties;
mod record;
mod session;
mod staff;
mod suspension;
mod two_factor;
