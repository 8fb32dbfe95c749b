//! The directory's contact relay in PostgreSQL: the sender's counts, the recipient's check,
//! the mail and the audit in one transaction. The sender's user row is locked before the
//! counting, so concurrent messages of one sender, on any node, take turns and never both
//! take the last turn of a window.

use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{accounts, outbox};
use crate::domain::contact::{ContactAdmission, DAY, HOUR};
use crate::store::shared::{CONTACT_BLOCKING, CONTACTABLE, PURGE_CONTACTS, RECORD_CONTACT};
use crate::store::{ContactRelay, StoreResult};

/// Runs in the caller's transaction; the row lock holds until it ends.
pub async fn relay(c: &mut PgConnection, relay: &ContactRelay) -> StoreResult<ContactAdmission> {
    // `for no key update`: the sender's profiles and sessions are not blocked.
    sqlx::query("select 1 from users where id = $1 for no key update")
        .bind(relay.sender_id)
        .fetch_optional(&mut *c)
        .await?;
    let contactable = sqlx::query(sqlx::AssertSqlSafe(CONTACTABLE.as_str()))
        .bind(relay.recipient_profile_id)
        .bind(relay.location_id)
        .fetch_optional(&mut *c)
        .await?;
    if contactable.is_none() {
        return Ok(ContactAdmission::NotContactable);
    }
    if let Some(newest) = blocking(c, relay.sender_id, relay.now - HOUR, relay.per_hour).await? {
        return Ok(ContactAdmission::HourLimit { until: newest + HOUR });
    }
    if let Some(newest) = blocking(c, relay.sender_id, relay.now - DAY, relay.per_day).await? {
        return Ok(ContactAdmission::DayLimit { until: newest + DAY });
    }
    sqlx::query(RECORD_CONTACT)
        .bind(relay.sender_id)
        .bind(relay.recipient_profile_id)
        .bind(relay.now)
        .execute(&mut *c)
        .await?;
    outbox::queue(c, std::slice::from_ref(&relay.mail), relay.now).await?;
    accounts::record_audit(c, &relay.audit).await?;
    Ok(ContactAdmission::Relayed)
}

/// When the window since `since` already holds `limit` messages of the sender: the time of
/// the `limit`-th newest, whose leaving the window frees a turn (a limit is at least 1).
async fn blocking(
    c: &mut PgConnection,
    sender_id: i64,
    since: OffsetDateTime,
    limit: u32,
) -> StoreResult<Option<OffsetDateTime>> {
    let offset = i64::from(limit.max(1) - 1);
    Ok(sqlx::query_scalar(CONTACT_BLOCKING)
        .bind(sender_id)
        .bind(since)
        .bind(offset)
        .fetch_optional(c)
        .await?)
}

pub async fn purge(c: &mut PgConnection, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(PURGE_CONTACTS).bind(now - DAY).execute(c).await?;
    Ok(())
}
