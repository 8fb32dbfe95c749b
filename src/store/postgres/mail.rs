//! The outbox and the single-use account links, in PostgreSQL. Writers run in the caller's
//! transaction; the user's row is locked first, so two requests for one account take
//! turns, and due mail is claimed with `for update skip locked`, so two nodes never take the
//! same message.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use time::OffsetDateTime;

use super::accounts;
use crate::auth::token::TokenHash;
use crate::domain::account::{Purpose, credential_tag};
use crate::domain::fields::email_key;
use crate::store::columns::ColumnSource;
use crate::store::{
    AccountToken, AddedMember, EmailRedemption, Invitation, NewMail, OperatorPassword, OutboxMail,
    PasswordRedemption, StoreError, StoreResult, TokenIssue,
};

pub async fn queue(c: &mut PgConnection, mail: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
    for message in mail {
        sqlx::query(
            "insert into outbox (to_address, to_key, subject, text_body, html_body, created_at, next_attempt_at) \
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&message.to)
        .bind(email_key(&message.to))
        .bind(&message.subject)
        .bind(&message.text)
        .bind(&message.html)
        .bind(now)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

pub async fn invite(
    c: &mut PgConnection,
    invitations: &[Invitation],
    now: OffsetDateTime,
) -> StoreResult<Vec<AddedMember>> {
    let members: Vec<_> = invitations.iter().map(|i| i.member.clone()).collect();
    let added = accounts::add_members(c, &members, now).await?;
    for (invitation, member) in invitations.iter().zip(&added) {
        // Newest link wins: the same person invited at two locations has one live link.
        void_unused(c, member.user_id, Purpose::Invitation, now).await?;
        // The user's hash, not the row's: a further row for the same person has none.
        let hash: String = sqlx::query_scalar("select password_hash from users where id = $1")
            .bind(member.user_id)
            .fetch_one(&mut *c)
            .await?;
        let token = NewToken {
            user_id: member.user_id,
            purpose: Purpose::Invitation,
            hash: &invitation.token_hash,
            tag: credential_tag(&hash),
            now,
            expires_at: invitation.expires_at,
            new_email: None,
            old_email: None,
            used: false,
        };
        insert_token(c, &token).await?;
        queue(c, std::slice::from_ref(&invitation.mail), now).await?;
    }
    Ok(added)
}

pub async fn issue(c: &mut PgConnection, issue: &TokenIssue) -> StoreResult<bool> {
    let hash: String = sqlx::query_scalar("select password_hash from users where id = $1 for no key update")
        .bind(issue.user_id)
        .fetch_one(&mut *c)
        .await?;
    let hour_ago = issue.now - time::Duration::hours(1);
    let recent: i64 = sqlx::query_scalar(
        "select count(*) from account_tokens where user_id = $1 and purpose = $2 and created_at > $3",
    )
    .bind(issue.user_id)
    .bind(issue.purpose.as_str())
    .bind(hour_ago)
    .fetch_one(&mut *c)
    .await?;
    if recent >= i64::from(issue.per_hour) {
        return Ok(false);
    }
    let new_email_key = issue.new_email.as_deref().map(email_key);
    if let Some(key) = &new_email_key {
        // Requests from different members about one address take turns, so the notices to
        // it are counted one request at a time.
        sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut *c)
            .await?;
    }
    let notices_to_address: i64 = sqlx::query_scalar(
        "select count(*) from account_tokens where new_email_key = $1 and created_at > $2",
    )
    .bind(&new_email_key)
    .bind(hour_ago)
    .fetch_one(&mut *c)
    .await?;
    // A newer link voids the older of its purpose (an inert one too: the requester must not
    // learn from their earlier link whether the address was taken). An undo link is never
    // voided by a later request (whoever holds the session may make one), only by its own
    // use or expiry.
    void_unused(c, issue.user_id, issue.purpose, issue.now).await?;
    let token = NewToken {
        user_id: issue.user_id,
        purpose: issue.purpose,
        hash: &issue.token_hash,
        tag: credential_tag(&hash),
        now: issue.now,
        expires_at: issue.expires_at,
        new_email: issue.new_email.as_deref(),
        old_email: issue.old_email.as_deref(),
        used: issue.inert,
    };
    insert_token(c, &token).await?;
    if let Some(companion) = &issue.companion {
        let second = NewToken {
            purpose: companion.purpose,
            hash: &companion.token_hash,
            expires_at: companion.expires_at,
            ..token
        };
        insert_token(c, &second).await?;
    }
    if !issue.inert || notices_to_address < crate::store::NOTICES_PER_ADDRESS_HOUR {
        queue(c, &issue.mail, issue.now).await?;
    }
    Ok(true)
}

/// Marks the user's unused links of `purpose` used.
async fn void_unused(
    c: &mut PgConnection,
    user_id: i64,
    purpose: Purpose,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "update account_tokens set used_at = $1 where user_id = $2 and purpose = $3 and used_at is null",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(c)
    .await?;
    Ok(())
}

struct NewToken<'a> {
    user_id: i64,
    purpose: Purpose,
    hash: &'a TokenHash,
    tag: String,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    new_email: Option<&'a str>,
    old_email: Option<&'a str>,
    /// Written already used: it counts toward the limits but never works.
    used: bool,
}

async fn insert_token(c: &mut PgConnection, token: &NewToken<'_>) -> StoreResult<()> {
    sqlx::query(
        "insert into account_tokens (token_hash, user_id, purpose, credential_tag, new_email, new_email_key, \
         old_email, created_at, expires_at, used_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&token.hash.0)
    .bind(token.user_id)
    .bind(token.purpose.as_str())
    .bind(&token.tag)
    .bind(token.new_email)
    .bind(token.new_email.map(email_key))
    .bind(token.old_email)
    .bind(token.now)
    .bind(token.expires_at)
    .bind(token.used.then_some(token.now))
    .execute(c)
    .await?;
    Ok(())
}

/// The link if it still works: unused, unexpired, and the password unchanged since. With
/// `lock`, the link's row is locked until the transaction ends.
pub async fn token(
    c: &mut PgConnection,
    hash: &TokenHash,
    now: OffsetDateTime,
    lock: bool,
) -> StoreResult<Option<AccountToken>> {
    let sql = format!(
        "select t.user_id, t.purpose, t.new_email, t.old_email, t.credential_tag, u.password_hash \
         from account_tokens t join users u on u.id = t.user_id \
         where t.token_hash = $1 and t.used_at is null and t.expires_at > $2{}",
        if lock { " for update of t, u" } else { "" }
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&hash.0).bind(now).fetch_optional(c).await?;
    let Some(row) = row else { return Ok(None) };
    let purpose = Purpose::from_name(&row.required_text(1)?);
    let tag: String = row.try_get(4)?;
    let password_hash: String = row.try_get(5)?;
    let still_valid = |p: &Purpose| !p.voided_by_password_change() || tag == credential_tag(&password_hash);
    Ok(purpose.filter(still_valid).map(|purpose| AccountToken {
        user_id: row.try_get(0).unwrap_or_default(),
        purpose,
        new_email: row.try_get(2).unwrap_or_default(),
        old_email: row.try_get(3).unwrap_or_default(),
    }))
}

pub async fn redeem_password(c: &mut PgConnection, redemption: &PasswordRedemption) -> StoreResult<i64> {
    let link =
        token(c, &redemption.token_hash, redemption.now, true).await?.filter(|t| t.purpose.sets_password());
    let Some(link) = link else { return Err(StoreError::NotFound) };
    sqlx::query(
        "update account_tokens set used_at = $1 where user_id = $2 and used_at is null \
         and purpose in ('invitation', 'password_reset')",
    )
    .bind(redemption.now)
    .bind(link.user_id)
    .execute(&mut *c)
    .await?;
    let change = OperatorPassword {
        user_id: link.user_id,
        hash: redemption.hash.clone(),
        lockout_key: redemption.lockout_key.clone(),
        audit: redemption.audit.clone(),
    };
    accounts::set_password(c, &change).await?;
    Ok(link.user_id)
}

pub async fn change_email(c: &mut PgConnection, redemption: &EmailRedemption) -> StoreResult<String> {
    let link = token(c, &redemption.token_hash, redemption.now, true).await?;
    let link = link.filter(|t| t.purpose == Purpose::EmailChange);
    let Some((link, new_email)) = link.and_then(|l| l.new_email.clone().map(|e| (l, e))) else {
        return Err(StoreError::NotFound);
    };
    set_email(c, link.user_id, &new_email, redemption.now).await?;
    sqlx::query("update account_tokens set used_at = $1 where token_hash = $2")
        .bind(redemption.now)
        .bind(&redemption.token_hash.0)
        .execute(&mut *c)
        .await?;
    accounts::insert_audit(c, &redemption.audit).await?;
    Ok(new_email)
}

pub async fn revert_email(c: &mut PgConnection, redemption: &EmailRedemption) -> StoreResult<i64> {
    let link = token(c, &redemption.token_hash, redemption.now, true).await?;
    let Some(link) = link.filter(|t| t.purpose == Purpose::EmailRevert) else {
        return Err(StoreError::NotFound);
    };
    if let Some(old_email) = &link.old_email {
        set_email(c, link.user_id, old_email, redemption.now).await?;
    }
    // Every pending link ends, but the undo links of earlier changes: their addresses'
    // owners may still take the account back.
    sqlx::query(
        "update account_tokens set used_at = $1 where user_id = $2 and used_at is null \
         and not (purpose = 'email_revert' and id < (select id from account_tokens where token_hash = $3))",
    )
    .bind(redemption.now)
    .bind(link.user_id)
    .bind(&redemption.token_hash.0)
    .execute(&mut *c)
    .await?;
    sqlx::query("delete from sessions where user_id = $1").bind(link.user_id).execute(&mut *c).await?;
    accounts::insert_audit(c, &redemption.audit).await?;
    Ok(link.user_id)
}

/// The unique index on `email_key` refuses an address another member holds (`Conflict`).
async fn set_email(c: &mut PgConnection, user_id: i64, email: &str, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(
        "update users set email = $1, email_key = $2, updated_on = $3, version = version + 1 where id = $4",
    )
    .bind(email)
    .bind(email_key(email))
    .bind(now)
    .bind(user_id)
    .execute(c)
    .await?;
    Ok(())
}

const OUTBOX_COLUMNS: &str = "id, to_address, subject, text_body, html_body, created_at, attempts::bigint, \
    sent_at, last_error, given_up_at";

fn outbox_mail(row: &PgRow) -> StoreResult<OutboxMail> {
    Ok(OutboxMail {
        id: row.int(0)?,
        mail: NewMail {
            to: row.required_text(1)?,
            subject: row.required_text(2)?,
            text: row.required_text(3)?,
            html: row.required_text(4)?,
        },
        created_at: row.time(5)?,
        attempts: row.int(6)?,
        sent_at: row.optional_time(7)?,
        last_error: row.text(8)?,
        given_up_at: row.optional_time(9)?,
    })
}

pub async fn claim(
    c: &mut PgConnection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "update outbox set claimed_until = $2, attempts = attempts + 1 where id in ( \
           select id from outbox where sent_at is null and given_up_at is null and next_attempt_at <= $1 \
           and (claimed_until is null or claimed_until <= $1) order by id limit $3 for update skip locked) \
         returning {OUTBOX_COLUMNS}"
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(lease_until).bind(limit).fetch_all(c).await?;
    rows.iter().map(outbox_mail).collect()
}

pub async fn sent(c: &mut PgConnection, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query("update outbox set sent_at = $2, claimed_until = null, last_error = null where id = $1")
        .bind(id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn failed(
    c: &mut PgConnection,
    id: i64,
    now: OffsetDateTime,
    retry_at: Option<OffsetDateTime>,
    error: &str,
) -> StoreResult<()> {
    sqlx::query(
        "update outbox set next_attempt_at = coalesce($2, next_attempt_at), claimed_until = null, \
         last_error = $3, given_up_at = $4 where id = $1",
    )
    .bind(id)
    .bind(retry_at)
    .bind(error)
    .bind(retry_at.is_none().then_some(now))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn list(c: &mut PgConnection, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "select {OUTBOX_COLUMNS} from outbox where $1::text is null or to_key = $1 order by id desc limit $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to_key).bind(limit).fetch_all(c).await?;
    rows.iter().map(outbox_mail).collect()
}

pub async fn purge(c: &mut PgConnection, now: OffsetDateTime) -> StoreResult<()> {
    let month_ago = now - time::Duration::days(30);
    sqlx::query("delete from account_tokens where expires_at <= $1").bind(month_ago).execute(&mut *c).await?;
    sqlx::query("delete from outbox where sent_at <= $1 or given_up_at <= $1")
        .bind(month_ago)
        .execute(c)
        .await?;
    Ok(())
}
