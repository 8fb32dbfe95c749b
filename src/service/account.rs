//! The account lifecycle by e-mail (docs/API.md, "Account lifecycle by e-mail"): invitations, forgotten
//! passwords, and setting a password through a link. Each link is a 256-bit random token
//! stored only as its hash; its mail is written in the same transaction as the link.

use secrecy::{ExposeSecret, SecretString};
use time::{Duration, OffsetDateTime};

use super::error::{ServiceError, ServiceResult};
use super::session::{self, ClientInfo};
use crate::auth::password::HashPermit;
use crate::auth::token;
use crate::domain::account::{self, INVITATION_LIFETIME, LINKS_PER_HOUR, NO_PASSWORD_YET, Purpose};
use crate::domain::audit::AuditKind;
use crate::domain::brand::Brand;
use crate::domain::fields::{self, email_digest, email_key};
use crate::domain::password::{self, Owner};
use crate::domain::profile::Location;
use crate::domain::session::Session;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::mail::compose;
use crate::service::AppState;
use crate::store::{
    AddedMember, CompanionLink, EmailRedemption, Invitation, LinkIssue, NewMail, NewMember,
    PasswordRedemption, StoreError,
};

/// Links carry this prefix, so a leaked one is recognisable (like `pat_` for sessions).
const LINK_PREFIX: &str = "plk_";

/// Asks for a password-reset link. The answer is the same whether or not the address
/// belongs to a member: the lookup and the mail happen after it, in the background.
pub async fn request_reset(app: &AppState, email: &str, client: &ClientInfo) -> ServiceResult<()> {
    app.limits.account_mail(client.address)?;
    let email = fields::email(email.trim())
        .map_err(|problem| FieldErrors::from(FieldError::new("Email", problem.code, problem.message)))?;
    app.limits.reset_for(&email_key(&email))?;
    let app = app.clone();
    let client = client.clone();
    tokio::spawn(async move {
        if let Err(error) = send_reset(&app, &email, &client).await {
            tracing::warn!(%error, "a password-reset link could not be made");
        }
    });
    Ok(())
}

async fn send_reset(app: &AppState, email: &str, client: &ClientInfo) -> ServiceResult<()> {
    let key = email_key(email);
    let Some(record) = app.store.login_record(&key).await?.filter(|r| r.active) else {
        return Ok(());
    };
    let user = app.store.user(record.user_id).await?;
    let location = home_location(app, record.default_profile_id).await?;
    let token = token::generate(LINK_PREFIX);
    let link = app.settings.link(Purpose::PasswordReset.page(), &token);
    let now = app.clock.now();
    let mail = vec![compose::password_reset(
        user.language.unwrap_or(location.language),
        &user.email,
        &Brand::of(&location),
        &link,
    )];
    let issue = link_issue(user.id, Purpose::PasswordReset, &token, now, account::RESET_LIFETIME, mail);
    if !app.store.issue_link(&issue).await? {
        tracing::info!(address = ?client.address, "password-reset link not sent: the account's hourly limit is reached");
    }
    Ok(())
}

/// The address a password link (an invitation or a reset) belongs to while it works, for
/// the page behind it to say which address to sign in with; nothing is used up.
pub async fn password_link_email(app: &AppState, link: &str) -> ServiceResult<Option<String>> {
    let found = app.store.link(&token::hash(link.trim()), app.clock.now()).await?;
    let Some(link) = found.filter(|l| l.purpose.sets_password()) else { return Ok(None) };
    Ok(Some(app.store.user(link.user_id).await?.email))
}

/// Nexudus's `completePasswordReset`: the password set through the link (the policy
/// applies; every session ends), and a one-time token in return that signs the user in.
pub async fn complete_reset(
    app: &AppState,
    link: &str,
    password: &SecretString,
    client: &ClientInfo,
) -> ServiceResult<String> {
    let change = NewPassword { token: link, new: password, repeat: password };
    let user_id = set_password_by_link(app, change, client).await?;
    one_time_sign_in(app, user_id).await
}

/// A one-time token that signs the user in once, within minutes: exchanged by a client, or
/// followed by a browser (`/en/user/login?t=`). A newer one voids the older.
pub async fn one_time_sign_in(app: &AppState, user_id: i64) -> ServiceResult<String> {
    unmailed_link(app, user_id, Purpose::OneTime, account::ONE_TIME_TOKEN_LIFETIME).await
}

/// A password-reset link's token for a member an operator asked to choose a new password:
/// handed to the client that signed in (Nexudus's `must_reset_password`), never mailed.
pub async fn reset_token_for(app: &AppState, user_id: i64) -> ServiceResult<String> {
    unmailed_link(app, user_id, Purpose::PasswordReset, account::RESET_LIFETIME).await
}

/// A link handed to the client that asked: counted by no hourly limit (the client proved
/// who it is), and it voids the older links of its purpose.
async fn unmailed_link(
    app: &AppState,
    user_id: i64,
    purpose: Purpose,
    lifetime: Duration,
) -> ServiceResult<String> {
    let token = token::generate(LINK_PREFIX);
    let issue = LinkIssue {
        per_hour: u32::MAX,
        ..link_issue(user_id, purpose, &token, app.clock.now(), lifetime, Vec::new())
    };
    if app.store.issue_link(&issue).await? {
        Ok(token)
    } else {
        Err(ServiceError::Internal(anyhow::anyhow!("a {} link was not issued", purpose.as_str())))
    }
}

/// Nexudus's `sendOtp`: mails a link that signs the member in once (for 15 minutes). The
/// answer is the same whether or not the address belongs to a member, and it is limited
/// like a password reset.
pub async fn send_sign_in_link(app: &AppState, email: &str, client: &ClientInfo) -> ServiceResult<()> {
    app.limits.account_mail(client.address)?;
    let email = fields::email(email.trim())
        .map_err(|problem| FieldErrors::from(FieldError::new("Email", problem.code, problem.message)))?;
    app.limits.reset_for(&email_key(&email))?;
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(error) = mail_sign_in_link(&app, &email).await {
            tracing::warn!(%error, "a sign-in link could not be made");
        }
    });
    Ok(())
}

async fn mail_sign_in_link(app: &AppState, email: &str) -> ServiceResult<()> {
    let Some(record) = app.store.login_record(&email_key(email)).await?.filter(|r| r.active) else {
        return Ok(());
    };
    let user = app.store.user(record.user_id).await?;
    let location = home_location(app, record.default_profile_id).await?;
    let token = token::generate(LINK_PREFIX);
    let link = app.settings.link(Purpose::SignIn.page(), &token);
    let mail = vec![compose::sign_in_link(
        user.language.unwrap_or(location.language),
        &user.email,
        &Brand::of(&location),
        &link,
    )];
    let lifetime = account::SIGN_IN_LINK_LIFETIME;
    let issue = link_issue(user.id, Purpose::SignIn, &token, app.clock.now(), lifetime, mail);
    if !app.store.issue_link(&issue).await? {
        tracing::info!("sign-in link not sent: the account's hourly limit is reached");
    }
    Ok(())
}

/// A link of `purpose` for the user, working for `lifetime`, and the mail that carries it;
/// at most `LINKS_PER_HOUR` of its kind an hour.
fn link_issue(
    user_id: i64,
    purpose: Purpose,
    token: &str,
    now: OffsetDateTime,
    lifetime: Duration,
    mail: Vec<NewMail>,
) -> LinkIssue {
    LinkIssue {
        user_id,
        purpose,
        token_hash: token::hash(token),
        now,
        expires_at: now + lifetime,
        new_email: None,
        old_email: None,
        per_hour: LINKS_PER_HOUR,
        mail,
        companion: None,
        inert: false,
    }
}

async fn home_location(app: &AppState, profile_id: i64) -> ServiceResult<Location> {
    let profile = app.store.profile(profile_id).await?;
    Ok(app.store.location(profile.location_id).await?)
}

/// What a link sets a password with.
pub struct NewPassword<'a> {
    pub token: &'a str,
    pub new: &'a SecretString,
    pub repeat: &'a SecretString,
}

/// Sets the password through a reset or invitation link: the location's policy applies,
/// every session of the user ends, the lockout is cleared, the link is used up. Returns
/// the user.
pub async fn set_password_by_link(
    app: &AppState,
    change: NewPassword<'_>,
    client: &ClientInfo,
) -> ServiceResult<i64> {
    let hash = token::hash(change.token.trim());
    let link = app.store.link(&hash, app.clock.now()).await?;
    let Some(link) = link.filter(|l| l.purpose.sets_password()) else { return Err(invalid_link()) };
    let user = app.store.user(link.user_id).await?;
    let key = email_key(&user.email);
    let record = app.store.login_record(&key).await?.ok_or(ServiceError::NotFound("member"))?;
    let location = home_location(app, record.default_profile_id).await?;
    let permit = app.hasher.admit(&client.cancelled)?;
    check_new_password(&permit, &change, &user.email, &user.full_name, &location).await?;
    let new_hash = permit.hash(change.new).await?;
    let kind = match link.purpose {
        Purpose::Invitation => AuditKind::InvitationAccepted,
        _ => AuditKind::PasswordReset,
    };
    let redemption = PasswordRedemption {
        token_hash: hash,
        now: app.clock.now(),
        hash: new_hash,
        lockout_key: email_digest(&key),
        audit: session::audit_event(app, kind, Some(user.id), &key, client, None),
    };
    match app.store.redeem_password_link(&redemption).await {
        Ok(user_id) => Ok(user_id),
        // Used or voided while the password was being hashed.
        Err(StoreError::NotFound) => Err(invalid_link()),
        Err(other) => Err(other.into()),
    }
}

async fn check_new_password(
    permit: &HashPermit,
    change: &NewPassword<'_>,
    email: &str,
    full_name: &str,
    location: &Location,
) -> ServiceResult<()> {
    let mut errors = FieldErrors::default();
    if change.new.expose_secret().is_empty() {
        errors.push(FieldError::new("NewPassword", ErrorCode::PasswordRequired, "choose a new password"));
    } else if change.new.expose_secret() != change.repeat.expose_secret() {
        errors.push(FieldError::new(
            "RepeatNewPassword",
            ErrorCode::PasswordMismatch,
            "must equal NewPassword exactly",
        ));
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (policy, candidate) = (location.policy, change.new.clone());
    let (email, full_name, place) = (email.to_string(), full_name.to_string(), location.name.clone());
    let problems = permit
        .run(move || {
            let owner = Owner { email: &email, full_name: &full_name, location: &place };
            password::check(&policy, candidate.expose_secret(), owner, None, "NewPassword")
        })
        .await?;
    let mut errors = FieldErrors::default();
    errors.extend(problems);
    errors.into_result(()).map_err(ServiceError::from)
}

fn invalid_link() -> ServiceError {
    FieldErrors::from(FieldError::new(
        "Token",
        ErrorCode::InvalidLink,
        "this link does not work: it was used, replaced by a newer one, or has expired; ask for a new one",
    ))
    .into()
}

/// Creates members who cannot sign in until they choose a password through the link
/// mailed to each; all of them or none.
pub async fn invite(app: &AppState, members: Vec<NewMember>) -> ServiceResult<Vec<AddedMember>> {
    let now = app.clock.now();
    let lifetime = Duration::try_from(app.settings.invitation_lifetime).unwrap_or(INVITATION_LIFETIME);
    let locations = app.store.locations().await?;
    let mut invitations = Vec::with_capacity(members.len());
    for member in members {
        let token = token::generate(LINK_PREFIX);
        let link = app.settings.link(Purpose::Invitation.page(), &token);
        let brand = locations.iter().find(|l| l.id == member.location_id).map(Brand::of).unwrap_or_default();
        // A new member has chosen no language yet: the location's default.
        let language = brand.language;
        let mail = compose::invitation(
            language,
            &member.email,
            &member.full_name,
            &brand,
            &link,
            lifetime.whole_days(),
        );
        invitations.push(Invitation {
            member,
            token_hash: token::hash(&token),
            expires_at: now + lifetime,
            mail,
        });
    }
    Ok(app.store.invite_members(&invitations, now).await?)
}

/// Sends an invited member a new link; the older one stops working.
pub async fn resend_invitation(app: &AppState, email: &str) -> ServiceResult<()> {
    let key = email_key(email.trim());
    let record = app.store.login_record(&key).await?;
    let record = record.ok_or_else(|| ServiceError::Invalid(format!("no member with the e-mail {email}")))?;
    if record.password_hash != NO_PASSWORD_YET {
        return Err(ServiceError::Invalid(format!(
            "{email} has already chosen a password; they can reset it"
        )));
    }
    let user = app.store.user(record.user_id).await?;
    let location = home_location(app, record.default_profile_id).await?;
    let now = app.clock.now();
    let lifetime = Duration::try_from(app.settings.invitation_lifetime).unwrap_or(INVITATION_LIFETIME);
    let token = token::generate(LINK_PREFIX);
    let link = app.settings.link(Purpose::Invitation.page(), &token);
    let mail = vec![compose::invitation(
        user.language.unwrap_or(location.language),
        &user.email,
        &user.full_name,
        &Brand::of(&location),
        &link,
        lifetime.whole_days(),
    )];
    let issue = link_issue(user.id, Purpose::Invitation, &token, now, lifetime, mail);
    if app.store.issue_link(&issue).await? {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "{email} was sent {LINKS_PER_HOUR} invitations in the last hour; wait a while"
        )))
    }
}

/// What a member sends to change their sign-in address.
pub struct EmailChange<'a> {
    pub new_email: &'a str,
    pub password: &'a SecretString,
}

/// Sends a confirmation link to the new address and, to the old one, a notice with a link
/// that undoes the change for 7 days; the undo link stays valid whatever the session does
/// next. The sign-in address changes only when the link is followed. An address that
/// belongs to another member gets a notice instead (at most one an hour), and the answer
/// and the limits are the same, so nobody learns who holds an address.
pub async fn request_email_change(
    app: &AppState,
    session: &Session,
    change: EmailChange<'_>,
    client: &ClientInfo,
) -> ServiceResult<()> {
    app.limits.account_mail(client.address)?;
    let user = app.store.user(session.user_id).await?;
    let new_email = checked_new_email(&user.email, change.new_email)?;
    confirm_password(app, &user.email, change.password, client).await?;
    let record =
        app.store.login_record(&email_key(&user.email)).await?.ok_or(ServiceError::NotFound("member"))?;
    let location = home_location(app, record.default_profile_id).await?;
    let now = app.clock.now();
    let taken = app.store.login_record(&email_key(&new_email)).await?.is_some();
    let (confirm, undo) = (token::generate(LINK_PREFIX), token::generate(LINK_PREFIX));
    // For an address another member holds, the same link is written, counted and voided as
    // for a free one, but already used: only its holder's notice is mailed. Status, body
    // and limits are the same either way, so nobody learns who holds an address.
    let language = user.language.unwrap_or(location.language);
    let brand = Brand::of(&location);
    let mail = if taken {
        // Its holder's language is not looked up: the answer must take the same time whether
        // the address is held or not. The location's default, then.
        vec![compose::address_in_use(brand.language, &new_email, &brand)]
    } else {
        let confirm_link = app.settings.link(Purpose::EmailChange.page(), &confirm);
        let undo_link = app.settings.link(Purpose::EmailRevert.page(), &undo);
        vec![
            compose::email_change_confirmation(language, &new_email, &brand, &confirm_link),
            compose::email_change_notice(language, &user.email, &brand, &new_email, &undo_link),
        ]
    };
    let issue = LinkIssue {
        new_email: Some(new_email.clone()),
        old_email: Some(user.email.clone()),
        companion: (!taken).then(|| CompanionLink {
            purpose: Purpose::EmailRevert,
            token_hash: token::hash(&undo),
            expires_at: now + account::EMAIL_REVERT_LIFETIME,
        }),
        inert: taken,
        ..link_issue(user.id, Purpose::EmailChange, &confirm, now, account::EMAIL_CHANGE_LIFETIME, mail)
    };
    if !app.store.issue_link(&issue).await? {
        return Err(ServiceError::TooManyLinks { retry_after: std::time::Duration::from_secs(3600) });
    }
    let key = email_key(&user.email);
    let audit = session::audit_event(app, AuditKind::EmailChangeRequested, Some(user.id), &key, client, None);
    Ok(app.store.record_audit(&audit).await?)
}

fn checked_new_email(current: &str, typed: &str) -> ServiceResult<String> {
    let new_email = fields::email(typed.trim())
        .map_err(|problem| FieldErrors::from(FieldError::new("NewEmail", problem.code, problem.message)))?;
    if email_key(&new_email) == email_key(current) {
        let same = FieldError::new("NewEmail", ErrorCode::EmailUnchanged, "is already your sign-in address");
        return Err(FieldErrors::from(same).into());
    }
    Ok(new_email)
}

/// The current password, checked under the account's lockout like any other.
async fn confirm_password(
    app: &AppState,
    email: &str,
    password: &SecretString,
    client: &ClientInfo,
) -> ServiceResult<()> {
    if password.expose_secret().is_empty() {
        return Err(FieldErrors::from(FieldError::new(
            "Password",
            ErrorCode::PasswordRequired,
            "your current password is required",
        ))
        .into());
    }
    let key = email_key(email);
    let record = app.store.login_record(&key).await?;
    let permit = app.hasher.admit(&client.cancelled)?;
    let account = session::Account { key: &key, user_id: record.as_ref().map(|r| r.user_id) };
    let stored = record.as_ref().map(|r| r.password_hash.as_str());
    match session::check_password(
        app,
        &permit,
        &account,
        password,
        stored,
        AuditKind::PasswordChangeFailed,
        client,
    )
    .await?
    {
        session::PasswordCheckOutcome::Right { .. } => Ok(()),
        // A plain password check asks for no second step.
        session::PasswordCheckOutcome::Wrong
        | session::PasswordCheckOutcome::SecondStepMissing
        | session::PasswordCheckOutcome::SecondStepWrong => Err(FieldErrors::from(FieldError::new(
            "Password",
            ErrorCode::WrongCurrentPassword,
            "is not your current password",
        ))
        .into()),
    }
}

/// Makes the confirmed address the sign-in address.
pub async fn confirm_email_change(app: &AppState, link: &str, client: &ClientInfo) -> ServiceResult<String> {
    let hash = token::hash(link.trim());
    let found = app.store.link(&hash, app.clock.now()).await?;
    let Some(found) = found.filter(|l| l.purpose == Purpose::EmailChange) else { return Err(invalid_link()) };
    let key = email_key(found.new_email.as_deref().unwrap_or_default());
    let audit = session::audit_event(app, AuditKind::EmailChanged, Some(found.user_id), &key, client, None);
    match app.store.change_email(&EmailRedemption { token_hash: hash, now: app.clock.now(), audit }).await {
        Ok(email) => Ok(email),
        Err(StoreError::NotFound | StoreError::Conflict(_)) => Err(invalid_link()),
        Err(other) => Err(other.into()),
    }
}

/// Undoes an e-mail change from the old address's notice: the old address comes back (if
/// the change was confirmed), every session and every pending link of the account end.
pub async fn revert_email_change(app: &AppState, link: &str, client: &ClientInfo) -> ServiceResult<()> {
    let hash = token::hash(link.trim());
    let found = app.store.link(&hash, app.clock.now()).await?;
    let Some(found) = found.filter(|l| l.purpose == Purpose::EmailRevert) else { return Err(invalid_link()) };
    let key = email_key(found.old_email.as_deref().unwrap_or_default());
    let audit =
        session::audit_event(app, AuditKind::EmailChangeReverted, Some(found.user_id), &key, client, None);
    match app.store.revert_email(&EmailRedemption { token_hash: hash, now: app.clock.now(), audit }).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound | StoreError::Conflict(_)) => Err(invalid_link()),
        Err(other) => Err(other.into()),
    }
}
