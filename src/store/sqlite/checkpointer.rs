//! Checkpoints off the writer: the write connection never checkpoints (SQLite's automatic
//! checkpoint ran inside the writer's COMMIT, about a fifth of its time under load); this
//! thread copies the WAL into the database file with passive checkpoints, which never
//! block a reader or the writer, and truncates the WAL when it has grown past a bound.
//! The clean stop's truncating checkpoint (`backup::checkpoint`) still leaves the file whole.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is copied into the database file.
pub const INTERVAL: Duration = Duration::from_millis(200);
/// A WAL larger than this is truncated (waiting for readers) once it is all copied.
pub const WAL_BOUND_BYTES: u64 = 64 * 1024 * 1024;

/// Stops the thread when dropped (with the store).
pub struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> anyhow::Result<Checkpointer> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(1))?;
        let wal = wal_path(path);
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new().name("portico-sqlite-checkpoint".into()).spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                if let Err(error) = checkpoint_once(&connection, &wal) {
                    tracing::warn!(%error, "a WAL checkpoint failed; the next one tries again");
                }
            }
        })?;
        Ok(Checkpointer { _stop: stop })
    }
}

fn wal_path(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// One round: a passive checkpoint; if it copied everything and the WAL file is past the
/// bound, a truncating one.
pub fn checkpoint_once(connection: &Connection, wal: &Path) -> rusqlite::Result<()> {
    let (busy, frames, copied) = run(connection, "passive")?;
    let large = std::fs::metadata(wal).is_ok_and(|m| m.len() > WAL_BOUND_BYTES);
    if busy == 0 && frames == copied && large {
        run(connection, "truncate")?;
    }
    Ok(())
}

fn run(connection: &Connection, mode: &str) -> rusqlite::Result<(i64, i64, i64)> {
    connection
        .query_row(&format!("pragma wal_checkpoint({mode})"), [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_write_connection_leaves_the_wal_to_the_checkpointer() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let writer = super::super::connection::open_writer(&path, true).expect("writer");
        let automatic: i64 =
            writer.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0)).expect("pragma");
        assert_eq!(automatic, 0, "no checkpoint inside the writer's COMMIT");
        writer
            .execute_batch("create table t (v blob); insert into t values (zeroblob(1000000))")
            .expect("write");
        let wal = wal_path(&path);
        let before = std::fs::metadata(&wal).expect("wal").len();
        assert!(before > 1_000_000, "the write is in the WAL: {before}");
        let checkpointer = Connection::open(&path).expect("open");
        let (busy, frames, copied) = run(&checkpointer, "passive").expect("checkpoint");
        assert_eq!((busy, frames), (0, copied), "all copied");
        let database = std::fs::metadata(&path).expect("db").len();
        assert!(database > 1_000_000, "the database file holds it now: {database}");
    }

    #[test]
    fn a_wal_past_the_bound_is_truncated_once_copied() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let writer = super::super::connection::open_writer(&path, false).expect("writer");
        let bound = WAL_BOUND_BYTES as i64;
        writer.execute_batch("create table t (v blob)").expect("table");
        writer.execute("insert into t values (zeroblob(?1))", [bound + 1_000_000]).expect("large");
        let wal = wal_path(&path);
        assert!(std::fs::metadata(&wal).expect("wal").len() > WAL_BOUND_BYTES);
        let checkpointer = Connection::open(&path).expect("open");
        checkpoint_once(&checkpointer, &wal).expect("round");
        assert_eq!(std::fs::metadata(&wal).expect("wal").len(), 0, "truncated");
        writer.execute("insert into t values (zeroblob(1000))", []).expect("small");
        checkpoint_once(&checkpointer, &wal).expect("round");
        assert!(std::fs::metadata(&wal).expect("wal").len() > 0, "a small WAL is left to be reused");
    }
}
