//! The outbox in PostgreSQL: mail written with the action that causes it, taken by the
//! sender for a lease (`for update skip locked`, so two nodes never take one message),
//! marked sent, due again later, or given up. The statements are shared (`store::shared`).

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::fields::email_key;
use crate::store::shared::{self, MAIL_FAILED, MAIL_SENT, OUTBOX_LIST, PURGE_LINKS, PURGE_MAIL, QUEUE_MAIL};
use crate::store::{NewMail, OutboxMail, StoreResult};

pub async fn queue(c: &mut PgConnection, mail: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
    for message in mail {
        sqlx::query(QUEUE_MAIL)
            .bind(&message.to)
            .bind(email_key(&message.to))
            .bind(&message.subject)
            .bind(&message.text)
            .bind(&message.html)
            .bind(now)
            .bind(&message.reply_to)
            .bind(message.sender_id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

pub async fn claim(
    c: &mut PgConnection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = shared::claim_mail_sql(" for update skip locked");
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(lease_until).bind(now).bind(limit).fetch_all(c).await?;
    rows.iter().map(shared::outbox_mail_from).collect()
}

pub async fn sent(c: &mut PgConnection, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(MAIL_SENT).bind(now).bind(id).execute(c).await?;
    Ok(())
}

pub async fn failed(
    c: &mut PgConnection,
    id: i64,
    now: OffsetDateTime,
    retry_at: Option<OffsetDateTime>,
    error: &str,
) -> StoreResult<()> {
    let given_up = retry_at.is_none().then_some(now);
    sqlx::query(MAIL_FAILED).bind(retry_at).bind(error).bind(given_up).bind(id).execute(c).await?;
    Ok(())
}

pub async fn list(c: &mut PgConnection, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
    let sql: &str = &OUTBOX_LIST;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to_key).bind(limit).fetch_all(c).await?;
    rows.iter().map(shared::outbox_mail_from).collect()
}

/// Sent and given-up mail and links expired a month ago.
pub async fn purge(c: &mut PgConnection, now: OffsetDateTime) -> StoreResult<()> {
    let month_ago = now - time::Duration::days(30);
    sqlx::query(PURGE_LINKS).bind(month_ago).execute(&mut *c).await?;
    sqlx::query(PURGE_MAIL).bind(month_ago).execute(c).await?;
    Ok(())
}
