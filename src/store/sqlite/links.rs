//! Single-use account links in SQLite (invitations, password resets, e-mail changes and
//! their undo): issued with their mail, looked up, redeemed. The statements and decisions
//! are shared (`store::shared`); every function runs on the writer or a reader.

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::connection::time_text;
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

pub fn invite(
    c: &Connection,
    invitations: &[Invitation],
    now: OffsetDateTime,
) -> StoreResult<Vec<AddedMember>> {
    let members: Vec<_> = invitations.iter().map(|i| i.member.clone()).collect();
    let added = accounts::add_members(c, &members, now)?;
    for (invitation, member) in invitations.iter().zip(&added) {
        // Newest link wins: the same person invited at two locations has one live link.
        void_unused(c, member.user_id, Purpose::Invitation, now)?;
        let tag = credential_tag(&password_hash(c, member.user_id)?);
        insert(c, &shared::invitation_row(member.user_id, invitation, &tag, now))?;
        outbox::queue(c, std::slice::from_ref(&invitation.mail), now)?;
    }
    Ok(added)
}

pub fn issue(c: &Connection, issue: &LinkIssue) -> StoreResult<bool> {
    let hour_ago = time_text(issue.now - time::Duration::hours(1));
    let recent: i64 =
        c.query_row(RECENT_LINKS, params![issue.user_id, issue.purpose.as_str(), hour_ago], |row| {
            row.get(0)
        })?;
    if recent >= i64::from(issue.per_hour) {
        return Ok(false);
    }
    let new_email_key = issue.new_email.as_deref().map(email_key);
    let notices: i64 =
        c.query_row(RECENT_CHANGES_TO_ADDRESS, params![new_email_key, hour_ago], |row| row.get(0))?;
    // A newer link voids the older of its purpose (an inert one too: the requester must not
    // learn from their earlier link whether the address was taken). An undo link is never
    // voided by a later request, only by its own use or expiry.
    void_unused(c, issue.user_id, issue.purpose, issue.now)?;
    let tag = credential_tag(&password_hash(c, issue.user_id)?);
    for row in shared::link_rows(issue, &tag) {
        insert(c, &row)?;
    }
    outbox::queue(c, shared::mail_of(issue, notices), issue.now)?;
    Ok(true)
}

fn password_hash(c: &Connection, user_id: i64) -> StoreResult<String> {
    Ok(c.prepare_cached(PASSWORD_HASH)?.query_row([user_id], |row| row.get(0))?)
}

fn void_unused(c: &Connection, user_id: i64, purpose: Purpose, now: OffsetDateTime) -> StoreResult<()> {
    c.prepare_cached(VOID_UNUSED_LINKS)?.execute(params![time_text(now), user_id, purpose.as_str()])?;
    Ok(())
}

fn insert(c: &Connection, link: &LinkRow<'_>) -> StoreResult<()> {
    let now = time_text(link.now);
    c.prepare_cached(INSERT_LINK)?.execute(params![
        link.hash.0,
        link.user_id,
        link.purpose.as_str(),
        link.tag,
        link.new_email,
        link.new_email.map(email_key),
        link.old_email,
        now,
        time_text(link.expires_at),
        link.used.then_some(&now),
    ])?;
    Ok(())
}

/// The link if it still works: unused, unexpired, and the password unchanged since.
pub fn link(c: &Connection, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Link>> {
    let mut statement = c.prepare_cached(LINK_BY_HASH)?;
    let mut rows = statement.query(params![hash.0, time_text(now)])?;
    Ok(rows.next()?.map(shared::link_from).transpose()?.flatten())
}

pub fn redeem_password(c: &Connection, redemption: &PasswordRedemption) -> StoreResult<i64> {
    let found = link(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose.sets_password());
    let Some(found) = found else { return Err(StoreError::NotFound) };
    c.execute(USE_PASSWORD_LINKS, params![time_text(redemption.now), found.user_id])?;
    let change = OperatorPassword {
        user_id: found.user_id,
        hash: redemption.hash.clone(),
        lockout_key: redemption.lockout_key.clone(),
        audit: redemption.audit.clone(),
    };
    accounts::set_operator_password(c, &change)?;
    Ok(found.user_id)
}

pub fn change_email(c: &Connection, redemption: &EmailRedemption) -> StoreResult<String> {
    let found =
        link(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose == Purpose::EmailChange);
    let Some((found, new_email)) = found.and_then(|l| l.new_email.clone().map(|e| (l, e))) else {
        return Err(StoreError::NotFound);
    };
    set_email(c, found.user_id, &new_email, redemption.now)?;
    c.execute(USE_LINK, params![time_text(redemption.now), redemption.token_hash.0])?;
    accounts::record_audit(c, &redemption.audit)?;
    Ok(new_email)
}

pub fn revert_email(c: &Connection, redemption: &EmailRedemption) -> StoreResult<i64> {
    let found =
        link(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose == Purpose::EmailRevert);
    let Some(found) = found else { return Err(StoreError::NotFound) };
    if let Some(old_email) = &found.old_email {
        set_email(c, found.user_id, old_email, redemption.now)?;
    }
    c.execute(
        END_LINKS_AFTER_UNDO,
        params![time_text(redemption.now), found.user_id, redemption.token_hash.0],
    )?;
    c.execute("delete from sessions where user_id = ?1", [found.user_id])?;
    accounts::record_audit(c, &redemption.audit)?;
    Ok(found.user_id)
}

/// Makes `email` the user's sign-in address; the unique key refuses one another member
/// holds (`Conflict`).
fn set_email(c: &Connection, user_id: i64, email: &str, now: OffsetDateTime) -> StoreResult<()> {
    c.execute(SET_EMAIL, params![email, email_key(email), time_text(now), user_id])?;
    Ok(())
}
