//! The directory's contact action (docs/PORTAL.md, "The contact relay"): a member writes to
//! another through the portal and Portico relays the message by mail, without showing
//! either address to the other unless the sender lets the recipient reply. The message is
//! plain text, capped, and each sender may relay only so many in an hour and in a day.

use time::{Duration, OffsetDateTime};

use super::error::{ErrorCode, FieldError};
use super::text::{self, Lines};

/// The form's field, and the property errors name.
pub const MESSAGE: &str = "Message";
/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Messages one sender may relay in [`HOUR`] and in [`DAY`] (rolling windows, counted by the
/// store so that they hold across nodes).
pub const PER_HOUR: u32 = 5;
pub const PER_DAY: u32 = 20;
pub const HOUR: Duration = Duration::hours(1);
pub const DAY: Duration = Duration::days(1);

/// A message as it will be relayed: cleaned (NFC, no control characters, trimmed), at
/// least one character and at most [`MAX_MESSAGE_CHARS`].
pub fn message(raw: &str) -> Result<String, FieldError> {
    let refuse = |problem: text::Problem| FieldError::new(MESSAGE, problem.code, problem.message);
    let cleaned = text::clean_bounded(raw, Lines::Multi, MAX_MESSAGE_CHARS).map_err(refuse)?;
    if cleaned.is_empty() {
        return Err(FieldError::new(MESSAGE, ErrorCode::Required, "write a message first"));
    }
    Ok(cleaned)
}

/// What became of a message handed to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactAdmission {
    /// Counted, its mail queued and the sending audited, at once.
    Relayed,
    /// The sender relayed `PER_HOUR` messages in the last hour; one more may go at `until`.
    HourLimit { until: OffsetDateTime },
    /// The same for the day.
    DayLimit { until: OffsetDateTime },
    /// The recipient cannot be written to (any more): their profile is private, they are
    /// suspended or gone, or the location turned the action off.
    NotContactable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_clean_text_within_its_cap() {
        assert_eq!(message("  Hello,\r\nare you free?  ").expect("ok"), "Hello,\nare you free?");
        assert_eq!(message(" \n ").expect_err("empty").code, ErrorCode::Required);
        assert_eq!(
            message(&"x".repeat(MAX_MESSAGE_CHARS)).expect("at the cap").chars().count(),
            MAX_MESSAGE_CHARS
        );
        let long = message(&"é".repeat(MAX_MESSAGE_CHARS + 1)).expect_err("over the cap");
        assert_eq!((long.code, long.property.as_str()), (ErrorCode::TooLong, MESSAGE));
        assert_eq!(message("bell \u{7}").expect_err("control").code, ErrorCode::ControlCharacters);
        assert_eq!(message("a\u{202e}b").expect_err("bidi override").code, ErrorCode::ControlCharacters);
    }
}
