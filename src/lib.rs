//! Portico: a self-hosted member-profile service for coworking spaces.
//!
//! Layers, from the outside in: `server` merges the API (`http`) and the member's pages
//! (`portal`), two siblings that never import each other and share `web` (the state and
//! who the client is). Both call `service` (use cases), which uses `domain` (rules, no
//! I/O), `auth` (hashing, tokens, the server's key), `mail`, `ai` and `store` (SQLite or
//! PostgreSQL behind one trait); `i18n` holds the words of the pages and the mail in each
//! language. DEVELOPERS.md lists what never imports what; the test
//! `tests/layers.rs` checks it.

pub mod ai;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod portal;
pub mod server;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod web;

pub use server::serve;
pub use service::{AppState, Settings};
