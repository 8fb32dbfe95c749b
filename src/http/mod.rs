//! The API: one router per resource, the envelope and the one error-to-response mapping,
//! extractors, the OpenAPI document. The pages are `portal`, beside this module; the server
//! (`server`) merges both.

mod account;
mod countries;
mod directory;
pub mod envelope;
pub mod extract;
mod history;
mod location;
mod media;
mod nexudus;
mod openapi;
mod ops;
mod profile;
mod query;
mod session;
mod shape;
mod staff;
mod two_factor;
mod views;

use axum::Router;

use crate::web::SharedState;

pub use history::export_json;

/// Every API route.
pub fn router() -> Router<SharedState> {
    Router::new()
        .merge(profile::router())
        .merge(account::router())
        .merge(nexudus::router())
        .merge(history::router())
        .merge(session::router())
        .merge(countries::router())
        .merge(location::router())
        .merge(media::router())
        .merge(two_factor::router())
        .merge(staff::router())
        .merge(directory::router())
        .merge(ops::router())
        .merge(openapi::router())
        .layer(axum::middleware::from_fn(shape::shape))
}

/// `/metrics`, served on a listener of its own or with the API (`--metrics-bind`).
pub fn metrics_router() -> Router<SharedState> {
    ops::metrics_router()
}
