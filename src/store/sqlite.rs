//! The embedded store: one SQLite file in WAL mode. All writes go through a single
//! writer connection and start with `BEGIN IMMEDIATE`, so they queue instead of failing
//! with "database is locked"; reads use separate connections and never block on writers.
//!
//! The two reads of every authenticated request (the session, the profile) run inline on
//! the calling thread through rusqlite (`InlineReaders`): they take microseconds from the
//! page cache, while a round trip to sqlx's per-connection worker thread costs two thread
//! wake-ups, which on a small machine cost more than the query (see docs/BENCHMARKS.md).

use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use time::format_description::well_known::Rfc3339;

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
    inline: InlineReaders,
}

impl SqliteStore {
    pub async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<Self> {
        disable_memory_statistics();
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
            .connect_with(connect.clone().read_only(true))
            .await?;
        let inline = InlineReaders::open(connect.get_filename(), INLINE_READERS)?;
        Ok(SqliteStore { writer, reader, inline })
    }

    async fn read_session(&self, hash: &TokenHash, now: OffsetDateTime) -> StoreResult<Option<Session>> {
        let now = now.format(&Rfc3339).map_err(|e| StoreError::Other(e.into()))?;
        self.inline.read(|connection| {
            let mut statement = connection.prepare_cached(sql::SESSION_BY_ACCESS)?;
            let mut rows = statement.query(rusqlite::params![hash.0, now])?;
            rows.next()?.map(SessionRow::from_rusqlite).transpose().map(|row| row.map(Session::from))
        })
    }

    async fn read_session_profile(
        &self,
        hash: &TokenHash,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, Profile)>> {
        let now = now.format(&Rfc3339).map_err(|e| StoreError::Other(e.into()))?;
        self.inline.read(|connection| {
            let mut statement = connection.prepare_cached(sql::PROFILE_BY_ACCESS)?;
            let mut rows = statement.query(rusqlite::params![hash.0, now])?;
            rows.next()?.map(session_profile_from_rusqlite).transpose()
        })
    }

    /// In-process, a transaction costs nothing extra: every PATCH takes the transactional path.
    async fn patch_in_one_statement(&self, _update: &ProfileUpdate<'_>) -> StoreResult<Option<Version>> {
        Ok(None)
    }

    async fn read_profile(&self, profile_id: i64) -> StoreResult<Profile> {
        self.inline.read(|connection| {
            let mut statement = connection.prepare_cached(sql::PROFILE_BY_ID)?;
            statement.query_row([profile_id], ProfileRow::from_rusqlite).map(Profile::from)
        })
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

/// SQLite counts every allocation under one global mutex unless told not to; Portico never
/// reads those counts. Only possible before SQLite initialises (the first connection), so
/// later calls (a second store in the same process) change nothing, harmlessly.
fn disable_memory_statistics() {
    // SAFETY: sqlite3_config is thread-safe to call before initialisation and returns
    // SQLITE_MISUSE without effect afterwards; the argument is a plain int.
    let _ = unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int)
    };
}

/// Connections for inline reads; more than the async workers, so a reader rarely waits.
const INLINE_READERS: usize = 4;

/// Read-only rusqlite connections used on the calling thread, each behind a mutex.
struct InlineReaders {
    connections: Vec<Mutex<rusqlite::Connection>>,
    next: AtomicUsize,
}

impl InlineReaders {
    fn open(path: &Path, count: usize) -> anyhow::Result<Self> {
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connections = (0..count.max(1))
            .map(|_| {
                let connection = rusqlite::Connection::open_with_flags(path, flags)?;
                connection.busy_timeout(Duration::from_secs(5))?;
                // Read pages straight from the OS page cache instead of copying them into each
                // connection's own cache.
                connection.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
                Ok(Mutex::new(connection))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(InlineReaders { connections, next: AtomicUsize::new(0) })
    }

    /// Runs `read` on a free connection (or waits briefly for the next one in turn).
    fn read<T>(&self, read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.connections.len();
        let free = (0..count).find_map(|i| self.connections[(start + i) % count].try_lock().ok());
        let connection = match free {
            Some(guard) => guard,
            None => self.connections[start % count].lock().unwrap_or_else(|p| p.into_inner()),
        };
        read(&connection).map_err(map_rusqlite_err)
    }
}

fn map_rusqlite_err(error: rusqlite::Error) -> StoreError {
    match &error {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
        {
            StoreError::Unavailable(error.to_string())
        }
        _ => StoreError::Other(anyhow::Error::new(error)),
    }
}

const VERSIONS_FOR_WRITE: &str = sql::VERSIONS;
const SESSION_BY_REFRESH_FOR_WRITE: &str = sql::SESSION_BY_REFRESH;
const FAILURES_FOR_WRITE: &str = sql::FAILURES;
const SESSION_EXISTS_FOR_WRITE: &str = sql::SESSION_EXISTS;
const PASSWORD_HASH_FOR_WRITE: &str = sql::PASSWORD_HASH;

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
