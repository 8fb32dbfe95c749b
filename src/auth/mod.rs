//! Credentials: password hashing, session tokens and the server's secret key.

pub mod key;
pub mod password;
pub mod token;
