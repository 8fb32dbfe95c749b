//! Sign-in, token refresh, sign-out and resolving a bearer token to its session; and the
//! lockout-guarded password check that sign-in and password changes share.

use std::net::IpAddr;

use secrecy::SecretString;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::error::{ServiceError, ServiceResult};
use crate::auth::password::{HashError, HashPermit, Verification};
use crate::auth::token::{self, TokenPair};
use crate::domain::audit::{AuditActor, AuditEvent, AuditKind};
use crate::domain::fields::{MAX_EMAIL_CHARS, email_digest, email_key, legacy_email_keys};
use crate::domain::lockout::Admission;
use crate::domain::profile::{Location, Profile, ProfileSummary, User};
use crate::service::AppState;
use crate::store::{
    BASIC_CLIENT, FailedAttempt, LinkSignIn, LoginRecord, NewSession, PasswordCheck, RefreshOutcome, Session,
    SessionTokens, StoreError, VerifiedPassword,
};
use tokio::sync::SemaphorePermit;

pub const WRONG_CREDENTIALS: &str = "The user name or password is incorrect.";
const BAD_REFRESH: &str = "The refresh token is invalid, expired or already used.";
pub const WRONG_CODE: &str = "The code is incorrect, or was already used.";
const TWO_STEP_NOT_WITH_BASIC: &str = "Two-step sign-in is on for this account: sign in at /api/token with the code (totp), not with Basic credentials.";

/// Who is asking, for the rate limits, the session list and the audit log, and whether
/// they are still waiting for the answer.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub address: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// The request's `X-Request-Id`, recorded with the changes it makes.
    pub request_id: Option<String>,
    /// Cancelled when the client hangs up or the request's time limit passes: password
    /// work not yet started is then skipped.
    pub cancelled: CancellationToken,
    /// The staff user or key acting on someone else's account, recorded in the audit log.
    pub actor: Option<AuditActor>,
}

impl ClientInfo {
    /// An operator at the command line, named in the audit log by what they ran.
    pub fn operator(command: &str) -> ClientInfo {
        ClientInfo { user_agent: Some(command.to_string()), ..ClientInfo::default() }
    }

    fn source(&self) -> Option<String> {
        self.address.map(|a| a.to_string())
    }
}

/// The tokens handed to a client, in clear, once.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// A password sign-in, with what Nexudus clients may add to it.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a SecretString,
    /// Nexudus's `client_id` header: one refresh token per client (the e-mail when none).
    pub client_id: Option<&'a str>,
    /// A shorter access token than the configured one (`validityInMinutes`).
    pub access_ttl: Option<std::time::Duration>,
    /// The second step, when the account has two-step sign-in on: a one-time code or a
    /// recovery code (`totp`).
    pub totp: Option<&'a str>,
    /// Where a location requires two-step sign-in and the member has not set it up: whether
    /// this sign-in may go on so that they can (the portal's), or is refused (the API's).
    pub may_enrol: bool,
}

/// The password grant. An unknown e-mail and a wrong password get the same answer after
/// the same work, and lock out alike.
pub async fn sign_in(
    app: &AppState,
    email: &str,
    password: &SecretString,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let credentials =
        Credentials { email, password, client_id: None, access_ttl: None, totp: None, may_enrol: false };
    sign_in_with(app, credentials, client).await
}

/// What kind of session a sign-in starts.
#[derive(Debug, Clone)]
struct Shape {
    client_id: String,
    access_ttl: std::time::Duration,
    lifetime: std::time::Duration,
}

/// The password grant with a client id or a shorter access token.
pub async fn sign_in_with(
    app: &AppState,
    credentials: Credentials<'_>,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let key = email_key(credentials.email);
    let client_id =
        credentials.client_id.map(str::trim).filter(|c| !c.is_empty()).map_or(key, str::to_string);
    let access_ttl = credentials
        .access_ttl
        .map_or(app.settings.access_token_ttl, |ttl| ttl.min(app.settings.access_token_ttl));
    let shape = Shape { client_id, access_ttl, lifetime: app.settings.session_lifetime };
    let second = credentials.totp.map_or(Typed::Nothing, Typed::Code);
    let tokens = password_sign_in(
        app,
        credentials.email,
        credentials.password,
        second,
        shape,
        credentials.may_enrol,
        client,
    );
    tokens.await
}

/// What a sign-in brings for the second step.
#[derive(Clone, Copy)]
enum Typed<'a> {
    Nothing,
    Code(&'a str),
    /// Basic credentials: no code can travel with them, so an account with two-step sign-in
    /// on cannot use them.
    Impossible,
}

/// The sessions of `Authorization: Basic`: remembered for minutes, ending soon after.
pub(super) async fn basic_sign_in(
    app: &AppState,
    email: &str,
    password: &SecretString,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    let lifetime = BASIC_SESSION_LIFETIME;
    let shape = Shape { client_id: BASIC_CLIENT.to_string(), access_ttl: lifetime, lifetime };
    password_sign_in(app, email, password, Typed::Impossible, shape, false, client).await
}

/// How long a session made for Basic credentials lasts: longer than the credential is
/// remembered (`service::basic`), so a remembered one always finds its session.
pub const BASIC_SESSION_LIFETIME: std::time::Duration = std::time::Duration::from_secs(600);

async fn password_sign_in(
    app: &AppState,
    email: &str,
    password: &SecretString,
    typed: Typed<'_>,
    shape: Shape,
    may_enrol: bool,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(ServiceError::InvalidRequest("username is longer than any e-mail address."));
    }
    app.limits.token_request(client.address)?;
    let permit = app.hasher.admit(&client.cancelled)?;
    let key = email_key(email);
    let record = {
        let _turn = password_turn(app, &client).await?;
        login_record(app, email, &key).await?
    };
    let account = Account { key: &key, user_id: record.as_ref().map(|r| r.user_id) };
    let stored_hash = record.as_ref().map(|r| r.password_hash.as_str());
    let second =
        match record.as_ref().and_then(|r| r.totp_secret.as_deref().map(|sealed| (r.user_id, sealed))) {
            None => SecondStep::NotNeeded,
            Some((user_id, sealed_secret)) => SecondStep::Needed { user_id, sealed_secret, typed },
        };
    let check =
        PasswordCheckRequest { account: &account, password, stored_hash, failure: AuditKind::SignInFailed };
    let checked = check_password_then(app, &permit, check, second, &client);
    let needs_rehash = match (checked.await?, &record) {
        (PasswordCheckOutcome::Right { needs_rehash }, Some(record)) if record.active => needs_rehash,
        (PasswordCheckOutcome::SecondStepMissing, Some(record)) if record.active => {
            return Err(match typed {
                Typed::Impossible => ServiceError::InvalidGrant(TWO_STEP_NOT_WITH_BASIC),
                _ => ServiceError::TwoFactorRequired {
                    pending: super::two_factor::pending_token(app, record.user_id, &record.password_hash),
                },
            });
        }
        (PasswordCheckOutcome::SecondStepWrong, Some(record)) if record.active => {
            return Err(ServiceError::InvalidGrant(WRONG_CODE));
        }
        _ => return Err(ServiceError::InvalidGrant(WRONG_CREDENTIALS)),
    };
    let Some(record) = record else { return Err(ServiceError::InvalidGrant(WRONG_CREDENTIALS)) };
    if record.two_step_required && record.totp_secret.is_none() && !may_enrol {
        return Err(ServiceError::TwoFactorSetupRequired);
    }
    if record.must_reset_password {
        return Err(ServiceError::MustResetPassword(
            super::account::reset_token_for(app, record.user_id).await?,
        ));
    }
    let tokens = start_session(app, &record, &account, &client, &shape).await?;
    if needs_rehash {
        upgrade_hash(app, &permit, &record, password).await;
    }
    Ok(tokens)
}

/// Whether a location of the member's requires two-step sign-in and they have not set it up.
pub async fn must_set_up_two_step(app: &AppState, email: &str) -> ServiceResult<bool> {
    let record = app.store.login_record(&email_key(email)).await?;
    Ok(record.is_some_and(|r| r.two_step_required && r.totp_secret.is_none()))
}

/// The portal's second step: the code alone, within minutes of a right password (the
/// `pending` token of [`ServiceError::TwoFactorRequired`]), under the same lockout.
pub async fn sign_in_second_step(
    app: &AppState,
    pending: &str,
    code: &str,
    client: ClientInfo,
) -> ServiceResult<IssuedTokens> {
    app.limits.token_request(client.address)?;
    let expired = ServiceError::InvalidGrant(SECOND_STEP_EXPIRED);
    let Some((user_id, _, _)) = super::two_factor::pending_user(pending) else { return Err(expired) };
    let user = app.store.user(user_id).await.map_err(|_| ServiceError::InvalidGrant(SECOND_STEP_EXPIRED))?;
    let key = email_key(&user.email);
    let record = login_record(app, &user.email, &key).await?.filter(|r| r.user_id == user_id && r.active);
    let Some(record) = record else { return Err(expired) };
    let Some(sealed) = record.totp_secret.as_deref() else { return Err(expired) };
    if super::two_factor::pending_matches(app, pending, &record.password_hash).is_none() {
        return Err(expired);
    }
    let account = Account { key: &key, user_id: Some(user_id) };
    code_under_lockout(app, &account, sealed, code, &client).await?;
    if record.must_reset_password {
        return Err(ServiceError::MustResetPassword(super::account::reset_token_for(app, user_id).await?));
    }
    let shape = Shape {
        client_id: key.clone(),
        access_ttl: app.settings.access_token_ttl,
        lifetime: app.settings.session_lifetime,
    };
    start_session(app, &record, &account, &client, &shape).await
}

/// A code (or recovery code) checked under the account's lockout, as a password is: admitted
/// or refused while locked, a wrong one counted, a right one clearing the count.
async fn code_under_lockout(
    app: &AppState,
    account: &Account<'_>,
    sealed: &str,
    code: &str,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let user_id = account.user_id.unwrap_or_default();
    let now = app.clock.now();
    let refused = audit_event(
        app,
        AuditKind::SignInFailed,
        Some(user_id),
        account.key,
        client,
        Some("refused: locked"),
    );
    let check =
        PasswordCheck { lockout_key: account.lockout_key(), rule: app.settings.lockout, now, refused };
    let admission = {
        let _turn = password_turn(app, client).await?;
        app.store.admit_password_check(&check).await?
    };
    let attempt = match admission {
        Admission::Allowed { attempt } => attempt,
        Admission::Locked { until } => return Err(locked(app, until)),
    };
    if !super::two_factor::verify(app, user_id, sealed, code).await? {
        let failed = FailedAttempt {
            lockout_key: check.lockout_key,
            rule: app.settings.lockout,
            attempt,
            audit: audit_event(
                app,
                AuditKind::SignInFailed,
                Some(user_id),
                account.key,
                client,
                Some("wrong code"),
            ),
        };
        app.store.record_password_failure(&failed).await?;
        return Err(ServiceError::InvalidGrant(WRONG_CODE));
    }
    match app.store.record_password_success(&check.lockout_key, now).await? {
        Some(until) => Err(locked(app, until)),
        None => Ok(()),
    }
}

pub const SECOND_STEP_EXPIRED: &str = "The sign-in took too long: enter your password again.";

/// The account of an address; one whose key was made by an earlier rule (and could not be
/// made again: another account took the new key) is found under its old key.
async fn login_record(app: &AppState, email: &str, key: &str) -> ServiceResult<Option<LoginRecord>> {
    if let Some(record) = app.store.login_record(key).await? {
        return Ok(Some(record));
    }
    for legacy in legacy_email_keys(email) {
        if legacy != key
            && let Some(record) = app.store.login_record(&legacy).await?
        {
            return Ok(Some(record));
        }
    }
    Ok(None)
}

/// An account as the lockout and the audit log know it: by its e-mail key, and its user
/// when the address belongs to one.
pub struct Account<'a> {
    pub key: &'a str,
    pub user_id: Option<i64>,
}

impl Account<'_> {
    /// The lockout counter of the address: a digest, the same for members and strangers.
    pub fn lockout_key(&self) -> String {
        email_digest(self.key)
    }
}

pub enum PasswordCheckOutcome {
    Right {
        needs_rehash: bool,
    },
    Wrong,
    /// The password was right; the account has two-step sign-in on and no code came. The
    /// attempt stays counted by the lockout until a right code clears it.
    SecondStepMissing,
    /// The password was right, the code wrong (counted like a wrong password).
    SecondStepWrong,
}

/// The second step a password check must also pass before it clears the lockout.
#[derive(Clone, Copy)]
enum SecondStep<'a> {
    NotNeeded,
    Needed { user_id: i64, sealed_secret: &'a str, typed: Typed<'a> },
}

/// What one password check is about.
pub struct PasswordCheckRequest<'a> {
    pub account: &'a Account<'a>,
    pub password: &'a SecretString,
    pub stored_hash: Option<&'a str>,
    pub failure: AuditKind,
}

/// Verifies a password under the account's lockout: the check is counted (or refused
/// with `Locked`) before any hashing; a wrong password stays counted and is recorded, a
/// right one clears the count (or meets the lock that concurrent failures set meanwhile).
pub async fn check_password(
    app: &AppState,
    permit: &HashPermit,
    account: &Account<'_>,
    password: &SecretString,
    stored_hash: Option<&str>,
    failure: AuditKind,
    client: &ClientInfo,
) -> ServiceResult<PasswordCheckOutcome> {
    let check = PasswordCheckRequest { account, password, stored_hash, failure };
    check_password_then(app, permit, check, SecondStep::NotNeeded, client).await
}

/// [`check_password`], and where the account has two-step sign-in on, its second step in
/// the same admission: only a right password with a right code clears the count.
async fn check_password_then(
    app: &AppState,
    permit: &HashPermit,
    request: PasswordCheckRequest<'_>,
    second: SecondStep<'_>,
    client: &ClientInfo,
) -> ServiceResult<PasswordCheckOutcome> {
    let PasswordCheckRequest { account, password, stored_hash, failure } = request;
    let now = app.clock.now();
    let check = PasswordCheck {
        lockout_key: account.lockout_key(),
        rule: app.settings.lockout,
        now,
        refused: audit_event(
            app,
            failure,
            account.user_id,
            account.key,
            client,
            Some("refused: password checks are locked"),
        ),
    };
    let admission = {
        let _turn = password_turn(app, client).await?;
        app.store.admit_password_check(&check).await?
    };
    let attempt = match admission {
        Admission::Allowed { attempt } => attempt,
        Admission::Locked { until } => {
            metrics::counter!("portico_password_checks_refused_total").increment(1);
            return Err(locked(app, until));
        }
    };
    let verification = permit.verify(password, stored_hash).await?;
    let _turn = password_turn(app, client).await?;
    let mut code_was_wrong = false;
    let verification = match (verification, second) {
        (
            Verification::Match { .. },
            SecondStep::Needed { typed: Typed::Nothing | Typed::Impossible, .. },
        ) => {
            return Ok(PasswordCheckOutcome::SecondStepMissing);
        }
        (
            Verification::Match { needs_rehash },
            SecondStep::Needed { user_id, sealed_secret, typed: Typed::Code(code) },
        ) => {
            if super::two_factor::verify(app, user_id, sealed_secret, code).await? {
                Verification::Match { needs_rehash }
            } else {
                code_was_wrong = true;
                Verification::Mismatch
            }
        }
        (verification, _) => verification,
    };
    match verification {
        Verification::Match { needs_rehash } => {
            match app.store.record_password_success(&check.lockout_key, now).await? {
                None => Ok(PasswordCheckOutcome::Right { needs_rehash }),
                Some(until) => Err(locked(app, until)),
            }
        }
        Verification::Mismatch => {
            let failed = FailedAttempt {
                lockout_key: check.lockout_key,
                rule: app.settings.lockout,
                attempt,
                audit: audit_event(app, failure, account.user_id, account.key, client, None),
            };
            if app.store.record_password_failure(&failed).await?.is_some() {
                tracing::warn!(user_id = account.user_id, "password checks locked after repeated failures");
                metrics::counter!("portico_lockouts_total").increment(1);
            }
            Ok(if code_was_wrong {
                PasswordCheckOutcome::SecondStepWrong
            } else {
                PasswordCheckOutcome::Wrong
            })
        }
    }
}

/// A turn at the store for password work. Only a few requests take one at a time, so a
/// flood of sign-ins can occupy no more than that many database connections: profile
/// reads and plain writes never wait behind it. A request whose client has left by its
/// turn goes no further.
async fn password_turn<'a>(app: &'a AppState, client: &ClientInfo) -> ServiceResult<SemaphorePermit<'a>> {
    let turn = app.password_turns.acquire().await.map_err(|_| HashError::Closed)?;
    if client.cancelled.is_cancelled() {
        return Err(HashError::Abandoned.into());
    }
    Ok(turn)
}

/// The lockout as the client sees it: how long until it ends.
pub fn locked(app: &AppState, until: OffsetDateTime) -> ServiceError {
    let seconds = (until - app.clock.now()).whole_seconds().max(1);
    ServiceError::Locked { retry_after: std::time::Duration::from_secs(seconds.unsigned_abs()) }
}

async fn start_session(
    app: &AppState,
    record: &LoginRecord,
    account: &Account<'_>,
    client: &ClientInfo,
    shape: &Shape,
) -> ServiceResult<IssuedTokens> {
    let now = app.clock.now();
    let expires_at = now + shape.lifetime;
    let tokens = TokenPair::generate();
    let mut stored = session_tokens(app, &tokens, now, expires_at);
    stored.access_expires_at = (now + shape.access_ttl).min(expires_at);
    let session = NewSession {
        user_id: record.user_id,
        profile_id: record.default_profile_id,
        tokens: stored,
        created_at: now,
        expires_at,
        source: client.source(),
        user_agent: client.user_agent.clone(),
        client_id: shape.client_id.clone(),
    };
    let verified =
        VerifiedPassword { hash: record.password_hash.clone(), lockout_key: account.lockout_key() };
    let audit = audit_event(app, AuditKind::SignIn, Some(record.user_id), account.key, client, None);
    let _turn = password_turn(app, client).await?;
    match app.store.create_session(&session, &verified, &audit).await {
        Ok(session) => Ok(issued(tokens, session.access_expires_at, now)),
        Err(StoreError::Locked(until)) => Err(locked(app, until)),
        // The password changed while this one was being checked: it is no longer right.
        Err(StoreError::PasswordChanged) => Err(ServiceError::InvalidGrant(WRONG_CREDENTIALS)),
        Err(other) => Err(other.into()),
    }
}

/// A hash made with older parameters (or of an unnormalised password) is replaced while
/// the password is at hand, unless the password changed meanwhile. Failing to do so must
/// not fail the sign-in.
async fn upgrade_hash(app: &AppState, permit: &HashPermit, record: &LoginRecord, password: &SecretString) {
    let user_id = record.user_id;
    let upgraded = match permit.hash(password).await {
        Ok(hash) => app
            .store
            .upgrade_password_hash(user_id, &record.password_hash, &hash)
            .await
            .map_err(|e| e.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match upgraded {
        Ok(true) => tracing::info!(user_id, "upgraded a password hash to the current parameters"),
        Ok(false) => tracing::info!(user_id, "the password changed meanwhile; its hash was not upgraded"),
        Err(error) => tracing::warn!(user_id, %error, "could not upgrade a password hash"),
    }
}

/// An audit event; an address that belongs to no member is recorded only as a digest.
pub fn audit_event(
    app: &AppState,
    kind: AuditKind,
    user_id: Option<i64>,
    key: &str,
    client: &ClientInfo,
    detail: Option<&str>,
) -> AuditEvent {
    let subject = if user_id.is_some() { key.to_string() } else { email_digest(key) };
    AuditEvent {
        at: app.clock.now(),
        kind,
        user_id,
        email_key: Some(subject),
        source: client.source(),
        user_agent: client.user_agent.clone(),
        detail: detail.map(str::to_string),
        actor: client.actor.clone(),
    }
}

/// The refresh grant: a live refresh token buys a new pair and joins its family's history;
/// a token from that history ends the whole family.
pub async fn refresh(
    app: &AppState,
    refresh_token: &str,
    client_id: Option<&str>,
    client: &ClientInfo,
) -> ServiceResult<IssuedTokens> {
    app.limits.token_request(client.address)?;
    let now = app.clock.now();
    let tokens = TokenPair::generate();
    let next = session_tokens(app, &tokens, now, now + app.settings.session_lifetime);
    match app.store.rotate_refresh(&token::hash(refresh_token), &next, now, client_id).await? {
        RefreshOutcome::Rotated(session) => Ok(issued(tokens, session.access_expires_at, now)),
        RefreshOutcome::Reused { user_id } => {
            tracing::warn!(user_id, "a retired refresh token was presented again; its session was ended");
            let user = app.store.user(user_id).await?;
            let audit = audit_event(
                app,
                AuditKind::RefreshTokenReused,
                Some(user_id),
                &email_key(&user.email),
                client,
                None,
            );
            app.store.record_audit(&audit).await?;
            Err(ServiceError::InvalidGrant(BAD_REFRESH))
        }
        RefreshOutcome::Invalid => Err(ServiceError::InvalidGrant(BAD_REFRESH)),
    }
}

/// The live session a bearer token belongs to.
pub async fn authenticate(app: &AppState, access_token: &str) -> ServiceResult<Session> {
    app.store
        .session_by_access(&token::hash(access_token), app.clock.now())
        .await?
        .ok_or(ServiceError::Unauthenticated)
}

/// The live session a bearer token belongs to and the session's current profile, in one read.
pub async fn authenticate_with_profile(
    app: &AppState,
    access_token: &str,
) -> ServiceResult<(Session, Profile)> {
    app.store
        .session_profile(&token::hash(access_token), app.clock.now())
        .await?
        .ok_or(ServiceError::Unauthenticated)
}

/// RFC 7009: ends the session an access or refresh token (current or retired) belongs to.
/// Unknown tokens are not an error: the answer never tells whether a token existed.
pub async fn revoke_token(app: &AppState, presented: &str, client: &ClientInfo) -> ServiceResult<()> {
    let Some(owner) = app.store.token_owner(&token::hash(presented)).await? else {
        return Ok(());
    };
    end_session(app, owner.session_id, owner.user_id, client).await
}

async fn end_session(
    app: &AppState,
    session_id: i64,
    user_id: i64,
    client: &ClientInfo,
) -> ServiceResult<()> {
    let user = app.store.user(user_id).await?;
    let audit =
        audit_event(app, AuditKind::SessionRevoked, Some(user.id), &email_key(&user.email), client, None);
    Ok(app.store.end_session(session_id, &audit).await?)
}

/// Exchanges a one-time sign-in token (a mailed sign-in link's, or one the API handed out)
/// for a session: once, while it lives. `access_ttl` may shorten the access token.
pub async fn exchange(
    app: &AppState,
    one_time: &str,
    access_ttl: Option<std::time::Duration>,
    totp: Option<&str>,
    may_enrol: bool,
    client: &ClientInfo,
) -> ServiceResult<IssuedTokens> {
    app.limits.token_request(client.address)?;
    let now = app.clock.now();
    if let Some(link) = app.store.link(&token::hash(one_time.trim()), now).await? {
        let user = app.store.user(link.user_id).await?;
        // A suspended member signs in no way at all.
        if !user.active {
            return Err(ServiceError::InvalidGrant(BAD_ONE_TIME_TOKEN));
        }
        if !may_enrol && must_set_up_two_step(app, &user.email).await? {
            return Err(ServiceError::TwoFactorSetupRequired);
        }
        // A link stands in for the password, never for the second step: an account with
        // two-step sign-in on also needs its code (the link stays unused until then).
        if let Some(sealed) = app.store.two_factor(user.id).await?.secret {
            let Some(code) = totp.map(str::trim).filter(|c| !c.is_empty()) else {
                return Err(ServiceError::TwoFactorRequired { pending: String::new() });
            };
            let key = email_key(&user.email);
            code_under_lockout(app, &Account { key: &key, user_id: Some(user.id) }, &sealed, code, client)
                .await?;
        }
    }
    let expires_at = now + app.settings.session_lifetime;
    let tokens = TokenPair::generate();
    let mut stored = session_tokens(app, &tokens, now, expires_at);
    if let Some(ttl) = access_ttl {
        stored.access_expires_at = stored.access_expires_at.min(now + ttl);
    }
    let sign_in = LinkSignIn {
        token_hash: token::hash(one_time.trim()),
        now,
        tokens: stored,
        expires_at,
        source: client.source(),
        user_agent: client.user_agent.clone(),
        client_id: None,
        audit: AuditEvent {
            detail: Some("one-time token".into()),
            ..audit_event(app, AuditKind::SignIn, None, "", client, None)
        },
    };
    match app.store.sign_in_with_link(&sign_in).await? {
        Some(session) => Ok(issued(tokens, session.access_expires_at, now)),
        None => Err(ServiceError::InvalidGrant(BAD_ONE_TIME_TOKEN)),
    }
}

const BAD_ONE_TIME_TOKEN: &str = "The token is invalid, expired or already used.";

/// A one-time token for the session's user (`token/refresh`): exchanged once, within
/// minutes, for a session (`/en/user/login?t=`, `exchange`).
pub async fn one_time_token(app: &AppState, session: &Session) -> ServiceResult<String> {
    super::account::one_time_sign_in(app, session.user_id).await
}

/// What `/en/user/me` shows: the user, where they have profiles, and the location of the
/// session's current one.
#[derive(Debug, Clone)]
pub struct UserMe {
    pub user: User,
    pub businesses: Vec<i64>,
    pub current: ProfileSummary,
}

pub async fn user_me(app: &AppState, session: &Session) -> ServiceResult<UserMe> {
    let user = app.store.user(session.user_id).await?;
    let profiles = app.store.profiles_of_user(session.user_id).await?;
    let mut businesses: Vec<i64> = profiles.iter().map(|p| p.location_id).collect();
    businesses.dedup();
    let current =
        profiles.into_iter().find(|p| p.id == session.profile_id).ok_or(ServiceError::NotFound("profile"))?;
    Ok(UserMe { user, businesses, current })
}

/// What `/login/me` shows.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub current_profile_id: i64,
    pub location: Location,
    pub expires_on: OffsetDateTime,
}

pub async fn describe(app: &AppState, session: &Session) -> ServiceResult<SessionInfo> {
    let user = app.store.user(session.user_id).await?;
    let profile = app.store.profile(session.profile_id).await?;
    let location = app.store.location(profile.location_id).await?;
    Ok(SessionInfo {
        user,
        current_profile_id: session.profile_id,
        location,
        expires_on: session.access_expires_at,
    })
}

/// The stored form of a new pair; neither part outlives the session's absolute end.
fn session_tokens(
    app: &AppState,
    tokens: &TokenPair,
    now: OffsetDateTime,
    ends: OffsetDateTime,
) -> SessionTokens {
    SessionTokens {
        access_hash: tokens.access_hash(),
        refresh_hash: tokens.refresh_hash(),
        access_expires_at: (now + app.settings.access_token_ttl).min(ends),
        refresh_expires_at: (now + app.settings.refresh_token_ttl).min(ends),
    }
}

fn issued(tokens: TokenPair, access_expires_at: OffsetDateTime, now: OffsetDateTime) -> IssuedTokens {
    IssuedTokens {
        access_token: tokens.access,
        refresh_token: tokens.refresh,
        expires_in: (access_expires_at - now).whole_seconds().max(0).unsigned_abs(),
    }
}
