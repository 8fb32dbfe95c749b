//! A signed-in session, as a bearer token resolves it.

use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: i64,
    pub user_id: i64,
    /// The profile the session currently acts on (one of the user's).
    pub profile_id: i64,
    pub access_expires_at: OffsetDateTime,
}
