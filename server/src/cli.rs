//! The command line: `serve` (default), `migrate`, `event import`,
//! `event export`, `admin grant|revoke`, `credits import`.

use crate::config::ConfigArgs;
use crate::store::RevokeOutcome;
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
    /// Grant and revoke roles: organizer or judge of an event, or platform
    /// admin. The person must have signed in once.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Sponsor credit codes.
    #[command(subcommand)]
    Credits(CreditsCommand),
}

#[derive(Debug, Subcommand)]
pub enum CreditsCommand {
    /// Import coupon codes for an offer from a CSV file (`code` and
    /// optional `value` and `expires_at` columns, header optional). All or
    /// nothing: every bad row is reported by line number.
    Import {
        /// The event's slug.
        #[arg(long)]
        event: String,
        /// The offer's slug (from the event file's [[credits]]).
        #[arg(long)]
        offer: String,
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Give someone a role.
    Grant(RoleArgs),
    /// Take a role away.
    Revoke(RoleArgs),
}

#[derive(Debug, clap::Args)]
pub struct RoleArgs {
    /// The person's email address (as they signed in with, or in their profile).
    #[arg(long, required_unless_present = "user_id")]
    pub email: Option<String>,
    /// The account id, when several accounts share an address.
    #[arg(long)]
    pub user_id: Option<i64>,
    /// organizer, judge (of --event) or admin (of the platform).
    #[arg(long)]
    pub role: String,
    /// The event's slug (for organizer and judge).
    #[arg(long)]
    pub event: Option<String>,
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
        Command::Admin(cmd) => {
            let (args, grant) = match &cmd {
                AdminCommand::Grant(a) => (a, true),
                AdminCommand::Revoke(a) => (a, false),
            };
            let store = match open_store(&config).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match change_role(&store, args, grant, clock.now()).await {
                Ok(msg) => {
                    println!("{msg}");
                    ExitCode::SUCCESS
                }
                Err(msg) => {
                    eprintln!("hackboard: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Credits(CreditsCommand::Import { event, offer, file }) => {
            let text = match std::fs::read(&file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(_) => {
                        eprintln!("{}: the file is not UTF-8 text", file.display());
                        return ExitCode::from(2);
                    }
                },
                Err(e) => {
                    eprintln!("hackboard: cannot read {}: {e}", file.display());
                    return ExitCode::from(2);
                }
            };
            let store = match open_store(&config).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match import_codes(&store, &event, &offer, &text, clock.now()).await {
                Ok(n) => {
                    println!("imported {n} codes for {offer}");
                    ExitCode::SUCCESS
                }
                Err(lines) => {
                    for line in lines {
                        eprintln!("{}: {line}", file.display());
                    }
                    eprintln!("nothing was imported");
                    ExitCode::from(2)
                }
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

/// Imports codes; the number imported, or every problem (by line).
async fn import_codes(
    store: &crate::store::Store,
    slug: &str,
    offer: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, Vec<String>> {
    use crate::store::Imported;
    let one = |m: String| vec![m];
    let event = store
        .event_by_slug(slug)
        .await
        .map_err(|e| one(e.to_string()))?
        .ok_or_else(|| one(format!("no event has the slug \"{slug}\"")))?;
    let def = event
        .definition
        .offers
        .iter()
        .find(|o| o.slug.as_str() == offer)
        .ok_or_else(|| one(format!("the event has no credit offer \"{offer}\"")))?;
    if def.delivery == hackboard_domain::credits::Delivery::Direct {
        return Err(one(format!(
            "the offer \"{offer}\" is granted directly by the sponsor: it has no codes"
        )));
    }
    let offer_id = store
        .offer_id(event.id, offer)
        .await
        .map_err(|e| one(e.to_string()))?
        .ok_or_else(|| one(format!("the event has no credit offer \"{offer}\"")))?;
    let rows = hackboard_domain::credits::parse_codes_csv(text)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    if rows.is_empty() {
        return Err(one("there are no codes in the file".into()));
    }
    match store
        .import_codes(event.id, offer_id, &rows, now)
        .await
        .map_err(|e| one(e.to_string()))?
    {
        Imported::Done(n) => Ok(n),
        Imported::Duplicates(d) => Err(d
            .into_iter()
            .map(|(line, _)| format!("line {line}: this code was imported before"))
            .collect()),
    }
}

/// Grants or revokes a role; the message to print, or the error.
async fn change_role(
    store: &crate::store::Store,
    args: &RoleArgs,
    grant: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, String> {
    let user = match (args.user_id, &args.email) {
        (Some(id), _) => store
            .user(id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or(format!("no account has the id {id}"))?,
        (None, Some(email)) => {
            let email = hackboard_domain::email::EmailAddress::parse(email)?;
            let mut users = store
                .users_by_email(email.as_str())
                .await
                .map_err(|e| e.to_string())?;
            match users.len() {
                0 => {
                    return Err(format!(
                        "no account uses {email}: they must sign in once first"
                    ));
                }
                1 => users.remove(0),
                n => {
                    return Err(format!(
                        "{n} accounts use {email}: pass --user-id (ids: {})",
                        users
                            .iter()
                            .map(|u| u.id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        (None, None) => return Err("pass --email or --user-id".to_owned()),
    };
    if args.role == "admin" {
        store
            .set_admin(user.id, grant)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(format!(
            "{} platform admin: {}",
            if grant { "granted" } else { "revoked" },
            user.display_name
        ));
    }
    let role = crate::store::Role::parse(&args.role).ok_or(format!(
        "unknown role \"{}\" (use organizer, judge or admin)",
        args.role
    ))?;
    let slug = args
        .event
        .as_deref()
        .ok_or("--event is required for organizer and judge")?;
    let event = store
        .event_by_slug(slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or(format!("no event has the slug \"{slug}\""))?;
    if grant {
        store
            .grant_role(event.id, user.id, role, None, now)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "{} is now {} of {}",
            user.display_name,
            role.as_str(),
            slug
        ))
    } else {
        let outcome = store
            .revoke_role(event.id, user.id, role, false)
            .await
            .map_err(|e| e.to_string())?;
        let name = &user.display_name;
        let role = role.as_str();
        match outcome {
            RevokeOutcome::Revoked => Ok(format!("{name} is no longer {role} of {slug}")),
            RevokeOutcome::NotHeld => Err(format!("{name} was not {role} of {slug}")),
            RevokeOutcome::LastOrganizer => Err(format!(
                "{name} is the only organizer of {slug}: grant the role to someone else first"
            )),
        }
    }
}

fn fail(e: StartError) -> ExitCode {
    eprintln!("hackboard: {e}");
    ExitCode::FAILURE
}
