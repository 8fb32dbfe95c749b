//! The outbox in SQLite: mail written with the action that causes it, taken by the sender
//! for a lease, marked sent, due again later, or given up. The statements are shared
//! (`store::shared`); every function runs on the writer or a reader.

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::connection::{all_rows, time_text};
use crate::domain::fields::email_key;
use crate::store::shared::{self, MAIL_FAILED, MAIL_SENT, OUTBOX_LIST, PURGE_LINKS, PURGE_MAIL, QUEUE_MAIL};
use crate::store::{NewMail, OutboxMail, StoreResult};

pub fn queue(c: &Connection, mail: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
    let mut statement = c.prepare_cached(QUEUE_MAIL)?;
    for message in mail {
        statement.execute(params![
            message.to,
            email_key(&message.to),
            message.subject,
            message.text,
            message.html,
            time_text(now),
            message.reply_to,
            message.sender_id
        ])?;
    }
    Ok(())
}

/// The writer's lock keeps two senders from taking one message.
pub fn claim(
    c: &Connection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> StoreResult<Vec<OutboxMail>> {
    let mut statement = c.prepare_cached(&shared::claim_mail_sql(""))?;
    let rows = statement.query(params![time_text(lease_until), time_text(now), limit])?;
    all_rows(rows, |row| shared::outbox_mail_from(row))
}

pub fn sent(c: &Connection, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    c.prepare_cached(MAIL_SENT)?.execute(params![time_text(now), id])?;
    Ok(())
}

pub fn failed(
    c: &Connection,
    id: i64,
    now: OffsetDateTime,
    retry_at: Option<OffsetDateTime>,
    error: &str,
) -> StoreResult<()> {
    let given_up = retry_at.is_none().then(|| time_text(now));
    c.prepare_cached(MAIL_FAILED)?.execute(params![retry_at.map(time_text), error, given_up, id])?;
    Ok(())
}

pub fn list(c: &Connection, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
    let mut statement = c.prepare_cached(&OUTBOX_LIST)?;
    all_rows(statement.query(params![to_key, limit])?, |row| shared::outbox_mail_from(row))
}

/// Sent and given-up mail and links expired a month ago.
pub fn purge(c: &Connection, now: OffsetDateTime) -> StoreResult<()> {
    let month_ago = time_text(now - time::Duration::days(30));
    c.execute(PURGE_LINKS, [&month_ago])?;
    c.execute(PURGE_MAIL, [&month_ago])?;
    Ok(())
}
