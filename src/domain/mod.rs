//! The rules of Portico in plain Rust: no HTTP, no SQL.

pub mod account;
pub mod ai;
pub mod audit;
pub mod brand;
pub mod catalogue;
pub mod contact;
pub mod country;
pub mod custom;
pub mod directory;
pub mod error;
pub mod fields;
pub mod history;
pub mod language;
pub mod legacy;
pub mod lockout;
pub mod mail;
pub mod markdown;
pub mod password;
pub mod patch;
pub mod photo;
pub mod profile;
pub mod read_only;
pub mod session;
pub mod social;
pub mod staff;
pub mod text;
pub mod two_factor;

pub use error::{ErrorCode, FieldError, FieldErrors};
