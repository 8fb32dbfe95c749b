//! Backups of a SQLite deployment (docs/OPERATIONS.md): a consistent copy taken while the
//! server runs, a restore into a stopped deployment, and the checkpoint of a clean stop.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rusqlite::{Connection, OpenFlags};

/// Copies the database at `source` into `target` (which must not exist) as one read
/// transaction (`VACUUM INTO`): every commit before it and none after, while the server
/// goes on serving. The copy is a whole database file, without a WAL, checked before this
/// returns.
pub fn backup(source: &Path, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(source.exists(), "there is no database at {}", source.display());
    anyhow::ensure!(!target.exists(), "{} exists already; name a new file", target.display());
    let connection = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", source.display()))?;
    connection.busy_timeout(Duration::from_secs(30))?;
    let target_text = target.to_str().context("the backup's path is not UTF-8")?;
    connection
        .execute("vacuum into ?1", [target_text])
        .with_context(|| format!("writing the backup to {}", target.display()))?;
    check(target)
}

/// Replaces the database at `target` with the backup `source`, once no process has the
/// database open (the server is stopped): checked first, then copied beside it and moved
/// into place, so a failure midway leaves the old database as it was.
pub fn restore(source: &Path, target: &Path) -> anyhow::Result<()> {
    check(source).with_context(|| format!("{} is not a Portico backup", source.display()))?;
    if target.exists() {
        ensure_unused(target)?;
    }
    let staged = sibling(target, "restoring");
    std::fs::copy(source, &staged).with_context(|| format!("copying to {}", staged.display()))?;
    std::fs::File::open(&staged)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let stale = sibling(target, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
        }
    }
    std::fs::rename(&staged, target).with_context(|| format!("moving the backup to {}", target.display()))?;
    Ok(())
}

/// Writes every page of the WAL into the database file and empties the WAL, so the file
/// alone is whole (a clean stop does this last).
pub fn checkpoint(path: &Path) -> anyhow::Result<()> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    let (busy, _, _): (i64, i64, i64) = connection
        .query_row("pragma wal_checkpoint(truncate)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    anyhow::ensure!(busy == 0, "the checkpoint could not finish: a reader was still busy");
    Ok(())
}

/// A whole SQLite database holding Portico's schema.
fn check(path: &Path) -> anyhow::Result<()> {
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let verdict: String = connection.query_row("pragma integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(verdict == "ok", "the database is damaged: {verdict}");
    let tables: i64 = connection.query_row(
        "select count(*) from sqlite_master where type = 'table' and name in ('users', 'profiles', 'locations')",
        [],
        |r| r.get(0),
    )?;
    anyhow::ensure!(tables == 3, "it does not hold Portico's tables");
    Ok(())
}

/// Refuses while another process has the database open: a connection in exclusive locking
/// mode cannot take the file's lock while a server's connections hold theirs.
fn ensure_unused(path: &Path) -> anyhow::Result<()> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::ZERO)?;
    connection.pragma_update(None, "locking_mode", "exclusive")?;
    let in_use = connection.execute_batch("begin exclusive; commit;").is_err();
    anyhow::ensure!(
        !in_use,
        "{} is in use: stop every Portico process that serves it, then restore",
        path.display()
    );
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    if suffix.starts_with('-') {
        name.push(suffix);
    } else {
        name.push(format!(".{suffix}"));
    }
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_needs_a_new_file_and_a_restore_a_portico_database() {
        let dir = tempfile::tempdir().expect("dir");
        let (db, copy) = (dir.path().join("portico.db"), dir.path().join("copy.db"));
        let c = Connection::open(&db).expect("open");
        c.execute_batch("create table users (id); create table profiles (id); create table locations (id); insert into users values (7);")
            .expect("schema");
        drop(c);
        backup(&db, &copy).expect("backup");
        assert!(backup(&db, &copy).is_err(), "never over an existing file");
        let other = dir.path().join("other.db");
        Connection::open(&other).expect("open").execute_batch("create table x (y);").expect("x");
        assert!(restore(&other, &db).is_err(), "not Portico's");
        std::fs::write(dir.path().join("junk.db"), b"not a database").expect("junk");
        assert!(restore(&dir.path().join("junk.db"), &db).is_err());
        let held = Connection::open(&db).expect("open");
        held.pragma_update(None, "journal_mode", "wal").expect("wal");
        held.query_row("select count(*) from users", [], |r| r.get::<_, i64>(0)).expect("read");
        assert!(restore(&copy, &db).is_err(), "refused while another connection has it open");
        drop(held);
        restore(&copy, &db).expect("restored once nobody has it open");
        let read: i64 = Connection::open(&db)
            .expect("open")
            .query_row("select id from users", [], |r| r.get(0))
            .expect("row");
        assert_eq!(read, 7);
    }
}
