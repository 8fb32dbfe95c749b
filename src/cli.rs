//! Runs the command the operator chose.

use std::sync::Arc;

use anyhow::Context;
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::app::{AppState, Settings};
use crate::auth::password::{HashCost, PasswordHasher};
use crate::clock::SystemClock;
use crate::config::{
    Cli, Command, LocationCommand, MemberCommand, ServeArgs, SqliteSynchronousArg, UnknownFieldsArg,
};
use crate::domain::patch::UnknownFields;
use crate::service::member::{self, MemberInput};
use crate::store::{self, ConnectOptions};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve(&cli.database_url, cli.serve).await,
        Some(Command::Serve(args)) => serve(&cli.database_url, args).await,
        Some(Command::Migrate) => {
            open(&cli.database_url, &cli.serve).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
        Some(Command::Location(command)) => location(&cli.database_url, &cli.serve, command).await,
        Some(Command::Member(command)) => member(&cli.database_url, &cli.serve, command).await,
    }
}

/// Connects to the store (migrating it) and builds the state every command shares.
pub async fn open(database_url: &str, args: &ServeArgs) -> anyhow::Result<AppState> {
    let options = ConnectOptions {
        max_connections: args.db_max_connections,
        sqlite_synchronous_full: matches!(args.sqlite_synchronous, SqliteSynchronousArg::Full),
    };
    let store = store::connect(database_url, &options)
        .await
        .with_context(|| format!("opening the database at {}", store::redact(database_url)))?;
    let cost = HashCost {
        memory_kib: args.argon2_memory_kib,
        iterations: args.argon2_iterations,
        ..HashCost::default()
    };
    let concurrency = match args.hash_concurrency {
        0 => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        n => n,
    };
    let settings = Settings {
        access_token_ttl: args.access_token_ttl,
        refresh_token_ttl: args.refresh_token_ttl,
        unknown_fields: match args.unknown_fields {
            UnknownFieldsArg::Reject => UnknownFields::Reject,
            UnknownFieldsArg::Ignore => UnknownFields::Ignore,
        },
        body_limit_bytes: args.body_limit,
        request_timeout: args.request_timeout,
    };
    Ok(AppState {
        store,
        hasher: PasswordHasher::new(cost, concurrency)?,
        clock: Arc::new(SystemClock),
        settings: Arc::new(settings),
    })
}

async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let state = open(database_url, &args).await?;
    let listener = TcpListener::bind(args.bind).await.with_context(|| format!("binding {}", args.bind))?;
    let address = listener.local_addr()?;
    if !args.no_demo
        && let Some(demo) = member::seed_demo(&state).await?
    {
        print_demo(&demo, address);
    }
    tracing::info!(%address, database = %store::redact(database_url), "Portico is serving");
    println!("Portico is serving on http://{address}");
    crate::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("Portico stopped");
    Ok(())
}

fn print_demo(demo: &member::DemoAccount, address: std::net::SocketAddr) {
    println!("This database was empty, so it now holds a demo location ({}) and member.", demo.location);
    println!("The password is shown only this once. Sign in with:\n");
    println!(
        "  curl -s http://{address}/api/token -d grant_type=password -d username={} -d password={}\n",
        demo.email, demo.password
    );
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

async fn location(database_url: &str, args: &ServeArgs, command: LocationCommand) -> anyhow::Result<()> {
    let state = open(database_url, args).await?;
    match command {
        LocationCommand::Add { name, country } => {
            let location = member::add_location(&state, &name, &country).await?;
            println!(
                "Created location {} (Id {}, web address {}).",
                location.name, location.id, location.web_address
            );
        }
    }
    Ok(())
}

async fn member(database_url: &str, args: &ServeArgs, command: MemberCommand) -> anyhow::Result<()> {
    let state = open(database_url, args).await?;
    match command {
        MemberCommand::Add { email, password, name, location } => {
            let input =
                MemberInput { email, password: SecretString::from(password), full_name: name, location };
            let added = member::add_member(&state, input).await?;
            if added.new_user {
                println!("Created member {} with profile {}.", added.user_id, added.profile_id);
            } else {
                println!(
                    "Added profile {} to existing member {} (their password was left unchanged).",
                    added.profile_id, added.user_id
                );
            }
        }
        MemberCommand::Import { file } => {
            let reader = std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?;
            let added = member::import_csv(&state, reader).await?;
            println!("Imported {} profiles from {}.", added.len(), file.display());
        }
    }
    Ok(())
}
