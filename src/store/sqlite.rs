//! The embedded store: one SQLite file in WAL mode. All writes go through a single
//! writer connection and start with `BEGIN IMMEDIATE`, so they queue instead of failing
//! with "database is locked"; reads use a separate pool and never block on writers.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use super::rows::*;
use super::shared::impl_sql_store;
use super::sql::{self, NullAs};
use super::*;
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::FailureState;
use crate::domain::patch::{Field, FieldValue, ProfilePatch};

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<Self> {
        let synchronous =
            if options.sqlite_synchronous_full { SqliteSynchronous::Full } else { SqliteSynchronous::Normal };
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect.clone())
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect.read_only(true))
            .await?;
        Ok(SqliteStore { writer, reader })
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Every write transaction takes the write lock up front, so it waits (up to
    /// `busy_timeout`) instead of failing when another process writes.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
        self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(map_err)
    }
}

const VERSIONS_FOR_WRITE: &str = sql::VERSIONS;
const SESSION_BY_REFRESH_FOR_WRITE: &str = sql::SESSION_BY_REFRESH;
const FAILURES_FOR_WRITE: &str = sql::FAILURES_BY_EMAIL_KEY;

fn map_err(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_string())
        }
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("5" | "6" | "517")) => {
            StoreError::Unavailable(format!("database busy: {}", db.message()))
        }
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
            StoreError::Unavailable(error.to_string())
        }
        _ => StoreError::Other(anyhow::Error::new(error)),
    }
}

impl_sql_store!(SqliteStore, Sqlite, SqliteConnection);
