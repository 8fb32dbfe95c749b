//! The load generator: wrk on one thread, driven by a Lua scenario, against a server
//! process whose CPU time and peak memory are read around the run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::machine;

/// What wrk's `done()` hook prints.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WrkSummary {
    pub requests: u64,
    pub duration_us: u64,
    pub bytes: u64,
    pub connect_errors: u64,
    pub read_errors: u64,
    pub write_errors: u64,
    pub status_errors: u64,
    pub timeouts: u64,
    pub p50_us: u64,
    pub p95_us: u64,
    pub p99_us: u64,
    pub mean_us: f64,
}

impl WrkSummary {
    pub fn throughput(&self) -> f64 {
        if self.duration_us == 0 { 0.0 } else { self.requests as f64 / (self.duration_us as f64 / 1e6) }
    }

    pub fn errors(&self) -> u64 {
        self.connect_errors + self.read_errors + self.write_errors + self.status_errors + self.timeouts
    }
}

/// One measurement: the generator's figures plus the server's resources over the run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Measurement {
    pub wrk: WrkSummary,
    pub throughput: f64,
    /// Server CPU time per request, in microseconds (None for ceilings run in-process).
    pub cpu_us_per_request: Option<f64>,
    /// Peak resident memory of the server during the run, in MiB.
    pub peak_rss_mib: Option<f64>,
    /// The generator's CPU use over the run, as a share of one core.
    pub generator_core_share: f64,
}

pub struct Load<'a> {
    pub lua_dir: &'a Path,
    pub scenario: &'a str,
    pub target: &'a str,
    pub connections: usize,
    pub duration: Duration,
    pub env: Vec<(&'static str, String)>,
}

impl Load<'_> {
    fn script(&self) -> anyhow::Result<PathBuf> {
        let common = std::fs::read_to_string(self.lua_dir.join("common.lua"))?;
        let scenario = std::fs::read_to_string(self.lua_dir.join(format!("{}.lua", self.scenario)))
            .with_context(|| format!("scenario {}", self.scenario))?;
        let path =
            std::env::temp_dir().join(format!("portico-bench-{}-{}.lua", std::process::id(), self.scenario));
        std::fs::write(&path, format!("{common}\n{scenario}"))?;
        Ok(path)
    }

    fn command(&self) -> anyhow::Result<Command> {
        let mut command = Command::new("wrk");
        command
            .arg("-t1")
            .arg(format!("-c{}", self.connections))
            .arg(format!("-d{}s", self.duration.as_secs_f64().max(1.0).round()))
            .arg("--timeout")
            .arg("10s")
            .arg("-s")
            .arg(self.script()?)
            .arg(format!("http://{}", self.target))
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(command)
    }

    /// Runs wrk and reads the server (`pid`) around it.
    pub fn run(&self, server_pid: Option<u32>) -> anyhow::Result<Measurement> {
        let mut command = self.command()?;
        if let Some(pid) = server_pid {
            machine::reset_peak_rss(pid);
        }
        let cpu_before = server_pid.map(machine::cpu_time);
        let generator_before = machine::children_cpu_time();
        let output = command.output().context("running wrk (install it: apt-get install wrk)")?;
        let generator = machine::children_cpu_time().saturating_sub(generator_before);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().find_map(|l| l.strip_prefix("WRKJSON ")).with_context(|| {
            format!("wrk printed no summary: {stdout}{}", String::from_utf8_lossy(&output.stderr))
        })?;
        let wrk: WrkSummary = serde_json::from_str(line)?;
        let seconds = wrk.duration_us as f64 / 1e6;
        let cpu_us_per_request = match (server_pid, cpu_before) {
            (Some(pid), Some(before)) if wrk.requests > 0 => {
                Some(machine::cpu_time(pid).saturating_sub(before).as_secs_f64() * 1e6 / wrk.requests as f64)
            }
            _ => None,
        };
        let peak_rss_mib = server_pid.map(|pid| machine::rss_kib(pid).1 as f64 / 1024.0);
        Ok(Measurement {
            throughput: wrk.throughput(),
            cpu_us_per_request,
            peak_rss_mib,
            generator_core_share: if seconds > 0.0 { generator.as_secs_f64() / seconds } else { 0.0 },
            wrk,
        })
    }

    /// Starts wrk in the background (for load that runs beside a measurement).
    pub fn spawn(&self) -> anyhow::Result<std::process::Child> {
        let mut command = self.command()?;
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        Ok(command.spawn()?)
    }
}
