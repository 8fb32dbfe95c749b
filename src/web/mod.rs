//! What the API (`http`) and the pages (`portal`) share about a request, below both of
//! them: the state every handler gets, who the client is, and the entity tags of the
//! editing representation. Neither of the two ever imports the other.

mod client;
pub mod etag;
pub mod photo;

use std::sync::Arc;

pub use client::{Client, client_address};

use crate::service::AppState;

/// The router's state: one pointer, so handlers clone it for the price of a counter.
pub type SharedState = Arc<AppState>;
