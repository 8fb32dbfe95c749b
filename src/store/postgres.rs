//! The store for running at scale: PostgreSQL, shared by any number of stateless Portico
//! nodes. Write transactions lock the rows they read with `for update`. When the server
//! is unreachable, calls fail fast with `StoreError::Unavailable` (503 at the edge) and the
//! pool reconnects by itself once it is back.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};
use time::OffsetDateTime;

use super::rows::*;
use super::shared::impl_sql_store;
use super::sql::{self, NullAs};
use super::*;
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::FailureState;
use crate::domain::patch::{Field, FieldValue, ProfilePatch};

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
        Ok(PostgresStore { pool })
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(map_err)
    }

    async fn read_session(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>> {
        let row: Option<SessionRow> = sqlx::query_as(sql::SESSION_BY_ACCESS)
            .bind(&hash.0)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.map(Session::from))
    }

    async fn read_session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>> {
        use sqlx::{FromRow, Row};
        let row = sqlx::query(sql::PROFILE_BY_ACCESS)
            .bind(&hash.0)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let profile = Profile::from(ProfileRow::from_row(&row).map_err(map_err)?);
        let session_id: i64 = row.try_get("session_id").map_err(map_err)?;
        let expires: OffsetDateTime = row.try_get("access_expires_at").map_err(map_err)?;
        Ok(Some((session_of(&profile, session_id, expires), profile)))
    }

    /// A plain PATCH as one statement: the profile update and, when the patch touches it, the
    /// user update in data-modifying CTEs. One statement is atomic on its own, so this saves
    /// the BEGIN and COMMIT round trips (and a read) of the transactional path.
    async fn patch_in_one_statement(&self, update: &ProfileUpdate<'_>) -> StoreResult<Option<Version>> {
        let mut query = sqlx::QueryBuilder::<Postgres>::new("with p as (");
        push_profile_update(&mut query, update.patch, update.now, update.profile_id, update.user_id);
        // The session must still be alive; `for share` makes a concurrent revocation wait for
        // this statement instead of passing it.
        query.push(" and exists (select 1 from sessions where id = ").push_bind(update.session_id);
        query.push(" for share) returning version)");
        if update.patch.touches_user() {
            query.push(", u as (");
            push_user_update(&mut query, update.patch, None, update.now, update.user_id);
            query.push(" and exists (select 1 from p) returning version)");
            query.push(" select (select version from p), (select version from u)");
        } else {
            query.push(" select (select version from p), (select version from users where id = ");
            query.push_bind(update.user_id).push(")");
        }
        let (profile, user): (Option<i64>, Option<i64>) =
            query.build_query_as().fetch_one(&self.pool).await.map_err(map_err)?;
        match (profile, user) {
            (Some(profile), Some(user)) => Ok(Some(Version { profile, user })),
            _ => Err(self.why_nothing_was_updated(update.session_id).await),
        }
    }

    async fn why_nothing_was_updated(&self, session_id: i64) -> StoreError {
        let alive: Result<Option<i64>, _> =
            sqlx::query_scalar(sql::SESSION_EXISTS).bind(session_id).fetch_optional(&self.pool).await;
        match alive {
            Ok(Some(_)) => StoreError::NotFound,
            Ok(None) => StoreError::SessionEnded,
            Err(error) => map_err(error),
        }
    }

    async fn read_profile(&self, profile_id: i64) -> StoreResult<Profile> {
        let row: ProfileRow = sqlx::query_as(sql::PROFILE_BY_ID)
            .bind(profile_id)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.into())
    }
}

const VERSIONS_FOR_WRITE: &str = sql::VERSIONS_FOR_UPDATE;
const SESSION_BY_REFRESH_FOR_WRITE: &str = sql::SESSION_BY_REFRESH_FOR_UPDATE;
const FAILURES_FOR_WRITE: &str = sql::FAILURES_FOR_UPDATE;
const SESSION_EXISTS_FOR_WRITE: &str = sql::SESSION_EXISTS_FOR_UPDATE;
const PASSWORD_HASH_FOR_WRITE: &str = sql::PASSWORD_HASH_FOR_UPDATE;

/// SQLSTATE classes that mean "the server is not there right now", not "the request is wrong".
fn is_unavailable(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01")
}

fn map_err(error: sqlx::Error) -> StoreError {
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

impl_sql_store!(PostgresStore, Postgres, PgConnection);
