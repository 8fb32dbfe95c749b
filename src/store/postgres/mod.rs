//! The store for running at scale: PostgreSQL through sqlx, shared by any number of
//! stateless Portico nodes. Write transactions lock the rows they read with `for update`.
//! When the server is unreachable, calls fail fast with `StoreError::Unavailable` (503 at
//! the edge) and the pool reconnects by itself once it is back.
//!
//! The SQL lives beside the functions that run it, one file per part of the schema:
//! `accounts.rs` (locations, users, passwords, the lockout, the audit log), `sessions.rs`,
//! `profiles.rs` (profiles and the PATCH), `history.rs`, `directory.rs`, `drafts.rs` (AI
//! draft counts), `links.rs` (account links) and `outbox.rs`; what both stores do alike is
//! `store::shared`. Each function takes the connection (or transaction) it runs on.

mod accounts;
mod brand;
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

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Row};
use time::{Date, OffsetDateTime};

use crate::auth::token::TokenHash;
use crate::domain::ai::{AiSetting, DraftAdmission};
use crate::domain::audit::{AuditEvent, AuditRecord};
use crate::domain::contact::ContactAdmission;
use crate::domain::custom::CustomField;
use crate::domain::directory::{self as directory_rules, DirectoryHits, DirectoryOrder, SearchCandidate};
use crate::domain::history::HistoryPage;
use crate::domain::language::Language;
use crate::domain::lockout::Admission;
use crate::domain::markdown::RenderedBio;
use crate::domain::password::PasswordPolicy;
use crate::domain::photo::{Photo, PhotoKind};
use crate::domain::profile::{Location, Profile, ProfileSummary, User};
use crate::domain::staff::Grant;
use crate::store::shared::ColumnSource;
use crate::store::{
    AddedMember, Applied, AuditQuery, ConnectOptions, ConnectionUse, ContactRelay, DirectoryProfile,
    DraftRequest, EmailRedemption, Erasure, FailedAttempt, Invitation, Link, LinkIssue, LinkSignIn,
    LocationBrand, LoginRecord, MemberPage, MemberQuery, NewLocation, NewMail, NewMember, NewSession,
    NewStaffKey, OperatorPassword, OutboxMail, Paging, PasswordCheck, PasswordRedemption, PhotoRecord,
    ProfileUpdate, Purge, RefreshOutcome, Session, SessionSummary, SessionTokens, StaffKey, StaffRow,
    StaleBio, Store, StoreError, StoreResult, TokenOwner, TwoFactorOn, TwoFactorState, VerifiedPassword,
};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<Self> {
        let connect = PgConnectOptions::from_str(url)?.application_name("portico");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            // Fail fast while the server is down: the request gets a 503 and the client retries.
            .acquire_timeout(Duration::from_secs(3))
            // A ping before every acquire costs a round trip per request; a dead connection is
            // instead discarded when it fails, and the pool opens a new one.
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300))
            .connect_with(connect)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        directory::finish_upgrade(&pool).await?;
        accounts::rekey_emails(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

/// How many of sqlx's migrations the database has applied; an error if it has none.
pub async fn applied_migrations(url: &str) -> anyhow::Result<usize> {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
    let count: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
        .fetch_one(&mut connection)
        .await?;
    Ok(usize::try_from(count).unwrap_or(0))
}

#[async_trait]
impl Store for PostgresStore {
    async fn close(&self) -> StoreResult<()> {
        self.pool.close().await;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    fn connection_use(&self) -> ConnectionUse {
        let open = self.pool.size() as usize;
        ConnectionUse { open, busy: open.saturating_sub(self.pool.num_idle()) }
    }

    async fn add_location(&self, location: &NewLocation) -> StoreResult<Location> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::add_location(&mut tx, location).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn locations(&self) -> StoreResult<Vec<Location>> {
        accounts::locations(&mut *self.pool.acquire().await?).await
    }

    async fn location(&self, id: i64) -> StoreResult<Location> {
        accounts::location(&mut *self.pool.acquire().await?, id).await
    }

    async fn set_location_policy(&self, location_id: i64, policy: &PasswordPolicy) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::set_location_policy(&mut tx, location_id, policy).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn set_location_ai(&self, location_id: i64, setting: &AiSetting) -> StoreResult<()> {
        drafts::set_location_ai(&self.pool, location_id, setting).await
    }

    async fn custom_fields(&self, location_id: i64) -> StoreResult<Vec<CustomField>> {
        custom_fields::of_location(&self.pool, location_id).await
    }

    async fn define_custom_field(&self, location_id: i64, field: &CustomField) -> StoreResult<()> {
        custom_fields::define(&self.pool, location_id, field).await
    }

    async fn remove_custom_field(&self, location_id: i64, slot: u8) -> StoreResult<usize> {
        custom_fields::remove(&self.pool, location_id, slot).await
    }

    async fn admit_draft(&self, request: &DraftRequest) -> StoreResult<DraftAdmission> {
        let mut tx = self.pool.begin().await?;
        let admission = drafts::admit(&mut tx, request).await?;
        tx.commit().await?;
        Ok(admission)
    }

    async fn add_members(&self, members: &[NewMember], now: OffsetDateTime) -> StoreResult<Vec<AddedMember>> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::add_members(&mut tx, members, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn invite_members(
        &self,
        invitations: &[Invitation],
        now: OffsetDateTime,
    ) -> StoreResult<Vec<AddedMember>> {
        let mut tx = self.pool.begin().await?;
        let added = links::invite(&mut tx, invitations, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    async fn issue_link(&self, issue: &LinkIssue) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let issued = links::issue(&mut tx, issue).await?;
        tx.commit().await?;
        Ok(issued)
    }

    async fn link(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Link>> {
        links::link(&mut *self.pool.acquire().await?, hash, now, false).await
    }

    async fn redeem_password_link(&self, redemption: &PasswordRedemption) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let user_id = links::redeem_password(&mut tx, redemption).await?;
        tx.commit().await?;
        Ok(user_id)
    }

    async fn change_email(&self, redemption: &EmailRedemption) -> StoreResult<String> {
        let mut tx = self.pool.begin().await?;
        let email = links::change_email(&mut tx, redemption).await?;
        tx.commit().await?;
        Ok(email)
    }

    async fn revert_email(&self, redemption: &EmailRedemption) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        let user_id = links::revert_email(&mut tx, redemption).await?;
        tx.commit().await?;
        Ok(user_id)
    }

    async fn queue_mail(&self, messages: &[NewMail], now: OffsetDateTime) -> StoreResult<()> {
        outbox::queue(&mut *self.pool.acquire().await?, messages, now).await
    }

    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>> {
        outbox::claim(&mut *self.pool.acquire().await?, now, lease_until, limit).await
    }

    async fn mail_sent(&self, id: i64, now: OffsetDateTime) -> StoreResult<()> {
        outbox::sent(&mut *self.pool.acquire().await?, id, now).await
    }

    async fn mail_failed(
        &self,
        id: i64,
        now: OffsetDateTime,
        retry_at: Option<OffsetDateTime>,
        error: &str,
    ) -> StoreResult<()> {
        outbox::failed(&mut *self.pool.acquire().await?, id, now, retry_at, error).await
    }

    async fn outbox(&self, to_key: Option<&str>, limit: i64) -> StoreResult<Vec<OutboxMail>> {
        outbox::list(&mut *self.pool.acquire().await?, to_key, limit).await
    }

    async fn has_users(&self) -> StoreResult<bool> {
        Ok(sqlx::query_scalar("select exists (select 1 from users)").fetch_one(&self.pool).await?)
    }

    async fn login_record(&self, email_key: &str) -> StoreResult<Option<LoginRecord>> {
        accounts::login_record(&mut *self.pool.acquire().await?, email_key).await
    }

    async fn user(&self, user_id: i64) -> StoreResult<User> {
        accounts::user(&mut *self.pool.acquire().await?, user_id).await
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
        Ok(sqlx::query_scalar("select password_hash from users where id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn upgrade_password_hash(&self, user_id: i64, verified: &str, hash: &str) -> StoreResult<bool> {
        let done = sqlx::query("update users set password_hash = $1 where id = $2 and password_hash = $3")
            .bind(hash)
            .bind(user_id)
            .bind(verified)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_operator_password(&self, change: &OperatorPassword) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::set_operator_password(&mut tx, change).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn admit_password_check(&self, check: &PasswordCheck) -> StoreResult<Admission> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::admit_password_check(&mut tx, check).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn record_password_failure(&self, attempt: &FailedAttempt) -> StoreResult<Option<OffsetDateTime>> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::record_password_failure(&mut tx, attempt).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn record_password_success(
        &self,
        lockout_key: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let mut tx = self.pool.begin().await?;
        let done = accounts::record_password_success(&mut tx, lockout_key, now).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        accounts::record_audit(&mut *self.pool.acquire().await?, event).await
    }

    async fn audit_of(&self, email_key: &str) -> StoreResult<Vec<AuditRecord>> {
        accounts::audit_of(&mut *self.pool.acquire().await?, email_key).await
    }

    async fn audit_of_user(&self, user_id: i64) -> StoreResult<Vec<AuditRecord>> {
        accounts::audit_of_user(&mut *self.pool.acquire().await?, user_id).await
    }

    async fn create_session(
        &self,
        session: &NewSession,
        verified: &VerifiedPassword,
        audit: &AuditEvent,
    ) -> StoreResult<Session> {
        let mut tx = self.pool.begin().await?;
        let done = sessions::create_session(&mut tx, session, verified, audit).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn session_by_access(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>> {
        sessions::session_by_access(&self.pool, hash, now).await
    }

    async fn session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>> {
        sessions::session_profile(&self.pool, hash, now).await
    }

    async fn rotate_refresh(
        &self,
        refresh: &TokenHash,
        next: &SessionTokens,
        now: OffsetDateTime,
        client_id: Option<&str>,
    ) -> StoreResult<RefreshOutcome> {
        let mut tx = self.pool.begin().await?;
        let done = sessions::rotate_refresh(&mut tx, refresh, next, now, client_id).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn sign_in_with_link(&self, sign_in: &LinkSignIn) -> StoreResult<Option<Session>> {
        let mut tx = self.pool.begin().await?;
        let started = sessions::sign_in_with_link(&mut tx, sign_in).await?;
        tx.commit().await?;
        Ok(started)
    }

    async fn save_photo(
        &self,
        profile_id: i64,
        kind: PhotoKind,
        photo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        photos::save(&self.pool, profile_id, kind, photo, now).await
    }

    async fn delete_photo(&self, profile_id: i64, kind: PhotoKind) -> StoreResult<bool> {
        photos::delete(&self.pool, profile_id, kind).await
    }

    async fn photo(&self, unique_id: &str, kind: PhotoKind) -> StoreResult<Option<PhotoRecord>> {
        photos::lookup(&self.pool, unique_id, kind).await
    }

    async fn find_members(&self, query: &MemberQuery) -> StoreResult<MemberPage> {
        staff::find_members(&self.pool, query).await
    }

    async fn grant_staff(&self, user_id: i64, grant: Grant, audit: &AuditEvent) -> StoreResult<()> {
        staff::grant(&self.pool, user_id, grant, audit).await
    }

    async fn revoke_staff(&self, user_id: i64, location_id: i64, audit: &AuditEvent) -> StoreResult<bool> {
        staff::revoke(&self.pool, user_id, location_id, audit).await
    }

    async fn staff_grants(&self, user_id: i64) -> StoreResult<Vec<Grant>> {
        staff::grants(&self.pool, user_id).await
    }

    async fn staff(&self) -> StoreResult<Vec<StaffRow>> {
        staff::staff(&self.pool).await
    }

    async fn add_staff_key(&self, key: &NewStaffKey) -> StoreResult<i64> {
        staff::add_key(&self.pool, key).await
    }

    async fn staff_key(&self, secret_hash: &str) -> StoreResult<Option<StaffKey>> {
        staff::key(&self.pool, secret_hash).await
    }

    async fn staff_keys(&self) -> StoreResult<Vec<StaffKey>> {
        staff::keys(&self.pool).await
    }

    async fn remove_staff_key(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool> {
        staff::remove_key(&self.pool, name, audit).await
    }

    async fn audit_of_location(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        staff::audit_of_location(&self.pool, query).await
    }

    async fn rename_location(&self, location_id: i64, name: &str) -> StoreResult<()> {
        accounts::rename_location(&self.pool, location_id, name).await
    }

    async fn set_location_brand(&self, location_id: i64, brand: &LocationBrand) -> StoreResult<()> {
        brand::set(&self.pool, location_id, brand).await
    }

    async fn save_location_logo(
        &self,
        location_id: i64,
        logo: &Photo,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        brand::save_logo(&self.pool, location_id, logo, now).await
    }

    async fn delete_location_logo(&self, location_id: i64) -> StoreResult<bool> {
        brand::delete_logo(&self.pool, location_id).await
    }

    async fn location_logo(&self, location_id: i64) -> StoreResult<Option<Photo>> {
        brand::logo(&self.pool, location_id).await
    }

    async fn relay_contact_message(&self, relay: &ContactRelay) -> StoreResult<ContactAdmission> {
        let mut tx = self.pool.begin().await?;
        let admission = contact::relay(&mut tx, relay).await?;
        tx.commit().await?;
        Ok(admission)
    }

    async fn set_user_active(&self, user_id: i64, active: bool, audit: &AuditEvent) -> StoreResult<()> {
        accounts::set_user_active(&self.pool, user_id, active, audit).await
    }

    async fn erase_user(&self, erasure: &Erasure) -> StoreResult<()> {
        accounts::erase_user(&self.pool, erasure).await
    }

    async fn two_factor(&self, user_id: i64) -> StoreResult<TwoFactorState> {
        two_factor::state(&self.pool, user_id).await
    }

    async fn begin_two_factor(&self, user_id: i64, sealed_secret: &str) -> StoreResult<()> {
        two_factor::begin(&self.pool, user_id, sealed_secret).await
    }

    async fn enable_two_factor(&self, on: &TwoFactorOn) -> StoreResult<bool> {
        two_factor::enable(&self.pool, on).await
    }

    async fn disable_two_factor(
        &self,
        user_id: i64,
        keep_session: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        two_factor::disable(&self.pool, user_id, keep_session, audit).await
    }

    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        two_factor::use_step(&self.pool, user_id, step).await
    }

    async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> StoreResult<bool> {
        two_factor::use_recovery_code(&self.pool, user_id, code_hash).await
    }

    async fn set_must_reset_password(&self, user_id: i64, required: bool) -> StoreResult<()> {
        accounts::set_must_reset_password(&mut *self.pool.acquire().await?, user_id, required).await
    }

    async fn set_user_language(&self, user_id: i64, language: Option<Language>) -> StoreResult<()> {
        accounts::set_user_language(&mut *self.pool.acquire().await?, user_id, language).await
    }

    async fn token_owner(&self, hash: &TokenHash) -> StoreResult<Option<TokenOwner>> {
        sessions::token_owner(&self.pool, hash).await
    }

    async fn end_session(&self, session_id: i64, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sessions::end_session_unaudited(&mut tx, session_id).await?;
        accounts::record_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_user_sessions(&self, user_id: i64, audit: &AuditEvent) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await?;
        let ended = sessions::delete_user_sessions(&mut tx, user_id).await?;
        accounts::record_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn sessions_of_user(&self, user_id: i64, now: OffsetDateTime) -> StoreResult<Vec<SessionSummary>> {
        sessions::sessions_of_user(&self.pool, user_id, now).await
    }

    async fn switch_profile(&self, session: &Session, profile_id: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let done = sessions::switch_profile(&mut tx, session, profile_id).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn purge_expired(&self, purge: &Purge) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sessions::purge_expired(&mut tx, purge.now, purge.lockout_window_start).await?;
        drafts::purge(&mut tx, purge.now).await?;
        contact::purge(&mut tx, purge.now).await?;
        outbox::purge(&mut tx, purge.now).await?;
        history::purge_history(&mut tx, purge.history_before).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn profile(&self, profile_id: i64) -> StoreResult<Profile> {
        profiles::profile(&self.pool, profile_id).await
    }

    async fn profiles(&self, profile_ids: &[i64]) -> StoreResult<Vec<Profile>> {
        profiles::profiles(&self.pool, profile_ids).await
    }

    async fn profiles_of_user(&self, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
        profiles::profiles_of_user(&self.pool, user_id).await
    }

    async fn apply_profile_patch(&self, update: &ProfileUpdate) -> StoreResult<Applied> {
        // A change the directory lists by (name, tags, visibility) also rewrites its entries.
        let plain = update.expected.is_none()
            && update.password.is_none()
            && !update.return_profile
            && !directory_rules::indexes_any(update.patch.iter().map(|(field, _)| field));
        if plain {
            return profiles::apply_in_one_statement(&self.pool, update).await;
        }
        let mut tx = self.pool.begin().await?;
        let done = profiles::apply(&mut tx, update).await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn history_of(&self, user_id: i64, paging: Paging) -> StoreResult<HistoryPage> {
        history::history_of(&self.pool, user_id, paging).await
    }

    async fn list_directory(
        &self,
        location_id: i64,
        tag: Option<&str>,
        order: DirectoryOrder,
        offset: u64,
        limit: u64,
    ) -> StoreResult<DirectoryHits> {
        directory::list(&self.pool, location_id, tag.unwrap_or_default(), order, offset, limit).await
    }

    async fn search_directory(
        &self,
        location_id: i64,
        words: &[String],
        tag: Option<&str>,
    ) -> StoreResult<Vec<SearchCandidate>> {
        directory::search(&self.pool, location_id, words, tag).await
    }

    async fn directory_profiles(
        &self,
        location_id: i64,
        profile_ids: &[i64],
    ) -> StoreResult<Vec<DirectoryProfile>> {
        directory::public_profiles(&self.pool, location_id, profile_ids).await
    }

    async fn stale_bios(&self, render_key: &str, after: i64, limit: i64) -> StoreResult<Vec<StaleBio>> {
        directory::stale_bios(&self.pool, render_key, after, limit).await
    }

    async fn save_bio_html(&self, bio: &StaleBio, html: &RenderedBio) -> StoreResult<bool> {
        directory::save_bio_html(&self.pool, bio, html).await
    }
}

/// SQLSTATE classes that mean "the server is not there right now", not "the request is wrong".
fn is_unavailable(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01")
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_string())
            }
            sqlx::Error::Database(db) if db.code().is_some_and(|c| is_unavailable(&c)) => {
                StoreError::Unavailable(db.message().to_string())
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(error.to_string()),
            _ => StoreError::Other(anyhow::Error::new(error)),
        }
    }
}

impl ColumnSource for PgRow {
    fn int(&self, index: usize) -> StoreResult<i64> {
        Ok(self.try_get(index)?)
    }

    fn optional_int(&self, index: usize) -> StoreResult<Option<i64>> {
        Ok(self.try_get(index)?)
    }

    fn optional_time(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        Ok(self.try_get(index)?)
    }

    fn text(&self, index: usize) -> StoreResult<Option<String>> {
        Ok(self.try_get(index)?)
    }

    fn flag(&self, index: usize) -> StoreResult<bool> {
        Ok(self.try_get(index)?)
    }

    fn date(&self, index: usize) -> StoreResult<Option<Date>> {
        Ok(self.try_get(index)?)
    }

    fn time(&self, index: usize) -> StoreResult<OffsetDateTime> {
        Ok(self.try_get(index)?)
    }
}
