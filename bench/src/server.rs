//! Portico (or a ceiling server) as a child process on a random loopback port.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `program args…` and waits for its "… serving on http://…" line.
    pub fn start(program: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Server> {
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let base = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.split_once("serving on ").map(|(_, url)| url.trim().to_string()))
            .context("the server did not announce its address")?;
        Ok(Server { child, base })
    }

    /// Portico as the benchmark drives it: every client is 127.0.0.1, so the per-address
    /// rate limits are off, and the hashing queue holds every connection wrk opens (the
    /// sign-in scenarios measure hashing throughput, not the queue's refusals).
    pub fn portico(binary: &Path, database_url: &str) -> anyhow::Result<Server> {
        Server::start(
            binary,
            // The metrics with the API: `write_groups` reads them at the server's address.
            &["serve", "--bind", "127.0.0.1:0", "--no-demo", "--metrics-bind", "api"],
            &[
                ("PORTICO_DATABASE_URL", database_url),
                ("PORTICO_LOG", "warn"),
                ("PORTICO_TOKEN_RATE_LIMIT", "0"),
                ("PORTICO_PASSWORD_CHANGE_RATE_LIMIT", "0"),
                ("PORTICO_HASH_QUEUE", "128"),
            ],
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn host_port(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Time from spawning `portico serve` on an existing database to its first 200 from
/// `/readyz`.
pub async fn time_to_ready(binary: &Path, database_url: &str) -> anyhow::Result<Duration> {
    let port = free_port()?;
    let bind = format!("127.0.0.1:{port}");
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_millis(200)).build()?;
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["serve", "--bind", &bind])
        .env("PORTICO_DATABASE_URL", database_url)
        .env("PORTICO_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let ready = loop {
        if http.get(format!("http://{bind}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            break Some(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(30) {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    ready.context("portico did not become ready within 30 s")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The SQLite writer's groups so far, from Portico's `/metrics`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteGroups {
    pub groups: f64,
    pub commands: f64,
}

impl WriteGroups {
    pub fn since(&self, before: &WriteGroups) -> WriteGroups {
        WriteGroups { groups: self.groups - before.groups, commands: self.commands - before.commands }
    }

    pub fn mean_size(&self) -> f64 {
        if self.groups > 0.0 { self.commands / self.groups } else { 0.0 }
    }
}

/// Reads `portico_sqlite_write_group_commands` (count: groups, sum: commands); zero on
/// PostgreSQL, which has no writer.
pub async fn write_groups(server: &Server) -> anyhow::Result<WriteGroups> {
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(5)).build()?;
    let text = http.get(format!("{}/metrics", server.base)).send().await?.text().await?;
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.trim().parse::<f64>().ok()))
            .unwrap_or(0.0)
    };
    Ok(WriteGroups {
        groups: value("portico_sqlite_write_group_commands_count"),
        commands: value("portico_sqlite_write_group_commands_sum"),
    })
}
