//! The directory's contact relay in SQLite: the sender's counts, the recipient's check, the
//! mail and the audit in one write. It runs on the writer, so two messages of one sender
//! never both take the last turn of a window.

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

use super::connection::time_text;
use super::{accounts, outbox};
use crate::domain::contact::{ContactAdmission, DAY, HOUR};
use crate::store::shared::{CONTACT_BLOCKING, CONTACTABLE, ColumnSource, PURGE_CONTACTS, RECORD_CONTACT};
use crate::store::{ContactRelay, StoreResult};

pub fn relay(c: &Connection, relay: &ContactRelay) -> StoreResult<ContactAdmission> {
    let contactable = c
        .prepare_cached(&CONTACTABLE)?
        .query_row(params![relay.recipient_profile_id, relay.location_id], |_| Ok(()))
        .optional()?;
    if contactable.is_none() {
        return Ok(ContactAdmission::NotContactable);
    }
    if let Some(newest) = blocking(c, relay.sender_id, relay.now - HOUR, relay.per_hour)? {
        return Ok(ContactAdmission::HourLimit { until: newest + HOUR });
    }
    if let Some(newest) = blocking(c, relay.sender_id, relay.now - DAY, relay.per_day)? {
        return Ok(ContactAdmission::DayLimit { until: newest + DAY });
    }
    c.prepare_cached(RECORD_CONTACT)?.execute(params![
        relay.sender_id,
        relay.recipient_profile_id,
        time_text(relay.now)
    ])?;
    outbox::queue(c, std::slice::from_ref(&relay.mail), relay.now)?;
    accounts::record_audit(c, &relay.audit)?;
    Ok(ContactAdmission::Relayed)
}

/// When the window since `since` already holds `limit` messages of the sender: the time of
/// the `limit`-th newest, whose leaving the window frees a turn (a limit is at least 1).
fn blocking(
    c: &Connection,
    sender_id: i64,
    since: OffsetDateTime,
    limit: u32,
) -> StoreResult<Option<OffsetDateTime>> {
    let offset = limit.max(1) - 1;
    let mut statement = c.prepare_cached(CONTACT_BLOCKING)?;
    let mut rows = statement.query(params![sender_id, time_text(since), offset])?;
    rows.next()?.map(|row| row.time(0)).transpose()
}

pub fn purge(c: &Connection, now: OffsetDateTime) -> StoreResult<()> {
    c.execute(PURGE_CONTACTS, [time_text(now - DAY)])?;
    Ok(())
}
