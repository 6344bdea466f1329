//! The command line: `serve` (default), `migrate`, `event import`,
//! `event export`.

use crate::config::ConfigArgs;
use crate::{Server, StartError, open_store, shutdown_signal, telemetry};
use clap::{Parser, Subcommand};
use hackboard_domain::event_file::{parse_event_file, to_event_file};
use hackboard_domain::timeline::{Clock, SystemClock};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Hackboard runs hackathons end to end: events and their timelines,
/// registration, teams, submissions, likes, credits and judging.
///
/// Configuration comes from flags, environment variables and an optional
/// TOML file (--config), in that order of precedence.
#[derive(Debug, Parser)]
#[command(name = "hackboard", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the platform (the default): migrate the database, load the
    /// demo event if asked and the platform is empty, listen on --addr.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Import and export event definition files (docs/event-file.md).
    #[command(subcommand)]
    Event(EventCommand),
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Create an event from a TOML file, or update the event with its slug.
    /// An invalid file is rejected with line, column and field, and nothing
    /// is written.
    Import {
        /// The event file.
        file: PathBuf,
    },
    /// Print an event as a TOML event file (importing it gives the same event).
    Export {
        /// The event's slug.
        slug: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.config.resolve() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("hackboard: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let started = std::time::Instant::now();
            let server = match Server::build(config.clone(), clock).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let url = format!("http://{}", server.addr);
            tracing::info!(%url, base_url = %config.base_url, ready_in_ms = started.elapsed().as_millis() as u64, "Hackboard is ready");
            println!("Hackboard is serving on {url}");
            match server.run(shutdown_signal()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("hackboard: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Migrate => match open_store(&config).await {
            Ok(_) => {
                println!("migrations applied");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Event(EventCommand::Import { file }) => {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("hackboard: cannot read {}: {e}", file.display());
                    return ExitCode::from(2);
                }
            };
            let def = match parse_event_file(&text) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    return ExitCode::from(2);
                }
            };
            let store = match open_store(&config).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match store.upsert_event(&def, clock.now()).await {
                Ok(_) => {
                    println!("imported event {}", def.slug);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e.into()),
            }
        }
        Command::Event(EventCommand::Export { slug, output }) => {
            let store = match open_store(&config).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match store.event_by_slug(&slug).await {
                Ok(Some(event)) => {
                    let text = to_event_file(&event.definition);
                    match output {
                        Some(path) => match std::fs::write(&path, text) {
                            Ok(()) => ExitCode::SUCCESS,
                            Err(e) => {
                                eprintln!("hackboard: cannot write {}: {e}", path.display());
                                ExitCode::FAILURE
                            }
                        },
                        None => {
                            print!("{text}");
                            ExitCode::SUCCESS
                        }
                    }
                }
                Ok(None) => {
                    eprintln!("hackboard: no event has the slug \"{slug}\"");
                    ExitCode::from(2)
                }
                Err(e) => fail(e.into()),
            }
        }
    }
}

fn fail(e: StartError) -> ExitCode {
    eprintln!("hackboard: {e}");
    ExitCode::FAILURE
}
