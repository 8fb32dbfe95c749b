//! Delivering the outbox: a task on every node takes due messages (each node its own, for a
//! lease), puts its own public URL in their links, sends them over SMTP, and marks them
//! sent, or due again later, twice as late each time, up to an hour, and given up (a dead
//! letter, still shown by `portico mail outbox`) after its last attempt or a permanent
//! refusal. A node that dies mid-send leaves its messages to be taken again when their lease
//! ends: a message may, rarely, arrive twice; it is never lost.

use std::time::Duration;

use time::OffsetDateTime;

use crate::mail::{Mailer, SendError, compose};
use crate::service::{AppState, ServiceResult};
use crate::store::OutboxMail;

/// How long a node may take to send what it claimed before another node may take it.
const LEASE: time::Duration = time::Duration::minutes(5);
/// Messages taken per round.
const BATCH: i64 = 20;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Attempts before a message is given up (with the default 30 s first wait, about six
/// hours of trying); a permanent refusal gives it up at once.
pub const MAX_ATTEMPTS: i64 = 12;

/// Sends due mail until the process ends.
pub async fn run(app: AppState, mailer: Mailer) {
    loop {
        let round = deliver_due(&app, &mailer).await;
        if let Err(error) = &round {
            tracing::warn!(%error, "the outbox could not be read");
        }
        if waits_after(&round) {
            tokio::time::sleep(app.settings.mail.poll).await;
        }
    }
}

/// A round that sent something may have left more due, so the next starts at once; after
/// an idle or failed round the sender waits for the poll interval instead of spinning.
fn waits_after(round: &ServiceResult<usize>) -> bool {
    !matches!(round, Ok(sent) if *sent > 0)
}

/// One round: the messages due now, each sent or put back for later. Returns how many
/// were sent.
pub async fn deliver_due(app: &AppState, mailer: &Mailer) -> ServiceResult<usize> {
    let now = app.clock.now();
    let due = app.store.claim_mail(now, now + LEASE, BATCH).await?;
    let mut sent = 0;
    for message in due {
        // Links are made whole here, with this node's public URL: the one its members reach.
        let mail = compose::with_public_url(&message.mail, app.settings.public_base());
        match mailer.send(&mail).await {
            Ok(()) => {
                app.store.mail_sent(message.id, app.clock.now()).await?;
                metrics::counter!("portico_mail_total", "outcome" => "sent").increment(1);
                sent += 1;
            }
            Err(error) => {
                let retry_at = next_attempt(app, &message, &error, now);
                if retry_at.is_some() {
                    tracing::warn!(id = message.id, attempts = message.attempts, %error, "mail not sent; will retry");
                    metrics::counter!("portico_mail_total", "outcome" => "failed").increment(1);
                } else {
                    tracing::error!(id = message.id, attempts = message.attempts, %error, "mail not sent; given up");
                    metrics::counter!("portico_mail_total", "outcome" => "given_up").increment(1);
                }
                app.store.mail_failed(message.id, now, retry_at, &error.to_string()).await?;
            }
        }
    }
    Ok(sent)
}

/// When to try again after a failed attempt; `None` to give the message up: the refusal
/// was permanent, or this was its last attempt.
fn next_attempt(
    app: &AppState,
    message: &OutboxMail,
    error: &SendError,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    let last = matches!(error, SendError::Permanent(_)) || message.attempts >= MAX_ATTEMPTS;
    (!last).then(|| now + backoff(app.settings.mail.retry_base, message.attempts))
}

/// The wait after a message's `attempts`-th failed attempt: `base`, then twice as long
/// after each further failure, never more than an hour.
fn backoff(base: Duration, attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).max(0)).unwrap_or(u32::MAX).min(16);
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_an_hour() {
        let base = Duration::from_secs(30);
        let waits: Vec<u64> = [1, 2, 3, 4, 7, 8, 1000, i64::MAX].map(|n| backoff(base, n).as_secs()).into();
        assert_eq!(waits, [30, 60, 120, 240, 1920, 3600, 3600, 3600]);
    }

    #[test]
    fn the_sender_waits_only_after_an_idle_or_failed_round() {
        assert!(waits_after(&Ok(0)));
        assert!(!waits_after(&Ok(1)));
        assert!(!waits_after(&Ok(20)));
        assert!(waits_after(&Err(crate::service::ServiceError::NotFound("outbox"))));
    }

    #[test]
    fn a_message_never_tried_waits_the_base() {
        assert_eq!(backoff(Duration::from_secs(30), 0), Duration::from_secs(30));
    }
}
