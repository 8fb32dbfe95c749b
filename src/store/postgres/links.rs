//! Single-use account links in PostgreSQL (invitations, password resets, e-mail changes
//! and their undo): issued with their mail, looked up, redeemed. Writers run in the
//! caller's transaction; the user's row is locked first, so two requests for one account
//! take turns. The statements and decisions are shared (`store::shared`).

use sqlx::PgConnection;
use time::OffsetDateTime;

use super::{accounts, outbox};
use crate::auth::token::TokenHash;
use crate::domain::account::{Purpose, credential_tag};
use crate::domain::fields::email_key;
use crate::store::shared::{
    self, END_LINKS_AFTER_UNDO, INSERT_LINK, LINK_BY_HASH, LinkRow, PASSWORD_HASH, RECENT_CHANGES_TO_ADDRESS,
    RECENT_LINKS, SET_EMAIL, USE_LINK, USE_PASSWORD_LINKS, VOID_UNUSED_LINKS,
};
use crate::store::{
    AddedMember, EmailRedemption, Invitation, Link, LinkIssue, OperatorPassword, PasswordRedemption,
    StoreError, StoreResult,
};

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
        let hash: String = sqlx::query_scalar(PASSWORD_HASH).bind(member.user_id).fetch_one(&mut *c).await?;
        let tag = credential_tag(&hash);
        insert(c, &shared::invitation_row(member.user_id, invitation, &tag, now)).await?;
        outbox::queue(c, std::slice::from_ref(&invitation.mail), now).await?;
    }
    Ok(added)
}

pub async fn issue(c: &mut PgConnection, issue: &LinkIssue) -> StoreResult<bool> {
    let locked = format!("{PASSWORD_HASH} for no key update");
    let hash: String =
        sqlx::query_scalar(sqlx::AssertSqlSafe(locked)).bind(issue.user_id).fetch_one(&mut *c).await?;
    let hour_ago = issue.now - time::Duration::hours(1);
    let recent: i64 = sqlx::query_scalar(RECENT_LINKS)
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
    let notices: i64 = sqlx::query_scalar(RECENT_CHANGES_TO_ADDRESS)
        .bind(&new_email_key)
        .bind(hour_ago)
        .fetch_one(&mut *c)
        .await?;
    // A newer link voids the older of its purpose (an inert one too: the requester must not
    // learn from their earlier link whether the address was taken). An undo link is never
    // voided by a later request, only by its own use or expiry.
    void_unused(c, issue.user_id, issue.purpose, issue.now).await?;
    let tag = credential_tag(&hash);
    for row in shared::link_rows(issue, &tag) {
        insert(c, &row).await?;
    }
    outbox::queue(c, shared::mail_of(issue, notices), issue.now).await?;
    Ok(true)
}

async fn void_unused(
    c: &mut PgConnection,
    user_id: i64,
    purpose: Purpose,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(VOID_UNUSED_LINKS).bind(now).bind(user_id).bind(purpose.as_str()).execute(c).await?;
    Ok(())
}

async fn insert(c: &mut PgConnection, link: &LinkRow<'_>) -> StoreResult<()> {
    sqlx::query(INSERT_LINK)
        .bind(&link.hash.0)
        .bind(link.user_id)
        .bind(link.purpose.as_str())
        .bind(link.tag)
        .bind(link.new_email)
        .bind(link.new_email.map(email_key))
        .bind(link.old_email)
        .bind(link.now)
        .bind(link.expires_at)
        .bind(link.used.then_some(link.now))
        .execute(c)
        .await?;
    Ok(())
}

/// The link if it still works: unused, unexpired, and the password unchanged since. With
/// `lock`, the link's row and its user's are locked until the transaction ends.
pub async fn link(
    c: &mut PgConnection,
    hash: &TokenHash,
    now: OffsetDateTime,
    lock: bool,
) -> StoreResult<Option<Link>> {
    let sql = format!("{LINK_BY_HASH}{}", if lock { " for update of t, u" } else { "" });
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&hash.0).bind(now).fetch_optional(c).await?;
    Ok(row.map(|row| shared::link_from(&row)).transpose()?.flatten())
}

pub async fn redeem_password(c: &mut PgConnection, redemption: &PasswordRedemption) -> StoreResult<i64> {
    let found =
        link(c, &redemption.token_hash, redemption.now, true).await?.filter(|t| t.purpose.sets_password());
    let Some(found) = found else { return Err(StoreError::NotFound) };
    sqlx::query(USE_PASSWORD_LINKS).bind(redemption.now).bind(found.user_id).execute(&mut *c).await?;
    let change = OperatorPassword {
        user_id: found.user_id,
        hash: redemption.hash.clone(),
        lockout_key: redemption.lockout_key.clone(),
        audit: redemption.audit.clone(),
    };
    accounts::set_operator_password(c, &change).await?;
    Ok(found.user_id)
}

pub async fn change_email(c: &mut PgConnection, redemption: &EmailRedemption) -> StoreResult<String> {
    let found = link(c, &redemption.token_hash, redemption.now, true).await?;
    let found = found.filter(|t| t.purpose == Purpose::EmailChange);
    let Some((found, new_email)) = found.and_then(|l| l.new_email.clone().map(|e| (l, e))) else {
        return Err(StoreError::NotFound);
    };
    set_email(c, found.user_id, &new_email, redemption.now).await?;
    sqlx::query(USE_LINK).bind(redemption.now).bind(&redemption.token_hash.0).execute(&mut *c).await?;
    accounts::record_audit(c, &redemption.audit).await?;
    Ok(new_email)
}

pub async fn revert_email(c: &mut PgConnection, redemption: &EmailRedemption) -> StoreResult<i64> {
    let found = link(c, &redemption.token_hash, redemption.now, true).await?;
    let Some(found) = found.filter(|t| t.purpose == Purpose::EmailRevert) else {
        return Err(StoreError::NotFound);
    };
    if let Some(old_email) = &found.old_email {
        set_email(c, found.user_id, old_email, redemption.now).await?;
    }
    sqlx::query(END_LINKS_AFTER_UNDO)
        .bind(redemption.now)
        .bind(found.user_id)
        .bind(&redemption.token_hash.0)
        .execute(&mut *c)
        .await?;
    sqlx::query("delete from sessions where user_id = $1").bind(found.user_id).execute(&mut *c).await?;
    accounts::record_audit(c, &redemption.audit).await?;
    Ok(found.user_id)
}

/// Makes `email` the user's sign-in address; the unique key refuses one another member
/// holds (`Conflict`).
async fn set_email(c: &mut PgConnection, user_id: i64, email: &str, now: OffsetDateTime) -> StoreResult<()> {
    sqlx::query(SET_EMAIL).bind(email).bind(email_key(email)).bind(now).bind(user_id).execute(c).await?;
    Ok(())
}
