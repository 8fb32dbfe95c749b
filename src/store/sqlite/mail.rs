//! The outbox and the single-use account links, in SQLite. Every function runs on the
//! writer (inside its transaction) or a reader, like the rest of the store.

use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use super::accounts;
use super::connection::{all_rows, time_text};
use crate::auth::token::TokenHash;
use crate::domain::account::{Purpose, credential_tag};
use crate::domain::fields::email_key;
use crate::store::columns::ColumnSource;
use crate::store::{
    AccountToken, AddedMember, EmailRedemption, Invitation, NewMail, OperatorPassword, OutboxMail,
    PasswordRedemption, StoreError, StoreResult, TokenIssue,
};

pub fn queue(c: &Connection, mail: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
    let mut statement = c.prepare_cached(
        "insert into outbox (to_address, to_key, subject, text_body, html_body, created_at, next_attempt_at) \
         values (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?;
    for message in mail {
        statement.execute(params![
            message.to,
            email_key(&message.to),
            message.subject,
            message.text,
            message.html,
            time_text(now)
        ])?;
    }
    Ok(())
}

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
        // The user's hash, not the row's: a further row for the same person has none.
        let hash: String =
            c.query_row("select password_hash from users where id = ?1", [member.user_id], |row| row.get(0))?;
        let tag = credential_tag(&hash);
        let token = NewToken {
            user_id: member.user_id,
            purpose: Purpose::Invitation,
            hash: &invitation.token_hash,
            tag: &tag,
            now,
            expires_at: invitation.expires_at,
            new_email: None,
            old_email: None,
            used: false,
        };
        insert_token(c, &token)?;
        queue(c, std::slice::from_ref(&invitation.mail), now)?;
    }
    Ok(added)
}

pub fn issue(c: &Connection, issue: &TokenIssue) -> StoreResult<bool> {
    let hour_ago = time_text(issue.now - time::Duration::hours(1));
    let recent: i64 = c.query_row(
        "select count(*) from account_tokens where user_id = ?1 and purpose = ?2 and created_at > ?3",
        params![issue.user_id, issue.purpose.as_str(), hour_ago],
        |row| row.get(0),
    )?;
    if recent >= i64::from(issue.per_hour) {
        return Ok(false);
    }
    let new_email_key = issue.new_email.as_deref().map(email_key);
    let notices_to_address: i64 = c.query_row(
        "select count(*) from account_tokens where new_email_key = ?1 and created_at > ?2",
        params![new_email_key, hour_ago],
        |row| row.get(0),
    )?;
    let hash: String =
        c.query_row("select password_hash from users where id = ?1", [issue.user_id], |row| row.get(0))?;
    // A newer link voids the older of its purpose (an inert one too: the requester must not
    // learn from their earlier link whether the address was taken). An undo link is never
    // voided by a later request (whoever holds the session may make one), only by its own
    // use or expiry.
    void_unused(c, issue.user_id, issue.purpose, issue.now)?;
    let tag = credential_tag(&hash);
    let token = NewToken {
        user_id: issue.user_id,
        purpose: issue.purpose,
        hash: &issue.token_hash,
        tag: &tag,
        now: issue.now,
        expires_at: issue.expires_at,
        new_email: issue.new_email.as_deref(),
        old_email: issue.old_email.as_deref(),
        used: issue.inert,
    };
    insert_token(c, &token)?;
    if let Some(companion) = &issue.companion {
        let second = NewToken {
            purpose: companion.purpose,
            hash: &companion.token_hash,
            expires_at: companion.expires_at,
            ..token
        };
        insert_token(c, &second)?;
    }
    if !issue.inert || notices_to_address < crate::store::NOTICES_PER_ADDRESS_HOUR {
        queue(c, &issue.mail, issue.now)?;
    }
    Ok(true)
}

/// Marks the user's unused links of `purpose` used.
fn void_unused(c: &Connection, user_id: i64, purpose: Purpose, now: OffsetDateTime) -> StoreResult<()> {
    c.prepare_cached(
        "update account_tokens set used_at = ?1 where user_id = ?2 and purpose = ?3 and used_at is null",
    )?
    .execute(params![time_text(now), user_id, purpose.as_str()])?;
    Ok(())
}

#[derive(Clone, Copy)]
struct NewToken<'a> {
    user_id: i64,
    purpose: Purpose,
    hash: &'a TokenHash,
    tag: &'a str,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
    new_email: Option<&'a str>,
    old_email: Option<&'a str>,
    /// Written already used: it counts toward the limits but never works.
    used: bool,
}

fn insert_token(c: &Connection, token: &NewToken<'_>) -> StoreResult<()> {
    let now = time_text(token.now);
    c.prepare_cached(
        "insert into account_tokens (token_hash, user_id, purpose, credential_tag, new_email, new_email_key, \
         old_email, created_at, expires_at, used_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        token.hash.0,
        token.user_id,
        token.purpose.as_str(),
        token.tag,
        token.new_email,
        token.new_email.map(email_key),
        token.old_email,
        now,
        time_text(token.expires_at),
        token.used.then_some(&now),
    ])?;
    Ok(())
}

/// The link if it still works: unused, unexpired, and the password unchanged since.
pub fn token(c: &Connection, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<AccountToken>> {
    let found = c
        .prepare_cached(
            "select t.user_id, t.purpose, t.new_email, t.old_email, t.credential_tag, u.password_hash \
             from account_tokens t join users u on u.id = t.user_id \
             where t.token_hash = ?1 and t.used_at is null and t.expires_at > ?2",
        )?
        .query_row(params![hash.0, time_text(now)], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    Ok(found.and_then(|(user_id, purpose, new_email, old_email, tag, password_hash)| {
        let purpose = Purpose::from_name(&purpose)?;
        let still_valid = !purpose.voided_by_password_change() || tag == credential_tag(&password_hash);
        still_valid.then_some(AccountToken { user_id, purpose, new_email, old_email })
    }))
}

pub fn redeem_password(c: &Connection, redemption: &PasswordRedemption) -> StoreResult<i64> {
    let link = token(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose.sets_password());
    let Some(link) = link else { return Err(StoreError::NotFound) };
    c.execute(
        "update account_tokens set used_at = ?1 where user_id = ?2 and used_at is null \
         and purpose in ('invitation', 'password_reset')",
        params![time_text(redemption.now), link.user_id],
    )?;
    let change = OperatorPassword {
        user_id: link.user_id,
        hash: redemption.hash.clone(),
        lockout_key: redemption.lockout_key.clone(),
        audit: redemption.audit.clone(),
    };
    accounts::set_password(c, &change)?;
    Ok(link.user_id)
}

pub fn change_email(c: &Connection, redemption: &EmailRedemption) -> StoreResult<String> {
    let link =
        token(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose == Purpose::EmailChange);
    let Some((link, new_email)) = link.and_then(|l| l.new_email.clone().map(|e| (l, e))) else {
        return Err(StoreError::NotFound);
    };
    set_email(c, link.user_id, &new_email, redemption.now)?;
    use_token(c, &redemption.token_hash, redemption.now)?;
    accounts::insert_audit(c, &redemption.audit)?;
    Ok(new_email)
}

pub fn revert_email(c: &Connection, redemption: &EmailRedemption) -> StoreResult<i64> {
    let link =
        token(c, &redemption.token_hash, redemption.now)?.filter(|t| t.purpose == Purpose::EmailRevert);
    let Some(link) = link else { return Err(StoreError::NotFound) };
    if let Some(old_email) = &link.old_email {
        set_email(c, link.user_id, old_email, redemption.now)?;
    }
    // Every pending link ends, but the undo links of earlier changes: their addresses'
    // owners may still take the account back.
    c.execute(
        "update account_tokens set used_at = ?1 where user_id = ?2 and used_at is null \
         and not (purpose = 'email_revert' and id < (select id from account_tokens where token_hash = ?3))",
        params![time_text(redemption.now), link.user_id, redemption.token_hash.0],
    )?;
    c.execute("delete from sessions where user_id = ?1", [link.user_id])?;
    accounts::insert_audit(c, &redemption.audit)?;
    Ok(link.user_id)
}

/// Makes `email` the user's sign-in address; `Conflict` when another member holds it.
fn set_email(c: &Connection, user_id: i64, email: &str, now: OffsetDateTime) -> StoreResult<()> {
    let taken: bool = c.query_row(
        "select exists (select 1 from users where email_key = ?1 and id <> ?2)",
        params![email_key(email), user_id],
        |row| row.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict("the address belongs to another member".into()));
    }
    c.execute(
        "update users set email = ?1, email_key = ?2, updated_on = ?3, version = version + 1 where id = ?4",
        params![email, email_key(email), time_text(now), user_id],
    )?;
    Ok(())
}

fn use_token(c: &Connection, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<()> {
    c.execute(
        "update account_tokens set used_at = ?1 where token_hash = ?2",
        params![time_text(now), hash.0],
    )?;
    Ok(())
}

const OUTBOX_COLUMNS: &str =
    "id, to_address, subject, text_body, html_body, created_at, attempts, sent_at, last_error, given_up_at";

fn outbox_mail(row: &Row<'_>) -> StoreResult<OutboxMail> {
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

pub fn claim(
    c: &Connection,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "update outbox set claimed_until = ?2, attempts = attempts + 1 where id in ( \
           select id from outbox where sent_at is null and given_up_at is null and next_attempt_at <= ?1 \
           and (claimed_until is null or claimed_until <= ?1) order by id limit ?3) \
         returning {OUTBOX_COLUMNS}"
    );
    let mut statement = c.prepare_cached(&sql)?;
    all_rows(statement.query(params![time_text(now), time_text(lease_until), limit])?, outbox_mail)
}

pub fn sent(c: &Connection, id: i64, now: OffsetDateTime) -> StoreResult<()> {
    c.execute(
        "update outbox set sent_at = ?2, claimed_until = null, last_error = null where id = ?1",
        params![id, time_text(now)],
    )?;
    Ok(())
}

pub fn failed(
    c: &Connection,
    id: i64,
    now: OffsetDateTime,
    retry_at: Option<OffsetDateTime>,
    error: &str,
) -> StoreResult<()> {
    let (next, given_up) = match retry_at {
        Some(at) => (Some(time_text(at)), None),
        None => (None, Some(time_text(now))),
    };
    c.execute(
        "update outbox set next_attempt_at = coalesce(?2, next_attempt_at), claimed_until = null, \
         last_error = ?3, given_up_at = ?4 where id = ?1",
        params![id, next, error, given_up],
    )?;
    Ok(())
}

pub fn list(c: &Connection, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
    let sql = format!(
        "select {OUTBOX_COLUMNS} from outbox where ?1 is null or to_key = ?1 order by id desc limit ?2"
    );
    let mut statement = c.prepare_cached(&sql)?;
    all_rows(statement.query(params![to_key, limit])?, outbox_mail)
}

pub fn purge(c: &Connection, now: OffsetDateTime) -> StoreResult<()> {
    let month_ago = time_text(now - time::Duration::days(30));
    c.execute("delete from account_tokens where expires_at <= ?1", [&month_ago])?;
    c.execute("delete from outbox where sent_at <= ?1 or given_up_at <= ?1", [&month_ago])?;
    Ok(())
}
