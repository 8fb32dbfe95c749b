//! The SQLite writer: one thread owns the only write connection and commits in groups.
//!
//! Requests send it commands. It takes everything queued (without waiting for more), runs
//! it in one `BEGIN IMMEDIATE … COMMIT`, each command inside a `SAVEPOINT` of its own so a
//! command that fails (a stale version, a constraint) rolls back alone, and answers every
//! command only once the COMMIT has returned. So an answer still means "on disk" under
//! `synchronous=FULL`, while one flush serves the whole group; a failed COMMIT fails every
//! command of the group (503 at the edge).

use std::panic::{AssertUnwindSafe, catch_unwind};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::store::{StoreError, StoreResult};

/// The most commands one transaction takes; more wait for the next.
pub const MAX_BATCH: usize = 256;
/// Commands that may wait for the writer before senders wait too.
const QUEUE: usize = 4096;

/// The sending side; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    commands: mpsc::Sender<Box<dyn Command>>,
}

impl Writer {
    /// Starts the writer thread on `connection` (already configured and migrated).
    pub fn start(connection: Connection) -> std::io::Result<Writer> {
        let (commands, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("portico-sqlite-writer".into())
            .spawn(move || serve(connection, queue))?;
        Ok(Writer { commands })
    }

    /// Runs `work` in the next group's transaction; answers after its COMMIT.
    pub async fn write<T, W>(&self, work: W) -> StoreResult<T>
    where
        T: Send + 'static,
        W: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let command = Pending { work: Some(work), result: None, reply };
        self.commands.send(Box::new(command)).await.map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the SQLite writer has stopped".into())
}

/// One queued write: run inside the group's transaction, answered after its COMMIT.
trait Command: Send {
    /// Runs the command in a savepoint of its own. An error here means the transaction is
    /// no longer sound (a savepoint could not be rolled back), and the group must not commit.
    fn execute(&mut self, connection: &Connection) -> Result<(), StoreError>;
    fn answer(self: Box<Self>, commit: Result<(), StoreError>);
}

struct Pending<T, W> {
    work: Option<W>,
    result: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, W> Command for Pending<T, W>
where
    T: Send + 'static,
    W: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
{
    fn execute(&mut self, connection: &Connection) -> Result<(), StoreError> {
        if let Some(work) = self.work.take() {
            self.result = Some(in_savepoint(connection, work)?);
        }
        Ok(())
    }

    fn answer(self: Box<Self>, commit: Result<(), StoreError>) {
        let answer = match (commit, self.result) {
            (Err(error), _) => Err(error),
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StoreError::Other(anyhow::anyhow!("a write was never run"))),
        };
        // The requester may have gone; the write stands either way.
        let _ = self.reply.send(answer);
    }
}

/// Runs one command so that its failure undoes only its own statements. The outer error
/// is the savepoint's own; the inner result is the command's.
fn in_savepoint<T>(
    connection: &Connection,
    work: impl FnOnce(&Connection) -> StoreResult<T>,
) -> Result<StoreResult<T>, StoreError> {
    run(connection, "savepoint command")?;
    let result = catch_unwind(AssertUnwindSafe(|| work(connection)))
        .unwrap_or_else(|_| Err(StoreError::Other(anyhow::anyhow!("a write panicked"))));
    if result.is_err() {
        run(connection, "rollback to command")?;
    }
    run(connection, "release command")?;
    Ok(result)
}

/// One statement, prepared once per connection.
fn run(connection: &Connection, sql: &str) -> Result<(), StoreError> {
    connection.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn serve(connection: Connection, mut queue: mpsc::Receiver<Box<dyn Command>>) {
    while let Some(first) = queue.blocking_recv() {
        let mut group = vec![first];
        while group.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(command) => group.push(command),
                Err(_) => break,
            }
        }
        commit_group(&connection, group);
    }
}

fn commit_group(connection: &Connection, mut group: Vec<Box<dyn Command>>) {
    metrics::histogram!("portico_sqlite_write_group_commands").record(group.len() as f64);
    let outcome = run(connection, "begin immediate").and_then(|()| {
        for command in &mut group {
            command.execute(connection)?;
        }
        run(connection, "commit")
    });
    let outcome = outcome.map_err(|error| {
        if !connection.is_autocommit() {
            let _ = connection.execute_batch("rollback");
        }
        match error {
            StoreError::Unavailable(_) => error,
            other => StoreError::Unavailable(format!("the write transaction failed: {other}")),
        }
    });
    for command in group {
        let commit = match &outcome {
            Ok(()) => Ok(()),
            Err(error) => Err(StoreError::Unavailable(error.to_string())),
        };
        command.answer(commit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    fn database(dir: &tempfile::TempDir) -> (Connection, std::path::PathBuf) {
        let path = dir.path().join("writer.db");
        let connection = Connection::open(&path).expect("open");
        connection
            .execute_batch(
                "pragma journal_mode = wal; create table t (id integer primary key, v text not null unique)",
            )
            .expect("schema");
        (connection, path)
    }

    fn rows(path: &std::path::Path) -> Vec<String> {
        let reader = Connection::open(path).expect("reader");
        let mut statement = reader.prepare("select v from t order by id").expect("select");
        statement.query_map([], |row| row.get(0)).expect("rows").map(|r| r.expect("row")).collect()
    }

    /// Holds the writer in a first command until the others have queued, so they form one
    /// group; one of them violates a constraint and rolls back alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_command_rolls_back_alone_and_the_group_commits() {
        let dir = tempfile::tempdir().expect("dir");
        let (connection, path) = database(&dir);
        let writer = Writer::start(connection).expect("writer");
        let barrier = Arc::new(Barrier::new(2));
        let (started, running) = std::sync::mpsc::channel();
        let held = {
            let (writer, barrier) = (writer.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                writer
                    .write(move |c| {
                        started.send(()).expect("signal");
                        barrier.wait();
                        c.execute("insert into t (v) values ('first')", [])?;
                        Ok(())
                    })
                    .await
            })
        };
        // The others queue only once the first holds the writer, so it is the first to write.
        tokio::task::spawn_blocking(move || running.recv()).await.expect("join").expect("started");
        let queued: Vec<_> = ["a", "b", "first", "c"]
            .into_iter()
            .map(|value| {
                let writer = writer.clone();
                tokio::spawn(async move {
                    writer
                        .write(move |c| {
                            c.execute("insert into t (v) values (?1)", [value])?;
                            Ok(c.changes())
                        })
                        .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        tokio::task::spawn_blocking(move || barrier.wait()).await.expect("release");
        held.await.expect("task").expect("the first command");
        let mut outcomes = Vec::new();
        for command in queued {
            outcomes.push(command.await.expect("task"));
        }
        assert!(matches!(outcomes[2], Err(StoreError::Conflict(_))), "{:?}", outcomes[2]);
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 3);
        let mut written = rows(&path);
        assert_eq!(written.remove(0), "first");
        written.sort_unstable();
        assert_eq!(written, vec!["a", "b", "c"]);
    }

    #[tokio::test]
    async fn an_answer_comes_only_after_the_commit() {
        let dir = tempfile::tempdir().expect("dir");
        let (connection, path) = database(&dir);
        let writer = Writer::start(connection).expect("writer");
        writer
            .write(|c| {
                c.execute("insert into t (v) values ('durable')", [])?;
                Ok(())
            })
            .await
            .expect("write");
        assert_eq!(rows(&path), vec!["durable"], "visible to another connection once answered");
    }

    #[tokio::test]
    async fn a_failed_begin_fails_every_command_of_the_group() {
        let dir = tempfile::tempdir().expect("dir");
        let (connection, path) = database(&dir);
        connection.busy_timeout(std::time::Duration::from_millis(50)).expect("timeout");
        let writer = Writer::start(connection).expect("writer");
        let blocker = Connection::open(&path).expect("another writer");
        blocker.execute_batch("begin immediate").expect("hold the write lock");
        let outcome =
            writer.write(|c| c.execute("insert into t (v) values ('x')", []).map_err(Into::into)).await;
        assert!(matches!(outcome, Err(StoreError::Unavailable(_))), "{outcome:?}");
        blocker.execute_batch("rollback").expect("release");
        assert!(rows(&path).is_empty());
    }
}
