//! Logging and metrics set-up. Secrets never reach a log: request spans record the route
//! template, not the URI, and passwords and tokens are wrapped so they cannot be formatted.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal: a log file gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Compact => builder.compact().try_init(),
    };
}

/// The process's metrics registry, installed on first use: every node (and every test server
/// in one process) records into one registry, rendered by `GET /metrics`.
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = histogram_buckets(PrometheusBuilder::new()).build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics shows only this one's");
        }
        describe_metrics();
        handle
    })
}

/// Histograms with buckets (rather than client-side quantiles), so they add up across nodes.
fn histogram_buckets(builder: PrometheusBuilder) -> PrometheusBuilder {
    const SECONDS: &[f64] =
        &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
    const COMMANDS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
    let configured =
        builder.set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS).and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full("portico_sqlite_write_group_commands".into()), COMMANDS)
        });
    configured.unwrap_or_else(|_| PrometheusBuilder::new())
}

fn describe_metrics() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "portico_http_requests_total",
        "Requests answered, by method, route template and status"
    );
    describe_histogram!(
        "portico_http_request_duration_seconds",
        "Time to answer, by method and route template"
    );
    describe_counter!("portico_store_errors_total", "Store failures, by kind (unavailable, other)");
    describe_gauge!("portico_store_connections_open", "Database connections open (SQLite: readers)");
    describe_gauge!("portico_store_connections_busy", "Database connections in use (SQLite: readers)");
    describe_gauge!("portico_hash_queue_requests", "Requests holding a place in the hashing queue");
    describe_histogram!("portico_hash_wait_seconds", "Time a password job waited for a hashing thread");
    describe_counter!("portico_lockouts_total", "Accounts locked after repeated wrong passwords");
    describe_counter!(
        "portico_password_checks_refused_total",
        "Password checks refused because the account is locked"
    );
    describe_counter!(
        "portico_ai_drafts_total",
        "AI summary drafts asked for, by writer (builtin, openai) and outcome (drafted, limited, failed, timeout)"
    );
    describe_histogram!(
        "portico_sqlite_write_group_commands",
        "Writes committed together by the SQLite writer"
    );
}
