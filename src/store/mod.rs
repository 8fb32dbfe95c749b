//! Persistence: one trait of use-case methods, implemented for SQLite and PostgreSQL.
//! Every write method is one transaction; nothing above this layer sees SQL.

pub mod postgres;
mod shared;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::auth::token::TokenHash;
use crate::domain::account::Purpose;
use crate::domain::ai::{AiSetting, DraftAdmission};
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::brand::Accent;
use crate::domain::contact::ContactAdmission;
use crate::domain::custom::CustomField;
use crate::domain::directory::{DirectoryHits, DirectoryOrder, SearchCandidate};
pub use crate::domain::history::Paging;
use crate::domain::history::{HistoryPage, Origin};
use crate::domain::language::Language;
use crate::domain::lockout::{Admission, LockoutRule};
use crate::domain::markdown::RenderedBio;
use crate::domain::password::PasswordPolicy;
use crate::domain::patch::ProfilePatch;
use crate::domain::photo::{Photo, PhotoKind};
use crate::domain::profile::{Location, Profile, ProfileSummary, User, Version};
pub use crate::domain::session::{Session, SessionSummary};
use crate::domain::staff::Grant;
pub use crate::domain::staff::MemberOrder;
pub use shared::PhotoRecord;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the record changed since it was read")]
    VersionMismatch,
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Password checks for the account are locked until then.
    #[error("password checks are locked")]
    Locked(OffsetDateTime),
    /// The session that asked was ended (signed out, or by a password change) meanwhile.
    #[error("the session has ended")]
    SessionEnded,
    /// The password changed since the one being acted on was verified.
    #[error("the password changed since it was verified")]
    PasswordChanged,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A location to create.
#[derive(Debug, Clone)]
pub struct NewLocation {
    pub name: String,
    pub web_address: String,
    pub country_id: i64,
    pub created_on: OffsetDateTime,
}

/// A member to create (or a profile to add to an existing user with the same e-mail).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub full_name: String,
    pub location_id: i64,
    /// Further profile properties, already validated (from a CSV import).
    pub fields: ProfilePatch,
    /// The HTML of `fields`' bio, when it has one.
    pub summary_html: Option<RenderedBio>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddedMember {
    pub user_id: i64,
    pub profile_id: i64,
    pub new_user: bool,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user_id: i64,
    pub password_hash: String,
    pub active: bool,
    pub default_profile_id: i64,
    /// An operator asked for a new password at the next sign-in.
    pub must_reset_password: bool,
    /// The two-step sign-in secret, sealed under the server's key: present when it is on.
    pub totp_secret: Option<String>,
    /// A location where the user has a profile requires two-step sign-in, or the user is staff.
    pub two_step_required: bool,
}

/// Which members staff look for: words anywhere in the name, e-mail or company, or in one of
/// them; members or contacts; active or suspended; a location; only the locations of a staff
/// user; one page in an order.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    /// Lower-case text to find anywhere in the name, the e-mail or the company.
    pub search: Option<String>,
    /// Lower-case text to find in that one property.
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub is_member: Option<bool>,
    /// Neither the profile nor its user suspended (`true`), or either (`false`).
    pub active: Option<bool>,
    pub location_id: Option<i64>,
    /// Only profiles at locations where this user has a staff role.
    pub staff_user_id: Option<i64>,
    pub order: MemberOrder,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

/// One page of a member list and how many match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: i64,
}

/// A staff role as listed: who, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub user_id: i64,
    pub email: String,
    pub location_id: i64,
    pub location_name: String,
    pub role: crate::domain::staff::Role,
}

/// An integration's key to the admin API, as stored (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffKey {
    pub id: i64,
    pub name: String,
    pub location_id: i64,
    pub role: crate::domain::staff::Role,
}

/// A key to create: its secret only as a hash.
#[derive(Debug, Clone)]
pub struct NewStaffKey {
    pub name: String,
    pub secret_hash: String,
    pub location_id: i64,
    pub role: crate::domain::staff::Role,
    pub created_at: OffsetDateTime,
    pub audit: AuditEvent,
}

/// Which audit events of a location to read: about its members or by its staff; of one
/// kind; by or about one user; in a time range; the newest first.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub location_id: i64,
    pub event: Option<String>,
    pub user_id: Option<i64>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub limit: i64,
}

/// One profile as a member list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub user_id: i64,
    pub profile_id: i64,
    pub email: String,
    pub full_name: String,
    pub location_name: String,
    pub company_name: String,
    /// Neither the profile nor its user is suspended.
    pub active: bool,
    pub is_member: bool,
}

/// Erasing a member (GDPR Art. 17): what identifies their records elsewhere, and the
/// operator's audit event that says it happened.
#[derive(Debug, Clone)]
pub struct Erasure {
    pub user_id: i64,
    pub email_key: String,
    pub lockout_key: String,
    pub audit: AuditEvent,
}

/// A user's two-step sign-in as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TwoFactorState {
    /// The sealed secret, when two-step sign-in is on.
    pub secret: Option<String>,
    /// The sealed secret of an enrolment not yet confirmed.
    pub pending: Option<String>,
    pub recovery_codes_left: u32,
}

/// Turning two-step sign-in on: the enrolment confirmed (if it is still the one waiting),
/// its new recovery codes, and every session of the user but `keep_session` ended.
#[derive(Debug, Clone)]
pub struct TwoFactorOn {
    pub user_id: i64,
    pub pending: String,
    /// The step of the code that confirmed it: used, like any code.
    pub confirmed_step: i64,
    pub recovery_code_hashes: Vec<String>,
    pub keep_session: i64,
    pub audit: AuditEvent,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub user_id: i64,
    pub profile_id: i64,
    pub tokens: SessionTokens,
    pub created_at: OffsetDateTime,
    /// The session's absolute end: no refresh extends it.
    pub expires_at: OffsetDateTime,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    /// The client it belongs to (Nexudus's `client_id`; the e-mail key when none was sent;
    /// [`BASIC_CLIENT`] for credentials sent with each request). A new sign-in of a client
    /// ends that client's earlier refresh tokens.
    pub client_id: String,
}

/// The client of the sessions made for `Authorization: Basic`: they live minutes, and a
/// lockout ends them.
pub const BASIC_CLIENT: &str = "basic";

/// A sign-in through a single-use link (a sign-in link mailed to the user, or the one-time
/// token the API hands out): the session starts only if the link still works, and uses it up.
#[derive(Debug, Clone)]
pub struct LinkSignIn {
    pub token_hash: TokenHash,
    pub now: OffsetDateTime,
    pub tokens: SessionTokens,
    pub expires_at: OffsetDateTime,
    pub source: Option<String>,
    pub user_agent: Option<String>,
    pub client_id: Option<String>,
    pub audit: AuditEvent,
}

/// A password that was just verified for a sign-in: the session is created only if it is
/// still the account's password and the account is not locked.
#[derive(Debug, Clone)]
pub struct VerifiedPassword {
    pub hash: String,
    pub lockout_key: String,
}

/// The stored form of a token pair and when each part expires.
#[derive(Debug, Clone)]
pub struct SessionTokens {
    pub access_hash: TokenHash,
    pub refresh_hash: TokenHash,
    pub access_expires_at: OffsetDateTime,
    pub refresh_expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RefreshOutcome {
    /// The new pair replaced the old; their expiry never passes the session's own end.
    Rotated(Session),
    /// The token belonged to the session once but has been rotated away: a sign of theft,
    /// so the whole session (every token of the family) has been ended.
    Reused {
        user_id: i64,
    },
    Invalid,
}

/// The session a token (access, refresh or an earlier refresh) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    pub session_id: i64,
    pub user_id: i64,
}

/// A password check about to run for an account (known or not): counted toward its
/// lockout before any hashing. `refused` is recorded if the account is locked.
#[derive(Debug, Clone)]
pub struct PasswordCheck {
    pub lockout_key: String,
    pub rule: LockoutRule,
    pub now: OffsetDateTime,
    pub refused: AuditEvent,
}

/// An admitted password check that failed.
#[derive(Debug, Clone)]
pub struct FailedAttempt {
    pub lockout_key: String,
    pub rule: LockoutRule,
    /// Which admitted check of the window this was (`Admission::Allowed`).
    pub attempt: u32,
    pub audit: AuditEvent,
}

/// A new password hash, applied with the rest of a PATCH, only if `verified_hash` is still
/// the stored one and the account is not locked. Every other session of the user ends with
/// it, the account's failure count is cleared, and the changing session's refresh token is
/// rotated to `next_refresh`.
#[derive(Debug, Clone)]
pub struct PasswordUpdate {
    pub hash: String,
    pub verified_hash: String,
    pub lockout_key: String,
    pub keep_session: i64,
    pub next_refresh: TokenHash,
    pub audit: AuditEvent,
}

/// A password an operator sets: every session ends and the lockout is cleared.
#[derive(Debug, Clone)]
pub struct OperatorPassword {
    pub user_id: i64,
    pub hash: String,
    pub lockout_key: String,
    pub audit: AuditEvent,
}

/// One PATCH, validated, ready to apply atomically, only while the session that sent it is
/// still alive.
#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    /// The member's session the change is made in; `None` for a change by the space's staff.
    pub session_id: Option<i64>,
    pub profile_id: i64,
    pub user_id: i64,
    pub patch: ProfilePatch,
    /// `If-Match`: apply only if the representation is still at this version.
    pub expected: Option<Version>,
    pub password: Option<PasswordUpdate>,
    /// Read the updated profile back in the same transaction (otherwise only its version).
    pub return_profile: bool,
    pub now: OffsetDateTime,
    /// Recorded in the change history with what changed.
    pub origin: Origin,
    /// The bio's new HTML when the patch sets the bio (`Some(None)` when it clears it).
    pub summary_html: Option<Option<RenderedBio>>,
}

/// One AI draft asked for: admitted, and counted, only while the member's hourly limit and
/// the location's daily cap both have room (`domain::ai` has the windows).
#[derive(Debug, Clone, Copy)]
pub struct DraftRequest {
    pub user_id: i64,
    pub location_id: i64,
    pub now: OffsetDateTime,
    pub per_member: u32,
    pub per_location: u32,
}

pub use crate::domain::mail::{NewMail, OutboxMail};

/// A location's brand as the operator sets it (the logo is stored on its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationBrand {
    pub display_name: Option<String>,
    pub accent: Option<Accent>,
    pub contact_relay: bool,
    pub language: crate::domain::language::Language,
}

/// A message from one member to another through the directory, to relay only while the
/// recipient's profile is still in the location's directory, the location's relay is on,
/// and the sender relayed fewer than `per_hour` messages in the last hour and `per_day` in
/// the last day (`domain::contact` has the windows). Relayed, its mail is queued and the
/// sending audited in the same transaction.
#[derive(Debug, Clone)]
pub struct ContactRelay {
    pub sender_id: i64,
    pub recipient_profile_id: i64,
    pub location_id: i64,
    pub now: OffsetDateTime,
    pub per_hour: u32,
    pub per_day: u32,
    pub mail: NewMail,
    pub audit: AuditEvent,
}

/// A public profile as the directory shows it, with its bio's stored HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryProfile {
    pub profile: Profile,
    pub summary_html: Option<RenderedBio>,
}

/// A bio whose HTML is missing or was rendered under another key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleBio {
    pub profile_id: i64,
    pub markdown: String,
}

/// A single-use link for a user, and the mail that carries it. Issued only while the user
/// was sent fewer than `per_hour` links of this purpose in the last hour; older unused
/// links of the same purpose are voided by it.
#[derive(Debug, Clone)]
pub struct LinkIssue {
    pub user_id: i64,
    pub purpose: Purpose,
    pub token_hash: TokenHash,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub new_email: Option<String>,
    pub old_email: Option<String>,
    pub per_hour: u32,
    pub mail: Vec<NewMail>,
    /// A second link issued with this one (the undo link sent with an e-mail change).
    pub companion: Option<CompanionLink>,
    /// An e-mail change to an address another member holds: the link is written already
    /// used, so it counts toward the hourly limit exactly as a real one but never works, and
    /// its mail (the notice to the address's holder) is queued only while the address was
    /// sent fewer than [`NOTICES_PER_ADDRESS_HOUR`] such notices in the last hour.
    pub inert: bool,
}

/// "Already in use" notices one address may get in an hour, whoever asks.
pub const NOTICES_PER_ADDRESS_HOUR: i64 = 1;

#[derive(Debug, Clone)]
pub struct CompanionLink {
    pub purpose: Purpose,
    pub token_hash: TokenHash,
    pub expires_at: OffsetDateTime,
}

/// An e-mail change or its undo, through its link.
#[derive(Debug, Clone)]
pub struct EmailRedemption {
    pub token_hash: TokenHash,
    pub now: OffsetDateTime,
    pub audit: AuditEvent,
}

/// A link that still works: unused, unexpired, and made under the current password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub user_id: i64,
    pub purpose: Purpose,
    pub new_email: Option<String>,
    pub old_email: Option<String>,
}

/// A password set through a link: applied only if the link still works; every session of
/// the user ends, the lockout is cleared, every other password link is voided.
#[derive(Debug, Clone)]
pub struct PasswordRedemption {
    pub token_hash: TokenHash,
    pub now: OffsetDateTime,
    pub hash: String,
    pub lockout_key: String,
    pub audit: AuditEvent,
}

/// A member to create who cannot sign in until they follow the invitation link.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub member: NewMember,
    pub token_hash: TokenHash,
    pub expires_at: OffsetDateTime,
    pub mail: NewMail,
}

/// What `purge_expired` deletes: sessions past their end, failure counters older than the
/// lockout window, history entries older than `history_before`.
#[derive(Debug, Clone, Copy)]
pub struct Purge {
    pub now: OffsetDateTime,
    pub lockout_window_start: OffsetDateTime,
    pub history_before: OffsetDateTime,
}

/// What a PATCH left behind: the new version, and the profile when it was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub version: Version,
    pub profile: Option<Profile>,
}

/// How many of the store's connections exist and how many are in use, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionUse {
    pub open: usize,
    pub busy: usize,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Called once at a clean stop, after the last request: SQLite writes its WAL into the
    /// database file, so the file alone is whole; PostgreSQL closes its pool.
    async fn close(&self) -> StoreResult<()>;
    /// The connections (SQLite: the readers) open and busy right now.
    fn connection_use(&self) -> ConnectionUse;

    async fn add_location(&self, location: &NewLocation) -> StoreResult<Location>;
    async fn locations(&self) -> StoreResult<Vec<Location>>;
    async fn location(&self, id: i64) -> StoreResult<Location>;
    async fn set_location_policy(&self, location_id: i64, policy: &PasswordPolicy) -> StoreResult<()>;
    async fn set_location_ai(&self, location_id: i64, setting: &AiSetting) -> StoreResult<()>;
    /// The location's custom fields, by slot.
    async fn custom_fields(&self, location_id: i64) -> StoreResult<Vec<CustomField>>;
    /// Adds a custom field (`Conflict` when its slot is taken).
    async fn define_custom_field(&self, location_id: i64, field: &CustomField) -> StoreResult<()>;
    /// Removes a custom field and every answer to it at the location, at once; how many
    /// answers went (`NotFound` when the slot is not defined).
    async fn remove_custom_field(&self, location_id: i64, slot: u8) -> StoreResult<usize>;
    /// Counts a draft if both limits have room; atomic, also against concurrent requests.
    async fn admit_draft(&self, request: &DraftRequest) -> StoreResult<DraftAdmission>;

    /// Creates every member in one transaction: all or none.
    async fn add_members(&self, members: &[NewMember], now: OffsetDateTime) -> StoreResult<Vec<AddedMember>>;
    /// Creates invited members, their links and their mail in one transaction.
    async fn invite_members(
        &self,
        invitations: &[Invitation],
        now: OffsetDateTime,
    ) -> StoreResult<Vec<AddedMember>>;

    /// Issues a link and queues its mail; `false` (nothing written) past the hourly limit.
    async fn issue_link(&self, issue: &LinkIssue) -> StoreResult<bool>;
    async fn link(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Link>>;
    /// Sets the password through a password link; `NotFound` when the link no longer works.
    async fn redeem_password_link(&self, redemption: &PasswordRedemption) -> StoreResult<i64>;
    /// Makes the link's new address the sign-in address; `NotFound` when the link no
    /// longer works, `Conflict` when the address was taken meanwhile. Returns the address.
    async fn change_email(&self, redemption: &EmailRedemption) -> StoreResult<String>;
    /// Puts the old address back (if it was changed), voids the pending change and every
    /// password link, and ends every session of the user.
    async fn revert_email(&self, redemption: &EmailRedemption) -> StoreResult<i64>;
    /// Queues mail on its own (a notice that causes no other change).
    async fn queue_mail(&self, mail: &[NewMail], now: OffsetDateTime) -> StoreResult<()>;
    /// Takes up to `limit` due messages for this node until `lease_until`; another node
    /// never takes them meanwhile.
    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>>;
    async fn mail_sent(&self, id: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// A failed attempt: tried again at `retry_at`, or given up (at `now`) when `None`.
    async fn mail_failed(
        &self,
        id: i64,
        now: OffsetDateTime,
        retry_at: Option<OffsetDateTime>,
        error: &str,
    ) -> StoreResult<()>;
    /// The outbox, newest first, optionally only what went to one address (its e-mail key).
    async fn outbox(&self, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>>;
    /// Whether any user exists (cheap on a large table).
    async fn has_users(&self) -> StoreResult<bool>;
    async fn login_record(&self, email_key: &str) -> StoreResult<Option<LoginRecord>>;
    async fn user(&self, user_id: i64) -> StoreResult<User>;
    async fn password_hash(&self, user_id: i64) -> StoreResult<String>;
    /// Replaces a hash made with older parameters, only if `verified` is still the stored
    /// hash; returns whether it did.
    async fn upgrade_password_hash(&self, user_id: i64, verified: &str, hash: &str) -> StoreResult<bool>;
    /// Sets a password for the operator: ends every session and clears the lockout;
    /// returns how many sessions ended.
    async fn set_operator_password(&self, change: &OperatorPassword) -> StoreResult<u64>;

    /// Counts a password check before it runs, in one step with deciding whether it may
    /// run (a row lock, or SQLite's write lock): no two concurrent checks see the same count.
    async fn admit_password_check(&self, check: &PasswordCheck) -> StoreResult<Admission>;
    /// Records a failed check; returns the lock's end if the account is now locked.
    async fn record_password_failure(&self, attempt: &FailedAttempt) -> StoreResult<Option<OffsetDateTime>>;
    /// Records a right password: clears the count, unless the account is locked meanwhile
    /// (by concurrent failures); then the lock stays and its end is returned.
    async fn record_password_success(
        &self,
        lockout_key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>>;
    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Everything recorded under an e-mail address (by whichever user held it, or none)
    /// and everything of its current holder, oldest first; each record names its user.
    async fn audit_of(&self, email_key: &str) -> StoreResult<Vec<AuditRecord>>;
    /// Everything recorded about one user, whatever address they had, oldest first.
    async fn audit_of_user(&self, user_id: i64) -> StoreResult<Vec<AuditRecord>>;

    /// Starts a session after a successful sign-in, only if the verified hash is still the
    /// account's and the account is not locked (`PasswordChanged`, `Locked`): clears the
    /// account's failure count and records the sign-in.
    async fn create_session(
        &self,
        session: &NewSession,
        verified: &VerifiedPassword,
        audit: &AuditEvent,
    ) -> StoreResult<Session>;
    /// The live session of an access token, if it has not expired.
    async fn session_by_access(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>>;
    /// The live session of an access token together with its current profile, in one read.
    async fn session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>>;
    /// Swaps a live refresh token for a new pair, retiring the old one into the session's
    /// family; an already retired token ends the whole session.
    async fn rotate_refresh(
        &self,
        refresh: &TokenHash,
        next: &SessionTokens,
        now: OffsetDateTime,
        client_id: Option<&str>,
    ) -> StoreResult<RefreshOutcome>;
    /// Starts a session through a sign-in link, using it up; `None` when it does not work.
    async fn sign_in_with_link(&self, sign_in: &LinkSignIn) -> StoreResult<Option<Session>>;
    /// Stores a profile's photo of one kind, replacing the one it had.
    async fn save_photo(
        &self,
        profile_id: i64,
        kind: PhotoKind,
        photo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Removes a profile's photo of one kind; whether it had one.
    async fn delete_photo(&self, profile_id: i64, kind: PhotoKind) -> StoreResult<bool>;
    /// The profile with this `UniqueId` and its photo of one kind (`None`: no such profile).
    async fn photo(&self, unique_id: &str, kind: PhotoKind) -> StoreResult<Option<PhotoRecord>>;
    /// Profiles matching the query, in name order, at most `limit`.
    async fn find_members(&self, query: &MemberQuery) -> StoreResult<MemberPage>;
    /// Gives a user a role at a location (replacing the one they had there), audited.
    async fn grant_staff(&self, user_id: i64, grant: Grant, audit: &AuditEvent) -> StoreResult<()>;
    /// Takes a user's role at a location away; false when they had none.
    async fn revoke_staff(&self, user_id: i64, location_id: i64, audit: &AuditEvent) -> StoreResult<bool>;
    async fn staff_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>>;
    async fn staff(&self) -> StoreResult<Vec<StaffRow>>;
    async fn add_staff_key(&self, key: &NewStaffKey) -> StoreResult<i64>;
    async fn staff_key(&self, secret_hash: &str) -> StoreResult<Option<StaffKey>>;
    async fn staff_keys(&self) -> StoreResult<Vec<StaffKey>>;
    async fn remove_staff_key(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool>;
    /// Events about a location's members or by its staff, newest first.
    async fn audit_of_location(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>>;
    /// Renames a location (its web address stays: members' addresses keep working).
    async fn rename_location(&self, location_id: i64, name: &str) -> StoreResult<()>;
    /// Sets a location's display name, accent and contact relay (`NotFound`: no such location).
    async fn set_location_brand(&self, location_id: i64, brand: &LocationBrand) -> StoreResult<()>;
    /// Stores a location's logo, replacing the one it had.
    async fn save_location_logo(
        &self,
        location_id: i64,
        logo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Removes a location's logo; whether it had one.
    async fn delete_location_logo(&self, location_id: i64) -> StoreResult<bool>;
    /// A location's logo, if it has one.
    async fn location_logo(&self, location_id: i64) -> StoreResult<Option<Photo>>;
    /// Relays a member's message to another (see [`ContactRelay`]): counted, queued and
    /// audited at once, or refused with the reason; concurrent messages of one sender, on
    /// any node, never pass the limits together.
    async fn relay_contact_message(&self, relay: &ContactRelay) -> StoreResult<ContactAdmission>;
    /// Suspends (`false`: every session ends, the profiles leave the directory) or
    /// reactivates a user, audited, at once.
    async fn set_user_active(&self, user_id: i64, active: bool, audit: &AuditEvent) -> StoreResult<()>;
    /// Deletes the user with everything of theirs (profiles, photos, sessions, links, history,
    /// drafts, mail to them, their lockout counter) and leaves the audit log a tombstone, at once.
    async fn erase_user(&self, erasure: &Erasure) -> StoreResult<()>;
    /// The user's two-step sign-in.
    async fn two_factor(&self, user_id: i64) -> StoreResult<TwoFactorState>;
    /// Keeps a new enrolment's sealed secret until it is confirmed (replacing an older one).
    async fn begin_two_factor(&self, user_id: i64, sealed_secret: &str) -> StoreResult<()>;
    /// Turns two-step sign-in on, at once with its recovery codes, the end of the other
    /// sessions and the audit; `false` when the enrolment is no longer the one waiting.
    async fn enable_two_factor(&self, on: &TwoFactorOn) -> StoreResult<bool>;
    /// Turns it off (secret, enrolment and recovery codes gone) and ends every session of the
    /// user but `keep_session`, audited, at once.
    async fn disable_two_factor(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Uses a code's time step: `false` when it, or a later one, was used already.
    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Uses up a recovery code: `false` when the user has no such code (left).
    async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> StoreResult<bool>;
    /// Requires (or no longer requires) a new password at the user's next sign-in.
    async fn set_must_reset_password(&self, user_id: i64, required: bool) -> StoreResult<()>;
    /// The language the user chose for pages and mail (`None`: the browser's).
    async fn set_user_language(&self, user_id: i64, language: Option<Language>) -> StoreResult<()>;
    /// The session an access, refresh or retired refresh token belongs to.
    async fn token_owner(&self, hash: &TokenHash) -> StoreResult<Option<TokenOwner>>;
    async fn end_session(&self, session_id: i64, audit: &AuditEvent) -> StoreResult<()>;
    /// Ends every session of the user; returns how many there were.
    async fn end_user_sessions(&self, user_id: i64, audit: &AuditEvent) -> StoreResult<u64>;
    async fn sessions_of_user(&self, user_id: i64, now: OffsetDateTime) -> StoreResult<Vec<SessionSummary>>;
    /// Makes another of the user's profiles current for the session and the user's default.
    async fn switch_profile(&self, session: &Session, profile_id: i64) -> StoreResult<()>;
    /// Deletes what `purge` names: expired sessions, stale failure counters, old history,
    /// and draft and contact counts older than their longest window.
    async fn purge_expired(&self, purge: &Purge) -> StoreResult<()>;

    async fn profile(&self, profile_id: i64) -> StoreResult<Profile>;
    /// The profiles of these ids that exist, in the order asked (one query for a page).
    async fn profiles(&self, profile_ids: &[i64]) -> StoreResult<Vec<Profile>>;
    async fn profiles_of_user(&self, user_id: i64) -> StoreResult<Vec<ProfileSummary>>;
    /// Applies every change of one PATCH (and a password change) in one transaction, and
    /// records what changed in the history in the same transaction. A row whose values the
    /// patch leaves as they were keeps its version and its time of change; a PATCH that
    /// changes nothing records no history.
    async fn apply_profile_patch(&self, update: &ProfileUpdate) -> StoreResult<Applied>;
    /// The user's change history, newest first, and how many entries there are in all.
    async fn history_of(&self, user_id: i64, paging: Paging) -> StoreResult<HistoryPage>;

    /// A page of the public profiles at the location in `order`, all of them or those
    /// with one tag (`tag_key` form), and how many there are, counted up to
    /// [`RESULT_WINDOW`](crate::domain::directory::RESULT_WINDOW).
    async fn list_directory(
        &self,
        location_id: i64,
        tag: Option<&str>,
        order: DirectoryOrder,
        offset: u64,
        limit: u64,
    ) -> StoreResult<DirectoryHits>;
    /// Up to `RESULT_WINDOW` public profiles at the location that contain every word in a
    /// searched property and have the tag if one is given, in no particular order, with what
    /// they are ranked by; none for no words.
    async fn search_directory(
        &self,
        location_id: i64,
        words: &[String],
        tag: Option<&str>,
    ) -> StoreResult<Vec<SearchCandidate>>;
    /// Those of the profiles that are public at the location, in no particular order.
    async fn directory_profiles(
        &self,
        location_id: i64,
        profile_ids: &[i64],
    ) -> StoreResult<Vec<DirectoryProfile>>;
    /// Up to `limit` bios, in profile order after `after`, whose HTML is missing or was
    /// rendered under another key than `render_key`.
    async fn stale_bios(&self, render_key: &str, after: i64, limit: i64) -> StoreResult<Vec<StaleBio>>;
    /// Stores a bio's HTML, only if the bio is still `markdown`; returns whether it did.
    async fn save_bio_html(&self, bio: &StaleBio, html: &RenderedBio) -> StoreResult<bool>;
}

pub type DynStore = Arc<dyn Store>;

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and brings its
/// schema up to date.
pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(url, options)?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let names_user = url::Url::parse(url).is_ok_and(|u| !u.username().is_empty())
            || url.contains("user=")
            || std::env::var_os("PGUSER").is_some();
        anyhow::ensure!(names_user, "the PostgreSQL URL names no user: use postgres://USER@HOST/DATABASE");
        Ok(Arc::new(postgres::PostgresStore::connect(url, options).await?))
    } else {
        anyhow::bail!("unsupported database URL (expected sqlite://… or postgres://…): {}", redact(url))
    }
}

/// How many migrations the database at `url` has applied (0 when it is empty or missing).
pub async fn applied_migrations(url: &str) -> usize {
    if url.starts_with("sqlite:") {
        sqlite::applied_migrations(url).unwrap_or(0)
    } else {
        postgres::applied_migrations(url).await.unwrap_or(0)
    }
}

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// PostgreSQL's connections, in all. SQLite ignores it: it keeps four readers and one
    /// writer (`sqlite::READERS`), whose reads take microseconds.
    pub max_connections: u32,
    /// `FULL` makes every acknowledged commit survive power loss; `NORMAL` only a crash.
    pub sqlite_synchronous_full: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions { max_connections: 8, sqlite_synchronous_full: true }
    }
}

/// The URL without its secrets, for messages and logs: the password of the user-info and
/// every query parameter whose name says it is a secret (`password`, `sslpassword`, …).
/// Text that is not a URL is not shown at all.
pub fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(not a valid URL)".into();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if crate::domain::error::is_secret_property(&name) {
                    "***".into()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_hides_every_password_of_a_database_url() {
        let cases = [
            ("postgres://portico:s3cret@db:5432/portico", "postgres://portico:***@db:5432/portico"),
            (
                "postgres://db/portico?user=portico&password=s3cret",
                "postgres://db/portico?user=portico&password=***",
            ),
            (
                "postgres://db/p?sslpassword=s3cret&sslmode=require",
                "postgres://db/p?sslpassword=***&sslmode=require",
            ),
            ("sqlite://portico.db", "sqlite://portico.db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact(url), shown);
        }
        assert!(!redact("not a url s3cret").contains("s3cret"));
    }
}
