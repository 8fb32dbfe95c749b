//! Portico: a self-hosted member-profile service for coworking spaces.
//!
//! Layers, from the outside in: `http` (routes, extractors, the envelope) calls
//! `service` (use cases), which uses `domain` (rules, no I/O), `auth` (hashing, tokens)
//! and `store` (SQLite or PostgreSQL behind one trait). `portal` (the member's pages) sits
//! beside `http` and calls the same services.

pub mod ai;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod mail;
pub mod portal;
pub mod service;
pub mod store;
pub mod telemetry;

pub use http::serve;
pub use service::{AppState, Settings};
