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

/// A live session, as `portico member sessions` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub id: i64,
    pub profile_id: i64,
    pub created_at: OffsetDateTime,
    pub refreshed_at: Option<OffsetDateTime>,
    pub access_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
    pub source: Option<String>,
    pub user_agent: Option<String>,
}
