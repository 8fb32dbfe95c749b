/// mimalloc: fewer cycles and less lock contention per request than the system allocator
/// (measured in docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = std::env::args_os().collect();
    let cli =
        portico::config::Cli::load(args, std::env::var_os("PORTICO_CONFIG")).unwrap_or_else(|e| e.exit());
    portico::telemetry::init(&cli.log, cli.log_format);
    match portico::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("portico: {}", portico::cli::describe_error(&error));
            std::process::ExitCode::FAILURE
        }
    }
}
