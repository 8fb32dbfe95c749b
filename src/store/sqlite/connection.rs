//! Opening the SQLite file: the writer's connection (WAL, `synchronous`, foreign keys,
//! migrations) and the readers'; how SQLite errors, times and rows become Portico's.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{HookError, M, Migrations};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::store::ConnectionUse;
use crate::store::shared::ColumnSource;
use crate::store::{StoreError, StoreResult};

/// How long a statement waits for another process's lock before the request gets a 503.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Prepared statements kept per connection. The PATCH's statements depend on which
/// properties it sends, so there are many; rusqlite's default of 16 would re-prepare them.
const STATEMENT_CACHE: usize = 512;

/// The schema: every file of `migrations/sqlite`, in name order (listed by build.rs);
/// `PRAGMA user_version` counts how many are applied.
const MIGRATIONS: &[&str] = include!(concat!(env!("OUT_DIR"), "/sqlite_migrations.rs"));
/// The migration after which the directory's entries are filled from the profiles.
const DIRECTORY_MIGRATION: usize = 4;

/// Opens (creating if missing) the database file for writing, brings its schema up to date
/// and sets the writer's pragmas.
pub fn open_writer(path: &Path, synchronous_full: bool) -> anyhow::Result<Connection> {
    let mut connection = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    connection.pragma_update(None, "journal_mode", "wal")?;
    connection.pragma_update(None, "synchronous", if synchronous_full { "full" } else { "normal" })?;
    connection.pragma_update(None, "foreign_keys", true)?;
    // Up to 32 MiB of pages (the default is 2 MiB): a large import or a group of PATCHes
    // then stays in memory until its commit instead of spilling pages to the WAL midway.
    connection.pragma_update(None, "cache_size", -32 * 1024)?;
    // Each command of a group runs in a savepoint, whose undo copies of the pages it touches
    // go to a sub-journal. Not `temp_store = memory`: an in-memory sub-journal is a list that
    // SQLite walks from its start at every statement savepoint it releases, so a command of
    // thousands of rows (an import, `portico seed`) went quadratic; the default keeps the
    // first 64 KiB in memory and spills the rest to a temporary file.
    migrate(&mut connection)?;
    Ok(connection)
}

/// Applies the migrations not yet applied. A database that sqlx migrated (before Portico
/// used rusqlite alone) records its migrations in `_sqlx_migrations` instead of
/// `user_version`: those count as applied.
pub fn migrate(connection: &mut Connection) -> anyhow::Result<()> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let from_sqlx: i64 = connection.query_row(
        "select count(*) from sqlite_master where type = 'table' and name = '_sqlx_migrations'",
        [],
        |row| row.get(0),
    )?;
    if version == 0 && from_sqlx == 1 {
        let applied: i64 =
            connection
                .query_row("select count(*) from _sqlx_migrations where success", [], |row| row.get(0))?;
        connection.pragma_update(None, "user_version", applied)?;
    }
    let migrations = Migrations::new(
        MIGRATIONS
            .iter()
            .enumerate()
            .map(|(index, sql)| {
                if index == DIRECTORY_MIGRATION {
                    M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                        super::directory::rebuild(tx).map_err(|e| HookError::Hook(e.to_string()))
                    })
                } else {
                    M::up(sql)
                }
            })
            .collect(),
    );
    migrations.to_latest(connection).context("migrating the SQLite schema")?;
    Ok(())
}

/// Read-only connections used on the calling thread, each behind a mutex: a read takes
/// microseconds from the page cache, less than a hop to another thread would cost.
pub struct Readers {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl Readers {
    pub fn open(path: &Path, count: usize) -> anyhow::Result<Readers> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connections = (0..count.max(1))
            .map(|_| {
                let connection = Connection::open_with_flags(path, flags)?;
                connection.busy_timeout(BUSY_TIMEOUT)?;
                connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                // No `mmap_size`: each checkpoint grows the file, and every reader then maps it
                // anew (an unmap is a TLB shootdown on every core). Measured with
                // `bench populate` (bench/analysis.md): the 90/10 mix at 16 connections ran
                // 15–20% faster without it, GET alone the same.
                Ok(Mutex::new(connection))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Readers { connections, next: AtomicUsize::new(0) })
    }

    /// How many readers are open and how many are reading right now.
    pub fn connection_use(&self) -> ConnectionUse {
        let busy = self.connections.iter().filter(|c| c.try_lock().is_err()).count();
        ConnectionUse { open: self.connections.len(), busy }
    }

    /// Runs `read` on a free connection (or waits briefly for the next one in turn).
    pub fn read<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> StoreResult<T> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.connections.len();
        let free = (0..count).find_map(|i| self.connections[(start + i) % count].try_lock().ok());
        let connection = match free {
            Some(guard) => guard,
            None => self.connections[start % count].lock().unwrap_or_else(|p| p.into_inner()),
        };
        read(&connection)
    }
}

/// SQLite counts every allocation under one global mutex unless told not to; Portico never
/// reads those counts. Only possible before SQLite initialises (the first connection), so
/// later calls (a second store in the same process) change nothing, harmlessly.
pub fn disable_memory_statistics() {
    // SAFETY: sqlite3_config is thread-safe to call before initialisation and returns
    // SQLITE_MISUSE without effect afterwards; the argument is a plain int.
    let _ = unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int)
    };
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{ConstraintViolation, DatabaseBusy, DatabaseLocked};
        match &error {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(e, message)
                if e.code == ConstraintViolation
                    && matches!(
                        e.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    ) =>
            {
                StoreError::Conflict(message.clone().unwrap_or_else(|| error.to_string()))
            }
            rusqlite::Error::SqliteFailure(e, _) if matches!(e.code, DatabaseBusy | DatabaseLocked) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Other(anyhow::Error::new(error)),
        }
    }
}

/// How times are stored: RFC 3339 in UTC with whole seconds (`2026-11-27T09:30:00Z`), so
/// that comparing the text compares the times. Every time Portico writes or compares in
/// SQLite goes through here.
pub fn time_text(at: OffsetDateTime) -> String {
    crate::clock::whole_seconds(at).format(&Rfc3339).unwrap_or_default()
}

/// How dates are stored: `YYYY-MM-DD`.
pub fn date_text(date: Date) -> String {
    date.to_string()
}

fn parse_time(text: &str, index: usize) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| StoreError::Other(anyhow::anyhow!("column {index}: a time that is not RFC 3339: {e}")))
}

impl ColumnSource for rusqlite::Row<'_> {
    fn int(&self, index: usize) -> StoreResult<i64> {
        Ok(self.get(index)?)
    }

    fn optional_int(&self, index: usize) -> StoreResult<Option<i64>> {
        Ok(self.get(index)?)
    }

    fn text(&self, index: usize) -> StoreResult<Option<String>> {
        Ok(self.get(index)?)
    }

    fn flag(&self, index: usize) -> StoreResult<bool> {
        Ok(self.get(index)?)
    }

    fn date(&self, index: usize) -> StoreResult<Option<Date>> {
        let text: Option<String> = self.get(index)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        text.map(|t| Date::parse(&t, format))
            .transpose()
            .map_err(|e| StoreError::Other(anyhow::anyhow!("column {index}: not a date: {e}")))
    }

    fn time(&self, index: usize) -> StoreResult<OffsetDateTime> {
        let text: String = self.get(index)?;
        parse_time(&text, index)
    }

    fn optional_time(&self, index: usize) -> StoreResult<Option<OffsetDateTime>> {
        let text: Option<String> = self.get(index)?;
        text.map(|t| parse_time(&t, index)).transpose()
    }
}

/// Every row of a query, each read by `read`.
pub fn all_rows<T>(
    mut rows: rusqlite::Rows<'_>,
    read: impl Fn(&rusqlite::Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        all.push(read(row)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_compare_as_text_in_the_order_of_time() {
        let earlier = time::macros::datetime!(2026-11-27 09:00:00.7 UTC);
        let later = time::macros::datetime!(2026-11-27 09:00:01 +02:00);
        assert_eq!(time_text(earlier), "2026-11-27T09:00:00Z", "whole seconds, in UTC");
        assert!(time_text(later) < time_text(earlier), "09:00:01+02:00 is 07:00:01Z");
    }

    #[test]
    fn the_writer_connection_is_durable_and_checks_foreign_keys() {
        let dir = tempfile::tempdir().expect("dir");
        let connection = open_writer(&dir.path().join("p.db"), true).expect("open");
        let pragma = |name: &str| -> String {
            connection
                .pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .expect("pragma")
        };
        assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
        assert_eq!(pragma("synchronous"), "Integer(2)", "FULL: an answered write survives power loss");
        assert_eq!(pragma("foreign_keys"), "Integer(1)");
        let normal = open_writer(&dir.path().join("q.db"), false).expect("open");
        let level: i64 = normal.pragma_query_value(None, "synchronous", |row| row.get(0)).expect("pragma");
        assert_eq!(level, 1, "NORMAL when asked for");
    }

    /// The writer keeps SQLite's automatic checkpoint (issue 30 measured the alternatives in
    /// bench/analysis.md): under steady writes the WAL starts over instead of growing.
    #[test]
    fn under_steady_writes_the_wal_stays_small() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        let connection = open_writer(&path, false).expect("open");
        connection.execute_batch("create table t (v blob)").expect("table");
        for _ in 0..3_000 {
            connection.execute("insert into t values (zeroblob(4000))", []).expect("write");
        }
        let wal = std::fs::metadata(dir.path().join("w.db-wal")).expect("wal").len();
        assert!(wal < 8 * 1024 * 1024, "3 000 page-sized writes left a WAL of {wal} bytes");
    }

    #[test]
    fn a_database_sqlx_migrated_is_carried_on() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("old.db");
        let old = Connection::open(&path).expect("open");
        old.execute_batch(MIGRATIONS[0]).expect("0001");
        old.execute_batch(MIGRATIONS[1]).expect("0002");
        old.execute_batch(
            "create table _sqlx_migrations (version integer primary key, success boolean not null);
             insert into _sqlx_migrations values (1, 1), (2, 1);",
        )
        .expect("sqlx's record");
        drop(old);
        let connection = open_writer(&path, true).expect("migrated");
        let version: i64 =
            connection.pragma_query_value(None, "user_version", |row| row.get(0)).expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let retired: i64 = connection
            .query_row("select count(*) from sqlite_master where name = 'retired_refresh_tokens'", [], |r| {
                r.get(0)
            })
            .expect("query");
        assert_eq!(retired, 1, "only the missing migration ran");
    }
}
