//! The `Store` implementation shared by both backends. Its SQL (from `sql.rs`) and the
//! order of statements are the same in both dialects, so it is written once and stamped
//! out for each backend's concrete sqlx types by `impl_sql_store!`.
//!
//! A backend module provides, before invoking the macro:
//! - `fn reader(&self) -> &Pool<DB>` and `async fn begin_write(&self) -> StoreResult<Transaction<'static, DB>>`;
//! - `fn map_err(sqlx::Error) -> StoreError`;
//! - `async fn patch_in_one_statement(&self, &ProfileUpdate) -> StoreResult<Option<Version>>`: a
//!   plain PATCH (no precondition, no password, no representation) as one atomic statement
//!   where the dialect allows it (`None`: use the transaction);
//! - `read_session`, `read_session_profile` and `read_profile`: the reads every authenticated
//!   request makes, which each backend serves its fastest way;
//! - `VERSIONS_FOR_WRITE`, `SESSION_BY_REFRESH_FOR_WRITE`, `FAILURES_FOR_WRITE`,
//!   `SESSION_EXISTS_FOR_WRITE`, `PASSWORD_HASH_FOR_WRITE`: the locking reads of a write
//!   transaction (`for update` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already holds the
//!   write lock).

macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $conn:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("select 1").execute(self.reader()).await.map_err(map_err)?;
                Ok(())
            }

            async fn create_location(&self, location: &NewLocation) -> StoreResult<Location> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(sql::INSERT_LOCATION)
                    .bind(&location.name)
                    .bind(&location.web_address)
                    .bind(location.country_id)
                    .bind(crate::clock::whole_seconds(OffsetDateTime::now_utc()))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                self.location(id).await
            }

            async fn locations(&self) -> StoreResult<Vec<Location>> {
                let rows: Vec<LocationRow> =
                    sqlx::query_as(sql::LOCATIONS_BY_ID).fetch_all(self.reader()).await.map_err(map_err)?;
                Ok(rows.into_iter().map(Location::from).collect())
            }

            async fn location(&self, id: i64) -> StoreResult<Location> {
                let row: LocationRow = sqlx::query_as(sql::LOCATION_BY_ID)
                    .bind(id)
                    .fetch_one(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(row.into())
            }

            async fn set_location_policy(
                &self,
                location_id: i64,
                policy: &PasswordPolicy,
            ) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(sql::SET_LOCATION_POLICY)
                    .bind(i64::from(policy.min_length))
                    .bind(i64::from(policy.max_length))
                    .bind(policy.reject_common)
                    .bind(policy.reject_personal)
                    .bind(policy.require_digit)
                    .bind(policy.require_upper)
                    .bind(policy.require_lower)
                    .bind(policy.require_symbol)
                    .bind(i64::from(policy.min_score))
                    .bind(location_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                tx.commit().await.map_err(map_err)
            }

            async fn add_members(
                &self,
                members: &[NewMember],
                now: OffsetDateTime,
            ) -> StoreResult<Vec<AddedMember>> {
                let mut tx = self.begin_write().await?;
                let mut added = Vec::with_capacity(members.len());
                for member in members {
                    added.push(add_member(&mut tx, member, now).await?);
                }
                tx.commit().await.map_err(map_err)?;
                Ok(added)
            }

            async fn has_users(&self) -> StoreResult<bool> {
                sqlx::query_scalar(sql::HAS_USERS).fetch_one(self.reader()).await.map_err(map_err)
            }

            async fn login_record(&self, email_key: &str) -> StoreResult<Option<LoginRecord>> {
                let row: Option<LoginRow> = sqlx::query_as(sql::LOGIN_BY_EMAIL_KEY)
                    .bind(email_key)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(row.and_then(login_record))
            }

            async fn user(&self, user_id: i64) -> StoreResult<User> {
                let row: UserRow = sqlx::query_as(sql::USER_BY_ID)
                    .bind(user_id)
                    .fetch_one(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(row.into())
            }

            async fn password_hash(&self, user_id: i64) -> StoreResult<String> {
                sqlx::query_scalar(sql::PASSWORD_HASH)
                    .bind(user_id)
                    .fetch_one(self.reader())
                    .await
                    .map_err(map_err)
            }

            async fn upgrade_password_hash(
                &self,
                user_id: i64,
                verified: &str,
                hash: &str,
            ) -> StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(sql::UPGRADE_PASSWORD_HASH)
                    .bind(hash)
                    .bind(user_id)
                    .bind(verified)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_password(&self, change: &OperatorPassword) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(sql::SET_PASSWORD_HASH)
                    .bind(&change.hash)
                    .bind(change.user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let ended = sqlx::query(sql::DELETE_USER_SESSIONS)
                    .bind(change.user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                clear_failures(&mut tx, &change.lockout_key).await?;
                insert_audit(&mut tx, &change.audit).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(ended.rows_affected())
            }

            async fn admit_password_check(&self, check: &PasswordCheck) -> StoreResult<Admission> {
                let mut tx = self.begin_write().await?;
                let previous = failures_for_write(&mut tx, &check.lockout_key, check.now).await?;
                let (next, admission) = check.rule.admit(previous, check.now);
                upsert_failures(&mut tx, &check.lockout_key, &next).await?;
                if let Admission::Locked { .. } = admission {
                    insert_audit(&mut tx, &check.refused).await?;
                    if !previous.is_some_and(|p| p.is_locked(check.now)) {
                        insert_audit(&mut tx, &check.refused.locked_out()).await?;
                    }
                }
                tx.commit().await.map_err(map_err)?;
                Ok(admission)
            }

            async fn record_password_failure(
                &self,
                attempt: &FailedAttempt,
            ) -> StoreResult<Option<OffsetDateTime>> {
                let mut tx = self.begin_write().await?;
                let now = attempt.audit.at;
                let previous = failures_for_write(&mut tx, &attempt.lockout_key, now).await?;
                let counted = previous.unwrap_or(FailureState {
                    attempts: attempt.attempt,
                    window_started_at: now,
                    locked_until: None,
                });
                let next = attempt.rule.after_failure(counted, attempt.attempt, now);
                upsert_failures(&mut tx, &attempt.lockout_key, &next).await?;
                insert_audit(&mut tx, &attempt.audit).await?;
                if next.is_locked(now) && !counted.is_locked(now) {
                    insert_audit(&mut tx, &attempt.audit.locked_out()).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(next.locked_until.filter(|until| *until > now))
            }

            async fn record_password_success(
                &self,
                lockout_key: &str,
                now: OffsetDateTime,
            ) -> StoreResult<Option<OffsetDateTime>> {
                let mut tx = self.begin_write().await?;
                let state = failures_for_write(&mut tx, lockout_key, now).await?;
                let lock = state.and_then(|s| s.locked_until.filter(|until| *until > now));
                if lock.is_none() {
                    clear_failures(&mut tx, lockout_key).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(lock)
            }

            async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                insert_audit(&mut tx, event).await?;
                tx.commit().await.map_err(map_err)
            }

            async fn audit_of(&self, email_key: &str) -> StoreResult<Vec<AuditRecord>> {
                let rows: Vec<AuditRow> = sqlx::query_as(sql::AUDIT_OF_EMAIL_KEY)
                    .bind(email_key)
                    .bind(crate::domain::fields::email_digest(email_key))
                    .fetch_all(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(rows.into_iter().map(AuditRecord::from).collect())
            }

            async fn create_session(
                &self,
                session: &NewSession,
                verified: &VerifiedPassword,
                audit: &AuditEvent,
            ) -> StoreResult<Session> {
                let mut tx = self.begin_write().await?;
                ensure_unlocked(&mut tx, &verified.lockout_key, session.created_at).await?;
                ensure_password_is(&mut tx, session.user_id, &verified.hash).await?;
                let id: i64 = sqlx::query_scalar(sql::INSERT_SESSION)
                    .bind(session.user_id)
                    .bind(session.profile_id)
                    .bind(&session.tokens.access_hash.0)
                    .bind(&session.tokens.refresh_hash.0)
                    .bind(session.tokens.access_expires_at)
                    .bind(session.tokens.refresh_expires_at)
                    .bind(session.created_at)
                    .bind(&session.source)
                    .bind(&session.user_agent)
                    .bind(session.expires_at)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                clear_failures(&mut tx, &verified.lockout_key).await?;
                insert_audit(&mut tx, audit).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(Session {
                    id,
                    user_id: session.user_id,
                    profile_id: session.profile_id,
                    access_expires_at: session.tokens.access_expires_at,
                })
            }

            async fn session_by_access(
                &self,
                hash: &TokenHash,
                now: OffsetDateTime,
            ) -> StoreResult<Option<Session>> {
                self.read_session(hash, now).await
            }

            async fn session_profile(
                &self,
                hash: &TokenHash,
                now: OffsetDateTime,
            ) -> StoreResult<Option<(Session, Profile)>> {
                self.read_session_profile(hash, now).await
            }

            async fn rotate_refresh(
                &self,
                refresh: &TokenHash,
                next: &SessionTokens,
                now: OffsetDateTime,
            ) -> StoreResult<RefreshOutcome> {
                let mut tx = self.begin_write().await?;
                let current: Option<(i64, OffsetDateTime, OffsetDateTime)> =
                    sqlx::query_as(SESSION_BY_REFRESH_FOR_WRITE)
                        .bind(&refresh.0)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                let outcome = match current {
                    Some((id, refresh_expires, session_expires)) if refresh_expires > now => {
                        sqlx::query(sql::RETIRE_REFRESH).bind(id).execute(&mut *tx).await.map_err(map_err)?;
                        let row: SessionRow = sqlx::query_as(sql::ROTATE_SESSION)
                            .bind(&next.access_hash.0)
                            .bind(&next.refresh_hash.0)
                            .bind(next.access_expires_at.min(session_expires))
                            .bind(next.refresh_expires_at.min(session_expires))
                            .bind(now)
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(map_err)?;
                        RefreshOutcome::Rotated(row.into())
                    }
                    Some((id, _, _)) => {
                        delete_session(&mut tx, id).await?;
                        RefreshOutcome::Invalid
                    }
                    None => {
                        let reused: Option<(i64, i64)> = sqlx::query_as(sql::SESSION_OF_RETIRED_REFRESH)
                            .bind(&refresh.0)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(map_err)?;
                        match reused {
                            Some((id, user_id)) => {
                                delete_session(&mut tx, id).await?;
                                RefreshOutcome::Reused { user_id }
                            }
                            None => RefreshOutcome::Invalid,
                        }
                    }
                };
                tx.commit().await.map_err(map_err)?;
                Ok(outcome)
            }

            async fn token_owner(&self, hash: &TokenHash) -> StoreResult<Option<TokenOwner>> {
                let row: Option<(i64, i64)> = sqlx::query_as(sql::TOKEN_OWNER)
                    .bind(&hash.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(row.map(|(session_id, user_id)| TokenOwner { session_id, user_id }))
            }

            async fn revoke_session(&self, session_id: i64, audit: &AuditEvent) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                delete_session(&mut tx, session_id).await?;
                insert_audit(&mut tx, audit).await?;
                tx.commit().await.map_err(map_err)
            }

            async fn revoke_user_sessions(&self, user_id: i64, audit: &AuditEvent) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(sql::DELETE_USER_SESSIONS)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                insert_audit(&mut tx, audit).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(done.rows_affected())
            }

            async fn sessions_of_user(
                &self,
                user_id: i64,
                now: OffsetDateTime,
            ) -> StoreResult<Vec<SessionSummary>> {
                let rows: Vec<SessionSummaryRow> = sqlx::query_as(sql::SESSIONS_OF_USER)
                    .bind(user_id)
                    .bind(now)
                    .fetch_all(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(rows.into_iter().map(SessionSummary::from).collect())
            }

            async fn purge_expired(&self, now: OffsetDateTime, rule: &LockoutRule) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(sql::DELETE_STALE_FAILURES)
                    .bind(now - rule.window)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                tx.commit().await.map_err(map_err)
            }

            async fn switch_profile(&self, session: &Session, profile_id: i64) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let owned: Option<i64> = sqlx::query_scalar(sql::PROFILE_OF_USER)
                    .bind(profile_id)
                    .bind(session.user_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if owned.is_none() {
                    return Err(StoreError::NotFound);
                }
                sqlx::query(sql::SET_SESSION_PROFILE)
                    .bind(profile_id)
                    .bind(session.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(sql::SET_DEFAULT_PROFILE)
                    .bind(profile_id)
                    .bind(session.user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                tx.commit().await.map_err(map_err)
            }

            async fn profile(&self, profile_id: i64) -> StoreResult<Profile> {
                self.read_profile(profile_id).await
            }

            async fn profiles_of_user(&self, user_id: i64) -> StoreResult<Vec<ProfileSummary>> {
                let rows: Vec<ProfileSummaryRow> = sqlx::query_as(sql::PROFILE_SUMMARIES)
                    .bind(user_id)
                    .fetch_all(self.reader())
                    .await
                    .map_err(map_err)?;
                Ok(rows.into_iter().map(ProfileSummary::from).collect())
            }

            async fn apply_profile_patch(&self, update: &ProfileUpdate<'_>) -> StoreResult<Applied> {
                let plain = update.expected.is_none() && update.password.is_none() && !update.representation;
                if plain && let Some(version) = self.patch_in_one_statement(update).await? {
                    return Ok(Applied { version, profile: None });
                }
                let mut tx = self.begin_write().await?;
                let alive: Option<i64> = sqlx::query_scalar(SESSION_EXISTS_FOR_WRITE)
                    .bind(update.session_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if alive.is_none() {
                    return Err(StoreError::SessionEnded);
                }
                if let Some(expected) = update.expected {
                    let current: Option<(i64, i64)> = sqlx::query_as(VERSIONS_FOR_WRITE)
                        .bind(update.profile_id)
                        .bind(update.user_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let (profile, user) = current.ok_or(StoreError::NotFound)?;
                    if (profile, user) != (expected.profile, expected.user) {
                        return Err(StoreError::VersionMismatch);
                    }
                }
                if let Some(password) = &update.password {
                    ensure_unlocked(&mut tx, &password.lockout_key, update.now).await?;
                    ensure_password_is(&mut tx, update.user_id, &password.verified_hash).await?;
                }
                if !update.patch.is_empty() {
                    update_profile_row(&mut tx, update.profile_id, update.user_id, update.patch, update.now)
                        .await?;
                }
                if update.patch.touches_user() || update.password.is_some() {
                    let hash = update.password.as_ref().map(|p| p.hash.as_str());
                    update_user_row(&mut tx, update.user_id, update.patch, hash, update.now).await?;
                }
                if let Some(password) = &update.password {
                    sqlx::query(sql::DELETE_OTHER_SESSIONS)
                        .bind(update.user_id)
                        .bind(password.keep_session)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    rotate_refresh_of(&mut tx, password.keep_session, &password.next_refresh).await?;
                    clear_failures(&mut tx, &password.lockout_key).await?;
                    insert_audit(&mut tx, &password.audit).await?;
                }
                let applied = if update.representation {
                    let row: ProfileRow = sqlx::query_as(sql::PROFILE_BY_ID)
                        .bind(update.profile_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let profile = Profile::from(row);
                    Applied { version: profile.version, profile: Some(profile) }
                } else {
                    let (profile, user): (i64, i64) = sqlx::query_as(sql::VERSIONS)
                        .bind(update.profile_id)
                        .bind(update.user_id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    Applied { version: Version { profile, user }, profile: None }
                };
                tx.commit().await.map_err(map_err)?;
                Ok(applied)
            }
        }

        fn login_record(row: LoginRow) -> Option<LoginRecord> {
            Some(LoginRecord {
                user_id: row.id,
                password_hash: row.password_hash,
                active: row.active,
                default_profile_id: row.default_profile_id?,
            })
        }

        async fn insert_audit(conn: &mut $conn, event: &AuditEvent) -> StoreResult<()> {
            sqlx::query(sql::INSERT_AUDIT)
                .bind(event.at)
                .bind(event.user_id)
                .bind(&event.email_key)
                .bind(event.kind.as_str())
                .bind(&event.source)
                .bind(&event.user_agent)
                .bind(&event.detail)
                .execute(conn)
                .await
                .map_err(map_err)?;
            Ok(())
        }

        /// The account's counter, locked for this transaction (a row is made if there is none,
        /// so concurrent first attempts queue on it).
        async fn failures_for_write(
            conn: &mut $conn,
            lockout_key: &str,
            now: OffsetDateTime,
        ) -> StoreResult<Option<FailureState>> {
            sqlx::query(sql::ENSURE_FAILURE_ROW)
                .bind(lockout_key)
                .bind(now)
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
            let row: Option<FailureRow> = sqlx::query_as(FAILURES_FOR_WRITE)
                .bind(lockout_key)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
            Ok(row.map(FailureState::from))
        }

        async fn upsert_failures(
            conn: &mut $conn,
            lockout_key: &str,
            state: &FailureState,
        ) -> StoreResult<()> {
            sqlx::query(sql::UPSERT_FAILURES)
                .bind(lockout_key)
                .bind(i64::from(state.attempts))
                .bind(state.window_started_at)
                .bind(state.locked_until)
                .execute(conn)
                .await
                .map_err(map_err)?;
            Ok(())
        }

        async fn clear_failures(conn: &mut $conn, lockout_key: &str) -> StoreResult<()> {
            sqlx::query(sql::CLEAR_FAILURES).bind(lockout_key).execute(conn).await.map_err(map_err)?;
            Ok(())
        }

        /// Refuses with `Locked` while password checks for the account are locked.
        async fn ensure_unlocked(
            conn: &mut $conn,
            lockout_key: &str,
            now: OffsetDateTime,
        ) -> StoreResult<()> {
            let row: Option<FailureRow> = sqlx::query_as(FAILURES_FOR_WRITE)
                .bind(lockout_key)
                .fetch_optional(conn)
                .await
                .map_err(map_err)?;
            match row.map(FailureState::from).and_then(|s| s.locked_until.filter(|until| *until > now)) {
                Some(until) => Err(StoreError::Locked(until)),
                None => Ok(()),
            }
        }

        /// Refuses with `PasswordChanged` unless `verified` is still the user's stored hash.
        async fn ensure_password_is(conn: &mut $conn, user_id: i64, verified: &str) -> StoreResult<()> {
            let stored: Option<String> = sqlx::query_scalar(PASSWORD_HASH_FOR_WRITE)
                .bind(user_id)
                .fetch_optional(conn)
                .await
                .map_err(map_err)?;
            if stored.as_deref() == Some(verified) { Ok(()) } else { Err(StoreError::PasswordChanged) }
        }

        /// Retires a session's refresh token into its family and gives it `next`.
        async fn rotate_refresh_of(conn: &mut $conn, session_id: i64, next: &TokenHash) -> StoreResult<()> {
            sqlx::query(sql::RETIRE_REFRESH).bind(session_id).execute(&mut *conn).await.map_err(map_err)?;
            sqlx::query(sql::SET_REFRESH)
                .bind(&next.0)
                .bind(session_id)
                .execute(conn)
                .await
                .map_err(map_err)?;
            Ok(())
        }

        async fn delete_session(conn: &mut $conn, id: i64) -> StoreResult<()> {
            sqlx::query(sql::DELETE_SESSION).bind(id).execute(conn).await.map_err(map_err)?;
            Ok(())
        }

        async fn add_member(
            conn: &mut $conn,
            member: &NewMember,
            now: OffsetDateTime,
        ) -> StoreResult<AddedMember> {
            let existing: Option<i64> = sqlx::query_scalar(sql::USER_ID_BY_EMAIL_KEY)
                .bind(&member.email_key)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
            let new_user = existing.is_none();
            let user_id = match existing {
                Some(id) => id,
                None => sqlx::query_scalar(sql::INSERT_USER)
                    .bind(&member.email)
                    .bind(&member.email_key)
                    .bind(&member.password_hash)
                    .bind(&member.full_name)
                    .bind(now)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(map_err)?,
            };
            let profile_id: i64 = sqlx::query_scalar(sql::INSERT_PROFILE)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(user_id)
                .bind(&member.full_name)
                .bind(&member.email)
                .bind(now)
                .bind(member.location_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(|e| match map_err(e) {
                    StoreError::Conflict(_) => StoreError::Conflict(format!(
                        "{} already has a profile at this location",
                        member.email
                    )),
                    other => other,
                })?
                .ok_or(StoreError::NotFound)?;
            if !member.fields.is_empty() {
                update_profile_row(conn, profile_id, user_id, &member.fields, now).await?;
            }
            sqlx::query(sql::SET_DEFAULT_PROFILE_IF_NONE)
                .bind(profile_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
            Ok(AddedMember { user_id, profile_id, new_user })
        }

        async fn update_profile_row(
            conn: &mut $conn,
            profile_id: i64,
            user_id: i64,
            patch: &ProfilePatch,
            now: OffsetDateTime,
        ) -> StoreResult<()> {
            let mut query = sqlx::QueryBuilder::<$db>::new("");
            push_profile_update(&mut query, patch, now, profile_id, user_id);
            let done = query.build().execute(&mut *conn).await.map_err(map_err)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        }

        async fn update_user_row(
            conn: &mut $conn,
            user_id: i64,
            patch: &ProfilePatch,
            password_hash: Option<&str>,
            now: OffsetDateTime,
        ) -> StoreResult<()> {
            let mut query = sqlx::QueryBuilder::<$db>::new("");
            push_user_update(&mut query, patch, password_hash, now, user_id);
            query.build().execute(&mut *conn).await.map_err(map_err)?;
            Ok(())
        }

        /// `update profiles …` with the profile's properties of a patch; the version and the
        /// time of change always move.
        fn push_profile_update(
            query: &mut sqlx::QueryBuilder<$db>,
            patch: &ProfilePatch,
            now: OffsetDateTime,
            profile_id: i64,
            user_id: i64,
        ) {
            query.push("update profiles set version = version + 1, updated_on = ").push_bind(now);
            for (field, value) in patch.iter().filter(|(f, _)| !f.on_user()) {
                push_assignment(query, field, value);
            }
            query.push(" where id = ").push_bind(profile_id).push(" and user_id = ").push_bind(user_id);
        }

        /// `update users …` with the user's properties of a patch (the notification
        /// preferences, the name) and a new password hash.
        fn push_user_update(
            query: &mut sqlx::QueryBuilder<$db>,
            patch: &ProfilePatch,
            password_hash: Option<&str>,
            now: OffsetDateTime,
            user_id: i64,
        ) {
            query.push("update users set version = version + 1, updated_on = ").push_bind(now);
            if let Some(hash) = password_hash {
                query.push(", password_hash = ").push_bind(hash.to_string());
            }
            for (field, value) in patch.iter().filter(|(f, _)| f.on_user() || *f == Field::FullName) {
                push_assignment(query, field, value);
            }
            query.push(" where id = ").push_bind(user_id);
        }

        fn push_assignment(query: &mut sqlx::QueryBuilder<$db>, field: Field, value: Option<&FieldValue>) {
            query.push(", ").push(sql::column(field)).push(" = ");
            match (value, sql::null_as(field)) {
                (Some(FieldValue::Text(text)), _) => query.push_bind(text.clone()),
                (Some(FieldValue::Int(number)), _) => query.push_bind(*number),
                (Some(FieldValue::Bool(flag)), _) => query.push_bind(*flag),
                (Some(FieldValue::Date(date)), _) => query.push_bind(*date),
                (None, NullAs::Text) => query.push_bind(None::<String>),
                (None, NullAs::Date) => query.push_bind(None::<time::Date>),
            };
        }
    };
}

pub(crate) use impl_sql_store;
