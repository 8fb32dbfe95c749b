//! The mail Portico sends, as the outbox keeps it: what the store persists and the sender
//! reads (composing is `mail::compose`, sending `mail`, the loop `service::outbox`).

use time::OffsetDateTime;

/// A message for the outbox, written in the transaction of the action that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Where replies go, when not to Portico's own address: the writer of a relayed message
    /// who agreed to share theirs.
    pub reply_to: Option<String>,
    /// The member who wrote it, for a message relayed from one: erasing them takes it along.
    pub sender_id: Option<i64>,
}

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub mail: NewMail,
    pub created_at: OffsetDateTime,
    pub attempts: i64,
    pub sent_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    /// When the sender gave up on it after its last attempt (a dead letter).
    pub given_up_at: Option<OffsetDateTime>,
}
