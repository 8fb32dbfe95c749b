//! The store for running at scale: PostgreSQL, shared by any number of stateless Portico
//! nodes. Write transactions lock the rows they read with `for update`. When the server
//! is unreachable, calls fail fast with `StoreError::Unavailable` (503 at the edge) and the
//! pool reconnects by itself once it is back.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};

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
}

const VERSIONS_FOR_WRITE: &str = sql::VERSIONS_FOR_UPDATE;
const SESSION_BY_REFRESH_FOR_WRITE: &str = sql::SESSION_BY_REFRESH_FOR_UPDATE;
const FAILURES_FOR_WRITE: &str = sql::FAILURES_BY_EMAIL_KEY_FOR_UPDATE;

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
