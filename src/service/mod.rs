//! Use cases: parse and check input through `domain`, hash off the async workers, make
//! one store call. The only layer that combines the store, the hasher and the clock.

pub mod account;
pub mod ai;
pub mod basic;
pub mod bio;
pub mod contact;
pub mod custom_fields;
pub mod directory;
pub mod error;
pub mod history;
pub mod location;
pub mod operator;
pub mod ops;
pub mod outbox;
pub mod photo;
pub mod profile;
pub mod rate_limit;
pub mod seed;
pub mod session;
pub mod staff;
pub mod state;
pub mod two_factor;

pub use error::{ServiceError, ServiceResult};
pub use state::{AppState, Settings};
