//! The embedded store: one SQLite file in WAL mode, through rusqlite alone.
//!
//! Writes go to one writer thread that commits them in groups (`writer.rs`); reads run on
//! the calling thread through a few read-only connections (`connection::Readers`). The SQL
//! lives beside the functions that run it, one file per part of the schema: `accounts.rs`
//! (locations, users, passwords, the lockout, the audit log), `sessions.rs`, `profiles.rs`
//! (profiles and the PATCH), `history.rs`, `directory.rs`, `drafts.rs` (AI draft counts),
//! `links.rs` (account links) and `outbox.rs`; what both stores do alike is
//! `store::shared`. Each function takes the connection it runs on.

mod accounts;
pub mod backup;
mod brand;
mod connection;
mod contact;
mod custom_fields;
mod directory;
mod drafts;
mod history;
mod links;
mod outbox;
mod photos;
mod profiles;
mod sessions;
mod staff;
mod two_factor;
mod writer;

use std::path::PathBuf;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::auth::token::TokenHash;
use crate::domain::ai::{AiSetting, DraftAdmission};
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::contact::ContactAdmission;
use crate::domain::custom::CustomField;
use crate::domain::directory::{DirectoryHits, DirectoryOrder, SearchCandidate};
use crate::domain::history::HistoryPage;
use crate::domain::language::Language;
use crate::domain::lockout::Admission;
use crate::domain::markdown::RenderedBio;
use crate::domain::password::PasswordPolicy;
use crate::domain::photo::{Photo, PhotoKind};
use crate::domain::profile::{Location, Profile, ProfileSummary, User};
use crate::domain::staff::Grant;
use crate::store::{
    AddedMember, Applied, AuditQuery, ConnectOptions, ConnectionUse, ContactRelay, DirectoryProfile,
    DraftRequest, EmailRedemption, Erasure, FailedAttempt, Invitation, Link, LinkIssue, LinkSignIn,
    LocationBrand, LoginRecord, MemberPage, MemberQuery, NewLocation, NewMail, NewMember, NewSession,
    NewStaffKey, OperatorPassword, OutboxMail, Paging, PasswordCheck, PasswordRedemption, PhotoRecord,
    ProfileUpdate, Purge, RefreshOutcome, Session, SessionSummary, SessionTokens, StaffKey, StaffRow,
    StaleBio, Store, StoreResult, TokenOwner, TwoFactorOn, TwoFactorState, VerifiedPassword,
};
pub use writer::MAX_BATCH;
use writer::Writer;

/// Connections for reads on the calling thread; more than the async workers, so a reader
/// rarely waits.
pub const READERS: usize = 4;

pub struct SqliteStore {
    writer: Writer,
    readers: connection::Readers,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens `sqlite://PATH` (created if missing) and brings its schema up to date.
    pub fn open(url: &str, options: &ConnectOptions) -> anyhow::Result<SqliteStore> {
        connection::disable_memory_statistics();
        let path = file_of(url)?;
        let write_connection = connection::open_writer(&path, options.sqlite_synchronous_full)?;
        accounts::rekey_emails(&write_connection)?;
        let readers = connection::Readers::open(&path, READERS)?;
        Ok(SqliteStore { writer: Writer::start(write_connection)?, readers, path })
    }
}

/// The schema version of the file (`PRAGMA user_version`, one per migration); 0 if there
/// is no file yet.
pub fn applied_migrations(url: &str) -> anyhow::Result<usize> {
    let path = file_of(url)?;
    if !path.exists() {
        return Ok(0);
    }
    let connection =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let version: i64 = connection.query_row("pragma user_version", [], |row| row.get(0))?;
    Ok(usize::try_from(version).unwrap_or(0))
}

/// The database file a SQLite URL names; `None` for any other URL.
pub fn database_path(url: &str) -> Option<PathBuf> {
    file_of(url).ok()
}

/// The file of a `sqlite://PATH` or `sqlite:PATH` URL (a query string is ignored).
fn file_of(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"));
    let path = rest.and_then(|r| r.split('?').next()).filter(|p| !p.is_empty());
    let path = path.ok_or_else(|| anyhow::anyhow!("a SQLite URL names a file: sqlite://portico.db"))?;
    Ok(PathBuf::from(path))
}

#[async_trait]
impl Store for SqliteStore {
    async fn close(&self) -> StoreResult<()> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || backup::checkpoint(&path))
            .await
            .map_err(|e| crate::store::StoreError::Other(e.into()))?
            .map_err(crate::store::StoreError::Other)
    }

    async fn ping(&self) -> StoreResult<()> {
        self.readers.read(|c| Ok(c.execute_batch("select 1")?))
    }

    fn connection_use(&self) -> ConnectionUse {
        self.readers.connection_use()
    }

    async fn add_location(&self, location: &NewLocation) -> StoreResult<Location> {
        let location = location.clone();
        self.writer.write(move |c| accounts::add_location(c, &location)).await
    }

    async fn locations(&self) -> StoreResult<Vec<Location>> {
        self.readers.read(accounts::locations)
    }

    async fn location(&self, id: i64) -> StoreResult<Location> {
        self.readers.read(|c| accounts::location(c, id))
    }

    async fn set_location_policy(&self, location_id: i64, policy: &PasswordPolicy) -> StoreResult<()> {
        let policy = *policy;
        self.writer.write(move |c| accounts::set_location_policy(c, location_id, &policy)).await
    }

    async fn set_location_ai(&self, location_id: i64, setting: &AiSetting) -> StoreResult<()> {
        let setting = setting.clone();
        self.writer.write(move |c| drafts::set_location_ai(c, location_id, &setting)).await
    }

    async fn custom_fields(&self, location_id: i64) -> StoreResult<Vec<CustomField>> {
        self.readers.read(|c| custom_fields::of_location(c, location_id))
    }

    async fn define_custom_field(&self, location_id: i64, field: &CustomField) -> StoreResult<()> {
        let field = field.clone();
        self.writer.write(move |c| custom_fields::define(c, location_id, &field)).await
    }

    async fn remove_custom_field(&self, location_id: i64, slot: u8) -> StoreResult<usize> {
        self.writer.write(move |c| custom_fields::remove(c, location_id, slot)).await
    }

    async fn admit_draft(&self, request: &DraftRequest) -> StoreResult<DraftAdmission> {
        let request = *request;
        self.writer.write(move |c| drafts::admit(c, &request)).await
    }

    async fn add_members(&self, members: &[NewMember], now: OffsetDateTime) -> StoreResult<Vec<AddedMember>> {
        let members = members.to_vec();
        self.writer.write(move |c| accounts::add_members(c, &members, now)).await
    }

    async fn invite_members(
        &self,
        invitations: &[Invitation],
        now: OffsetDateTime,
    ) -> StoreResult<Vec<AddedMember>> {
        let invitations = invitations.to_vec();
        self.writer.write(move |c| links::invite(c, &invitations, now)).await
    }

    async fn issue_link(&self, issue: &LinkIssue) -> StoreResult<bool> {
        let issue = issue.clone();
        self.writer.write(move |c| links::issue(c, &issue)).await
    }

    async fn link(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Link>> {
        self.readers.read(|c| links::link(c, hash, now))
    }

    async fn redeem_password_link(&self, redemption: &PasswordRedemption) -> StoreResult<i64> {
        let redemption = redemption.clone();
        self.writer.write(move |c| links::redeem_password(c, &redemption)).await
    }

    async fn change_email(&self, redemption: &EmailRedemption) -> StoreResult<String> {
        let redemption = redemption.clone();
        self.writer.write(move |c| links::change_email(c, &redemption)).await
    }

    async fn revert_email(&self, redemption: &EmailRedemption) -> StoreResult<i64> {
        let redemption = redemption.clone();
        self.writer.write(move |c| links::revert_email(c, &redemption)).await
    }

    async fn queue_mail(&self, messages: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
        let messages = messages.to_vec();
        self.writer.write(move |c| outbox::queue(c, &messages, now)).await
    }

    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>> {
        self.writer.write(move |c| outbox::claim(c, now, lease_until, limit)).await
    }

    async fn mail_sent(&self, id: i64, now: OffsetDateTime) -> StoreResult<()> {
        self.writer.write(move |c| outbox::sent(c, id, now)).await
    }

    async fn mail_failed(
        &self,
        id: i64,
        now: OffsetDateTime,
        retry_at: Option<OffsetDateTime>,
        error: &str,
    ) -> StoreResult<()> {
        let error = error.to_string();
        self.writer.write(move |c| outbox::failed(c, id, now, retry_at, &error)).await
    }

    async fn outbox(&self, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
        self.readers.read(|c| outbox::list(c, to_key, limit))
    }

    async fn has_users(&self) -> StoreResult<bool> {
        self.readers.read(accounts::has_users)
    }

    async fn login_record(&self, email_key: &str) -> StoreResult<Option<LoginRecord>> {
        self.readers.read(|c| accounts::login_record(c, email_key))
    }

    async fn user(&self, user_id: i64) -> StoreResult<User> {
        self.readers.read(|c| accounts::user(c, user_id))
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
        self.readers.read(|c| accounts::password_hash(c, user_id))
    }

    async fn upgrade_password_hash(&self, user_id: i64, verified: &str, hash: &str) -> StoreResult<bool> {
        let (verified, hash) = (verified.to_string(), hash.to_string());
        self.writer.write(move |c| accounts::upgrade_password_hash(c, user_id, &verified, &hash)).await
    }

    async fn set_operator_password(&self, change: &OperatorPassword) -> StoreResult<u64> {
        let change = change.clone();
        self.writer.write(move |c| accounts::set_operator_password(c, &change)).await
    }

    async fn admit_password_check(&self, check: &PasswordCheck) -> StoreResult<Admission> {
        let check = check.clone();
        self.writer.write(move |c| accounts::admit_password_check(c, &check)).await
    }

    async fn record_password_failure(&self, attempt: &FailedAttempt) -> StoreResult<Option<OffsetDateTime>> {
        let attempt = attempt.clone();
        self.writer.write(move |c| accounts::record_password_failure(c, &attempt)).await
    }

    async fn record_password_success(
        &self,
        lockout_key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let lockout_key = lockout_key.to_string();
        self.writer.write(move |c| accounts::record_password_success(c, &lockout_key, now)).await
    }

    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let event = event.clone();
        self.writer.write(move |c| accounts::record_audit(c, &event)).await
    }

    async fn audit_of(&self, email_key: &str) -> StoreResult<Vec<AuditRecord>> {
        self.readers.read(|c| accounts::audit_of(c, email_key))
    }

    async fn audit_of_user(&self, user_id: i64) -> StoreResult<Vec<AuditRecord>> {
        self.readers.read(|c| accounts::audit_of_user(c, user_id))
    }

    async fn create_session(
        &self,
        session: &NewSession,
        verified: &VerifiedPassword,
        audit: &AuditEvent,
    ) -> StoreResult<Session> {
        let (session, verified, audit) = (session.clone(), verified.clone(), audit.clone());
        self.writer.write(move |c| sessions::create_session(c, &session, &verified, &audit)).await
    }

    async fn session_by_access(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>> {
        self.readers.read(|c| sessions::session_by_access(c, hash, now))
    }

    async fn session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>> {
        self.readers.read(|c| sessions::session_profile(c, hash, now))
    }

    async fn rotate_refresh(
        &self,
        refresh: &TokenHash,
        next: &SessionTokens,
        now: OffsetDateTime,
        client_id: Option<&str>,
    ) -> StoreResult<RefreshOutcome> {
        let (refresh, next, client_id) = (refresh.clone(), next.clone(), client_id.map(str::to_string));
        self.writer
            .write(move |c| sessions::rotate_refresh(c, &refresh, &next, now, client_id.as_deref()))
            .await
    }

    async fn sign_in_with_link(&self, sign_in: &LinkSignIn) -> StoreResult<Option<Session>> {
        let sign_in = sign_in.clone();
        self.writer.write(move |c| sessions::sign_in_with_link(c, &sign_in)).await
    }

    async fn save_photo(
        &self,
        profile_id: i64,
        kind: PhotoKind,
        photo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let photo = photo.clone();
        self.writer.write(move |c| photos::save(c, profile_id, kind, &photo, now)).await
    }

    async fn delete_photo(&self, profile_id: i64, kind: PhotoKind) -> StoreResult<bool> {
        self.writer.write(move |c| photos::delete(c, profile_id, kind)).await
    }

    async fn photo(&self, unique_id: &str, kind: PhotoKind) -> StoreResult<Option<PhotoRecord>> {
        self.readers.read(|c| photos::lookup(c, unique_id, kind))
    }

    async fn find_members(&self, query: &MemberQuery) -> StoreResult<MemberPage> {
        self.readers.read(|c| staff::find_members(c, query))
    }

    async fn grant_staff(&self, user_id: i64, grant: Grant, audit: &AuditEvent) -> StoreResult<()> {
        let audit = audit.clone();
        self.writer.write(move |c| staff::grant(c, user_id, grant, &audit)).await
    }

    async fn revoke_staff(&self, user_id: i64, location_id: i64, audit: &AuditEvent) -> StoreResult<bool> {
        let audit = audit.clone();
        self.writer.write(move |c| staff::revoke(c, user_id, location_id, &audit)).await
    }

    async fn staff_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>> {
        self.readers.read(|c| staff::grants(c, user_id))
    }

    async fn staff(&self) -> StoreResult<Vec<StaffRow>> {
        self.readers.read(staff::staff)
    }

    async fn add_staff_key(&self, key: &NewStaffKey) -> StoreResult<i64> {
        let key = key.clone();
        self.writer.write(move |c| staff::add_key(c, &key)).await
    }

    async fn staff_key(&self, secret_hash: &str) -> StoreResult<Option<StaffKey>> {
        self.readers.read(|c| staff::key(c, secret_hash))
    }

    async fn staff_keys(&self) -> StoreResult<Vec<StaffKey>> {
        self.readers.read(staff::keys)
    }

    async fn remove_staff_key(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let (name, audit) = (name.to_string(), audit.clone());
        self.writer.write(move |c| staff::remove_key(c, &name, &audit)).await
    }

    async fn audit_of_location(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        self.readers.read(|c| staff::audit_of_location(c, query))
    }

    async fn rename_location(&self, location_id: i64, name: &str) -> StoreResult<()> {
        let name = name.to_string();
        self.writer.write(move |c| accounts::rename_location(c, location_id, &name)).await
    }

    async fn set_location_brand(&self, location_id: i64, brand: &LocationBrand) -> StoreResult<()> {
        let brand = brand.clone();
        self.writer.write(move |c| brand::set(c, location_id, &brand)).await
    }

    async fn save_location_logo(
        &self,
        location_id: i64,
        logo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let logo = logo.clone();
        self.writer.write(move |c| brand::save_logo(c, location_id, &logo, now)).await
    }

    async fn delete_location_logo(&self, location_id: i64) -> StoreResult<bool> {
        self.writer.write(move |c| brand::delete_logo(c, location_id)).await
    }

    async fn location_logo(&self, location_id: i64) -> StoreResult<Option<Photo>> {
        self.readers.read(|c| brand::logo(c, location_id))
    }

    async fn relay_contact_message(&self, relay: &ContactRelay) -> StoreResult<ContactAdmission> {
        let relay = relay.clone();
        self.writer.write(move |c| contact::relay(c, &relay)).await
    }

    async fn set_user_active(&self, user_id: i64, active: bool, audit: &AuditEvent) -> StoreResult<()> {
        let audit = audit.clone();
        self.writer.write(move |c| accounts::set_user_active(c, user_id, active, &audit)).await
    }

    async fn erase_user(&self, erasure: &Erasure) -> StoreResult<()> {
        let erasure = erasure.clone();
        self.writer.write(move |c| accounts::erase_user(c, &erasure)).await
    }

    async fn two_factor(&self, user_id: i64) -> StoreResult<TwoFactorState> {
        self.readers.read(|c| two_factor::state(c, user_id))
    }

    async fn begin_two_factor(&self, user_id: i64, sealed_secret: &str) -> StoreResult<()> {
        let sealed = sealed_secret.to_string();
        self.writer.write(move |c| two_factor::begin(c, user_id, &sealed)).await
    }

    async fn enable_two_factor(&self, on: &TwoFactorOn) -> StoreResult<bool> {
        let on = on.clone();
        self.writer.write(move |c| two_factor::enable(c, &on)).await
    }

    async fn disable_two_factor(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let audit = audit.clone();
        self.writer.write(move |c| two_factor::disable(c, user_id, keep_session, &audit)).await
    }

    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        self.writer.write(move |c| two_factor::use_step(c, user_id, step)).await
    }

    async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> StoreResult<bool> {
        let hash = code_hash.to_string();
        self.writer.write(move |c| two_factor::use_recovery_code(c, user_id, &hash)).await
    }

    async fn set_must_reset_password(&self, user_id: i64, required: bool) -> StoreResult<()> {
        self.writer.write(move |c| accounts::set_must_reset_password(c, user_id, required)).await
    }

    async fn set_user_language(&self, user_id: i64, language: Option<Language>) -> StoreResult<()> {
        self.writer.write(move |c| accounts::set_user_language(c, user_id, language)).await
    }

    async fn token_owner(&self, hash: &TokenHash) -> StoreResult<Option<TokenOwner>> {
        self.readers.read(|c| sessions::token_owner(c, hash))
    }

    async fn end_session(&self, session_id: i64, audit: &AuditEvent) -> StoreResult<()> {
        let audit = audit.clone();
        self.writer.write(move |c| sessions::end_session(c, session_id, &audit)).await
    }

    async fn end_user_sessions(&self, user_id: i64, audit: &AuditEvent) -> StoreResult<u64> {
        let audit = audit.clone();
        self.writer.write(move |c| sessions::end_user_sessions(c, user_id, &audit)).await
    }

    async fn sessions_of_user(&self, user_id: i64, now: OffsetDateTime) -> StoreResult<Vec<SessionSummary>> {
        self.readers.read(|c| sessions::sessions_of_user(c, user_id, now))
    }

    async fn switch_profile(&self, session: &Session, profile_id: i64) -> StoreResult<()> {
        let session = session.clone();
        self.writer.write(move |c| sessions::switch_profile(c, &session, profile_id)).await
    }

    async fn purge_expired(&self, purge: &Purge) -> StoreResult<()> {
        let purge = *purge;
        self.writer
            .write(move |c| {
                sessions::purge_expired(c, purge.now, purge.lockout_window_start)?;
                drafts::purge(c, purge.now)?;
                contact::purge(c, purge.now)?;
                outbox::purge(c, purge.now)?;
                history::purge(c, purge.history_before)
            })
            .await
    }

    async fn profile(&self, profile_id: i64) -> StoreResult<Profile> {
        self.readers.read(|c| profiles::profile(c, profile_id))
    }

    async fn profiles(&self, profile_ids: &[i64]) -> StoreResult<Vec<Profile>> {
        self.readers.read(|c| profiles::profiles(c, profile_ids))
    }

    async fn profiles_of_user(&self, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
        self.readers.read(|c| profiles::profiles_of_user(c, user_id))
    }

    async fn apply_profile_patch(&self, update: &ProfileUpdate) -> StoreResult<Applied> {
        let update = update.clone();
        self.writer.write(move |c| profiles::apply(c, &update)).await
    }

    async fn history_of(&self, user_id: i64, paging: Paging) -> StoreResult<HistoryPage> {
        self.readers.read(|c| history::page(c, user_id, paging))
    }

    async fn list_directory(
        &self,
        location_id: i64,
        tag: Option<&str>,
        order: DirectoryOrder,
        offset: u64,
        limit: u64,
    ) -> StoreResult<DirectoryHits> {
        self.readers.read(|c| directory::list(c, location_id, tag.unwrap_or_default(), order, offset, limit))
    }

    async fn search_directory(
        &self,
        location_id: i64,
        words: &[String],
        tag: Option<&str>,
    ) -> StoreResult<Vec<SearchCandidate>> {
        self.readers.read(|c| directory::search(c, location_id, words, tag))
    }

    async fn directory_profiles(
        &self,
        location_id: i64,
        profile_ids: &[i64],
    ) -> StoreResult<Vec<DirectoryProfile>> {
        self.readers.read(|c| profiles::public_profiles(c, location_id, profile_ids))
    }

    async fn stale_bios(&self, render_key: &str, after: i64, limit: i64) -> StoreResult<Vec<StaleBio>> {
        self.readers.read(|c| profiles::stale_bios(c, render_key, after, limit))
    }

    async fn save_bio_html(&self, bio: &StaleBio, html: &RenderedBio) -> StoreResult<bool> {
        let (bio, html) = (bio.clone(), html.clone());
        self.writer.write(move |c| profiles::save_bio_html(c, &bio, &html)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_a_file() {
        assert_eq!(file_of("sqlite://portico.db").expect("url"), PathBuf::from("portico.db"));
        assert_eq!(file_of("sqlite:///var/lib/p.db?mode=rwc").expect("url"), PathBuf::from("/var/lib/p.db"));
        assert!(file_of("sqlite://").is_err());
    }
}
