//! Two-step sign-in (docs/API.md, "Two-step sign-in"): enrolling with an authenticator app,
//! checking a code or a recovery code at sign-in, turning it off, the operator's reset.
//! The secret is kept sealed under the server's key; recovery codes as keyed hashes.

use secrecy::SecretString;

use super::error::{ServiceError, ServiceResult};
use super::session::{self, Account, ClientInfo, PasswordCheckOutcome};
use crate::domain::audit::AuditKind;
use crate::domain::fields::email_key;
use crate::domain::session::Session;
use crate::domain::two_factor;
use crate::domain::{ErrorCode, FieldError, FieldErrors};
use crate::service::AppState;
use crate::store::TwoFactorOn;

const SECRET_PURPOSE: &str = "totp-secret";
const RECOVERY_PURPOSE: &str = "recovery-code";
const PENDING_PURPOSE: &str = "second-step";
/// How long the portal's code step may follow a right password.
const PENDING_SECONDS: i64 = 300;

/// A new enrolment, shown once: the secret to type in and the address the QR code holds.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
}

/// Whether the user has two-step sign-in on, and how many recovery codes are left.
#[derive(Debug, Clone, Copy)]
pub struct Status {
    pub on: bool,
    pub waiting_for_confirmation: bool,
    pub recovery_codes_left: u32,
}

pub async fn status(app: &AppState, session: &Session) -> ServiceResult<Status> {
    let state = app.store.two_factor(session.user_id).await?;
    Ok(Status {
        on: state.secret.is_some(),
        waiting_for_confirmation: state.pending.is_some(),
        recovery_codes_left: state.recovery_codes_left,
    })
}

/// The enrolment waiting for its confirmation, shown again (the member is signed in, and
/// the secret is not in use until a code from it confirms it).
pub async fn waiting(app: &AppState, session: &Session) -> ServiceResult<Option<Enrolment>> {
    let Some(pending) = app.store.two_factor(session.user_id).await?.pending else { return Ok(None) };
    let secret = open(app, &pending)?;
    let user = app.store.user(session.user_id).await?;
    let profile = app.store.profile(session.profile_id).await?;
    let otpauth_uri = two_factor::otpauth_uri(&secret, &profile.location_name, &user.email)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("the otpauth address could not be made")))?;
    Ok(Some(Enrolment { secret: two_factor::secret_text(&secret), otpauth_uri }))
}

/// Starts an enrolment once the password is right: a new secret, kept until a code from it
/// confirms it. Starting again replaces a secret not yet confirmed.
pub async fn begin(
    app: &AppState,
    session: &Session,
    password: &SecretString,
    client: &ClientInfo,
) -> ServiceResult<Enrolment> {
    let user = app.store.user(session.user_id).await?;
    if app.store.two_factor(user.id).await?.secret.is_some() {
        return Err(field_error("Password", ErrorCode::NotWritable, "two-step sign-in is on already"));
    }
    check_password(app, session.user_id, &user.email, password, client).await?;
    let secret = two_factor::new_secret();
    app.store.begin_two_factor(user.id, &app.settings.secret_key.encrypt(SECRET_PURPOSE, &secret)).await?;
    let profile = app.store.profile(session.profile_id).await?;
    let issuer = profile.location_name.clone();
    let otpauth_uri = two_factor::otpauth_uri(&secret, &issuer, &user.email)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("the otpauth address could not be made")))?;
    record(app, AuditKind::TwoFactorEnrolmentStarted, user.id, &user.email, client).await?;
    Ok(Enrolment { secret: two_factor::secret_text(&secret), otpauth_uri })
}

/// Turns two-step sign-in on when a current code of the waiting secret is given; every other
/// session ends. Answers the ten recovery codes, shown this once.
pub async fn confirm(
    app: &AppState,
    session: &Session,
    code: &str,
    client: &ClientInfo,
) -> ServiceResult<Vec<String>> {
    let state = app.store.two_factor(session.user_id).await?;
    let Some(pending) = state.pending else {
        let message = "there is no enrolment to confirm: start with POST /api/public/coworker/two-factor";
        return Err(field_error("Code", ErrorCode::Required, message));
    };
    let secret = open(app, &pending)?;
    let step = two_factor::matching_step(&secret, code, unix_now(app)).ok_or_else(|| {
        field_error("Code", ErrorCode::InvalidCode, "is not the current code of the new secret")
    })?;
    let codes = two_factor::new_recovery_codes();
    let user = app.store.user(session.user_id).await?;
    let on = TwoFactorOn {
        user_id: user.id,
        pending,
        confirmed_step: i64::try_from(step).unwrap_or(i64::MAX),
        recovery_code_hashes: codes
            .iter()
            .map(|c| recovery_hash(app, user.id, &two_factor::normalize_recovery_code(c)))
            .collect(),
        keep_session: session.id,
        audit: session::audit_event(
            app,
            AuditKind::TwoFactorEnabled,
            Some(user.id),
            &email_key(&user.email),
            client,
            None,
        ),
    };
    if !app.store.enable_two_factor(&on).await? {
        return Err(field_error(
            "Code",
            ErrorCode::InvalidCode,
            "belongs to an enrolment that was replaced: start again",
        ));
    }
    Ok(codes)
}

/// Turns two-step sign-in off, with the password and a code (or a recovery code); every
/// other session ends.
pub async fn disable(
    app: &AppState,
    session: &Session,
    password: &SecretString,
    code: &str,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let user = app.store.user(session.user_id).await?;
    let Some(sealed) = app.store.two_factor(user.id).await?.secret else {
        return Err(field_error("Code", ErrorCode::NotWritable, "two-step sign-in is not on"));
    };
    check_password(app, user.id, &user.email, password, client).await?;
    if !verify(app, user.id, &sealed, code).await? {
        return Err(field_error(
            "Code",
            ErrorCode::InvalidCode,
            "is not a current code or an unused recovery code",
        ));
    }
    let key = email_key(&user.email);
    let audit = session::audit_event(app, AuditKind::TwoFactorDisabled, Some(user.id), &key, client, None);
    Ok(app.store.disable_two_factor(user.id, Some(session.id), &audit).await?)
}

/// The operator's reset for a member who lost the phone: off, and every session ends.
pub async fn reset(app: &AppState, email: &str) -> ServiceResult<()> {
    let user_id = super::operator::user_id_of(app, email).await?;
    reset_of(app, user_id, &ClientInfo::operator("portico member two-factor --reset")).await
}

/// Turns a user's two-step sign-in off for them (they lost their device), audited as done by
/// `client`.
pub(crate) async fn reset_of(app: &AppState, user_id: i64, client: &ClientInfo) -> ServiceResult<()> {
    let user = app.store.user(user_id).await?;
    let kind = AuditKind::TwoFactorResetByOperator;
    let audit = session::audit_event(app, kind, Some(user_id), &email_key(&user.email), client, None);
    Ok(app.store.disable_two_factor(user_id, None, &audit).await?)
}

/// Whether `typed` is a current, unused code of the sealed secret, or an unused recovery
/// code; either is used up by this check.
pub(super) async fn verify(app: &AppState, user_id: i64, sealed: &str, typed: &str) -> ServiceResult<bool> {
    if two_factor::is_one_time_code(typed) {
        let secret = open(app, sealed)?;
        return match two_factor::matching_step(&secret, typed, unix_now(app)) {
            Some(step) => {
                Ok(app.store.use_totp_step(user_id, i64::try_from(step).unwrap_or(i64::MAX)).await?)
            }
            None => Ok(false),
        };
    }
    let normalized = two_factor::normalize_recovery_code(typed);
    if normalized.is_empty() || normalized.len() > 64 {
        return Ok(false);
    }
    Ok(app.store.use_recovery_code(user_id, &recovery_hash(app, user_id, &normalized)).await?)
}

/// A proof, for minutes, that the password of `user_id` was just right (as long as it stays
/// the same password): the portal's code step asks for the code alone.
pub(super) fn pending_token(app: &AppState, user_id: i64, password_hash: &str) -> String {
    let expires = app.clock.now().unix_timestamp() + PENDING_SECONDS;
    let mac = app
        .settings
        .secret_key
        .mac_text(PENDING_PURPOSE, format!("{user_id}.{expires}.{password_hash}").as_bytes());
    format!("{user_id}.{expires}.{mac}")
}

/// The parts of a pending token: the user it names, when it ends, its MAC (not yet checked:
/// [`pending_matches`] does).
pub(super) fn pending_user(token: &str) -> Option<(i64, i64, &str)> {
    let mut parts = token.trim().splitn(3, '.');
    let user_id = parts.next()?.parse().ok()?;
    let expires = parts.next()?.parse().ok()?;
    Some((user_id, expires, parts.next()?))
}

pub(super) fn pending_matches(app: &AppState, token: &str, password_hash: &str) -> Option<i64> {
    let (user_id, expires, mac) = pending_user(token)?;
    if expires < app.clock.now().unix_timestamp() {
        return None;
    }
    let expected = app
        .settings
        .secret_key
        .mac_text(PENDING_PURPOSE, format!("{user_id}.{expires}.{password_hash}").as_bytes());
    bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), mac.as_bytes())).then_some(user_id)
}

fn open(app: &AppState, sealed: &str) -> ServiceResult<Vec<u8>> {
    app.settings.secret_key.decrypt(SECRET_PURPOSE, sealed).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!(
            "a two-step secret does not open with this server's key (PORTICO_SECRET_KEY differs from the one it was sealed with)"
        ))
    })
}

fn recovery_hash(app: &AppState, user_id: i64, normalized: &str) -> String {
    app.settings.secret_key.mac_text(RECOVERY_PURPOSE, format!("{user_id}:{normalized}").as_bytes())
}

fn unix_now(app: &AppState) -> u64 {
    u64::try_from(app.clock.now().unix_timestamp()).unwrap_or(0)
}

fn field_error(property: &str, code: ErrorCode, message: &str) -> ServiceError {
    ServiceError::Validation(FieldErrors::from(FieldError::new(property, code, message)))
}

/// The password, under the lockout like every password check.
async fn check_password(
    app: &AppState,
    user_id: i64,
    email: &str,
    password: &SecretString,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let permit = app.hasher.admit(&client.cancelled)?;
    let key = email_key(email);
    let account = Account { key: &key, user_id: Some(user_id) };
    let hash = app.store.password_hash(user_id).await?;
    let kind = AuditKind::PasswordChangeFailed;
    match session::check_password(app, &permit, &account, password, Some(&hash), kind, client).await? {
        PasswordCheckOutcome::Right { .. } => Ok(()),
        _ => Err(field_error("Password", ErrorCode::WrongCurrentPassword, "is not your current password")),
    }
}

async fn record(
    app: &AppState,
    kind: AuditKind,
    user_id: i64,
    email: &str,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let audit = session::audit_event(app, kind, Some(user_id), &email_key(email), client, None);
    Ok(app.store.record_audit(&audit).await?)
}
