//! Configuration: one typed struct, from flags, environment variables and an
//! optional TOML file (in that order of precedence), with defaults that run
//! a development platform on SQLite under `./data`. Secrets never print.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A secret value: usable, never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

/// An OAuth 2.0 provider's endpoints and this platform's client credentials.
#[derive(Debug, Clone)]
pub struct OAuthProvider {
    pub client_id: String,
    pub client_secret: Secret,
    pub authorize_url: String,
    pub token_url: String,
    /// GitHub: the API base (`/user` is read from it); Hugging Face: the
    /// OpenID Connect userinfo URL.
    pub user_url: String,
}

/// The settings a `hackboard` process runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:path` or `postgres://…`. A database URL may carry a password,
    /// so it is a secret.
    pub database_url: Secret,
    pub addr: SocketAddr,
    /// The public URL people reach the platform at (links in mail, OAuth
    /// callbacks, calendar feeds); `https://` turns on Secure cookies.
    pub base_url: String,
    pub data_dir: PathBuf,
    /// Where the built stylesheet, JavaScript and WebAssembly are.
    pub site_dir: PathBuf,
    /// Signs session cookies. Generated once into the data directory when
    /// not configured (development).
    pub session_key: Secret,
    pub log_format: LogFormat,
    /// Load the demo event into a platform that has no event yet.
    pub demo: bool,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`; without it
    /// mail is written as .eml files under `<data_dir>/mail`.
    pub smtp_url: Option<Secret>,
    /// The sender of every mail, e.g. `Hackboard <hackboard@example.org>`.
    pub mail_from: String,
    /// Sign in with GitHub, when configured.
    pub github: Option<OAuthProvider>,
    /// Sign in with Hugging Face, when configured.
    pub huggingface: Option<OAuthProvider>,
    /// Hugging Face base, for its API and org pages.
    pub hf_url: String,
    /// Optional Hugging Face token for the org members list.
    pub hf_token: Option<Secret>,
    /// How often org members are refreshed; `None` turns the job off.
    pub hf_refresh: Option<std::time::Duration>,
    /// GitHub REST API base, for eligibility checks.
    pub github_api: String,
    /// Optional GitHub token: raises the API rate limit of the checks.
    pub github_token: Option<Secret>,
    /// How often the eligibility job looks for due checks; `None` turns it
    /// off.
    pub checks_every: Option<std::time::Duration>,
    /// Likes (and withdrawals) one account may send per minute (0: no limit).
    pub likes_per_minute: u32,
    /// Likes one client address may send per minute (0: no limit).
    pub likes_per_client_per_minute: u32,
}

/// The same settings as they come from flags and environment (all optional).
#[derive(Default, Clone, clap::Args)]
pub struct ConfigArgs {
    /// TOML file with any of the settings below (flags and environment win).
    #[arg(long, env = "HACKBOARD_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite:data/hackboard.db (default) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "HACKBOARD_ADDR", global = true)]
    pub addr: Option<SocketAddr>,
    /// Public base URL [default: http://<addr>].
    #[arg(long, env = "HACKBOARD_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Data directory: SQLite database, development session key, mail [default: data].
    #[arg(long, env = "HACKBOARD_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Directory of the built assets [default: target/site].
    #[arg(long, env = "HACKBOARD_SITE_DIR", global = true)]
    pub site_dir: Option<PathBuf>,
    /// Session signing key (at least 32 characters); generated in the data directory if absent.
    #[arg(
        long,
        env = "HACKBOARD_SESSION_KEY",
        global = true,
        hide_env_values = true
    )]
    pub session_key: Option<String>,
    /// Log format [default: human].
    #[arg(long, env = "HACKBOARD_LOG_FORMAT", global = true)]
    pub log_format: Option<LogFormat>,
    /// Load the demo event when the platform has no event (true/false) [default: false].
    #[arg(long, env = "HACKBOARD_DEMO", global = true)]
    pub demo: Option<bool>,
    /// SMTP server URL (smtp://user:pass@host:587?tls=required); without it mail goes to <data-dir>/mail/*.eml.
    #[arg(
        long,
        env = "HACKBOARD_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of every mail [default: Hackboard <hackboard@localhost>].
    #[arg(long, env = "HACKBOARD_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// GitHub OAuth app client id (sign in with GitHub is offered when set).
    #[arg(long, env = "HACKBOARD_GITHUB_CLIENT_ID", global = true)]
    pub github_client_id: Option<String>,
    /// GitHub OAuth app client secret.
    #[arg(
        long,
        env = "HACKBOARD_GITHUB_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub github_client_secret: Option<String>,
    /// GitHub web base, for GitHub Enterprise [default: https://github.com].
    #[arg(long, env = "HACKBOARD_GITHUB_URL", global = true)]
    pub github_url: Option<String>,
    /// GitHub API base [default: https://api.github.com].
    #[arg(long, env = "HACKBOARD_GITHUB_API_URL", global = true)]
    pub github_api_url: Option<String>,
    /// Hugging Face OAuth app client id (sign in with Hugging Face is offered when set).
    #[arg(long, env = "HACKBOARD_HF_CLIENT_ID", global = true)]
    pub hf_client_id: Option<String>,
    /// Hugging Face OAuth app client secret.
    #[arg(
        long,
        env = "HACKBOARD_HF_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub hf_client_secret: Option<String>,
    /// Hugging Face base [default: https://huggingface.co].
    #[arg(long, env = "HACKBOARD_HF_URL", global = true)]
    pub hf_url: Option<String>,
    /// Hugging Face token used to read org members lists (optional: public lists need none).
    #[arg(
        long,
        env = "HACKBOARD_HF_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub hf_token: Option<String>,
    /// Seconds between refreshes of each event's HF org members; 0 turns it off [default: 300].
    #[arg(long, env = "HACKBOARD_HF_REFRESH_SECS", global = true)]
    pub hf_refresh_secs: Option<u64>,
    /// GitHub token for the eligibility checks (optional: public repositories need none, but it raises the rate limit).
    #[arg(
        long,
        env = "HACKBOARD_GITHUB_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub github_token: Option<String>,
    /// Seconds between looks for due eligibility checks; 0 turns the checks off [default: 5].
    #[arg(long, env = "HACKBOARD_CHECKS_SECS", global = true)]
    pub checks_secs: Option<u64>,
    /// Likes one account may send per minute; 0 for no limit [default: 60].
    #[arg(long, env = "HACKBOARD_LIKES_PER_MINUTE", global = true)]
    pub likes_per_minute: Option<u32>,
    /// Likes one client address may send per minute (a venue's network is one address); 0 for no limit [default: 1200].
    #[arg(long, env = "HACKBOARD_LIKES_PER_CLIENT_PER_MINUTE", global = true)]
    pub likes_per_client_per_minute: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<Secret>,
    addr: Option<SocketAddr>,
    base_url: Option<String>,
    data_dir: Option<PathBuf>,
    site_dir: Option<PathBuf>,
    session_key: Option<Secret>,
    log_format: Option<LogFormat>,
    demo: Option<bool>,
    smtp_url: Option<Secret>,
    mail_from: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("the session key must have at least 32 characters")]
    ShortSessionKey,
    #[error("the mail sender {0:?} is not an address like \"Hackboard <hackboard@example.org>\"")]
    MailFrom(String),
    #[error("the base URL must start with http:// or https://, got {0:?}")]
    BaseUrl(String),
    #[error("cannot create or read the session key in {path}: {source}")]
    SessionKey {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ConfigArgs {
    /// Merges flags and environment over the file over the defaults.
    pub fn resolve(&self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::Parse {
                    path: path.clone(),
                    message: e.message().to_owned(),
                })?
            }
            None => FileConfig::default(),
        };
        let data_dir = self
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let addr = self
            .addr
            .or(file.addr)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000)));
        let database_url = self
            .database_url
            .clone()
            .map(Secret)
            .or(file.database_url)
            .unwrap_or_else(|| {
                Secret(format!(
                    "sqlite:{}",
                    data_dir.join("hackboard.db").to_string_lossy()
                ))
            });
        let base_url = self
            .base_url
            .clone()
            .or(file.base_url)
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::BaseUrl(base_url));
        }
        let session_key = match self.session_key.clone().map(Secret).or(file.session_key) {
            Some(key) if key.expose().len() < 32 => return Err(ConfigError::ShortSessionKey),
            Some(key) => key,
            None => development_session_key(&data_dir)?,
        };
        let mail_from = self
            .mail_from
            .clone()
            .or(file.mail_from)
            .unwrap_or_else(|| "Hackboard <hackboard@localhost>".to_owned());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::MailFrom(mail_from));
        }
        let trim = |s: String| s.trim_end_matches('/').to_owned();
        let github = match (
            self.github_client_id.clone(),
            self.github_client_secret.clone(),
        ) {
            (Some(id), Some(secret)) => {
                let web = trim(
                    self.github_url
                        .clone()
                        .unwrap_or_else(|| "https://github.com".into()),
                );
                Some(OAuthProvider {
                    client_id: id,
                    client_secret: Secret(secret),
                    authorize_url: format!("{web}/login/oauth/authorize"),
                    token_url: format!("{web}/login/oauth/access_token"),
                    user_url: trim(
                        self.github_api_url
                            .clone()
                            .unwrap_or_else(|| "https://api.github.com".into()),
                    ),
                })
            }
            _ => None,
        };
        let hf_url = trim(
            self.hf_url
                .clone()
                .unwrap_or_else(|| "https://huggingface.co".into()),
        );
        let huggingface = match (self.hf_client_id.clone(), self.hf_client_secret.clone()) {
            (Some(id), Some(secret)) => {
                let base = hf_url.clone();
                Some(OAuthProvider {
                    client_id: id,
                    client_secret: Secret(secret),
                    authorize_url: format!("{base}/oauth/authorize"),
                    token_url: format!("{base}/oauth/token"),
                    user_url: format!("{base}/oauth/userinfo"),
                })
            }
            _ => None,
        };
        Ok(Config {
            github,
            huggingface,
            hf_url,
            hf_token: self.hf_token.clone().map(Secret),
            hf_refresh: match self.hf_refresh_secs.unwrap_or(300) {
                0 => None,
                s => Some(std::time::Duration::from_secs(s)),
            },
            github_api: trim(
                self.github_api_url
                    .clone()
                    .unwrap_or_else(|| "https://api.github.com".into()),
            ),
            github_token: self.github_token.clone().map(Secret),
            likes_per_minute: self.likes_per_minute.unwrap_or(60),
            likes_per_client_per_minute: self.likes_per_client_per_minute.unwrap_or(1200),
            checks_every: match self.checks_secs.unwrap_or(5) {
                0 => None,
                s => Some(std::time::Duration::from_secs(s)),
            },
            smtp_url: self.smtp_url.clone().map(Secret).or(file.smtp_url),
            mail_from,
            database_url,
            addr,
            base_url,
            site_dir: self
                .site_dir
                .clone()
                .or(file.site_dir)
                .unwrap_or_else(|| PathBuf::from("target/site")),
            data_dir,
            session_key,
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Human),
            demo: self.demo.or(file.demo).unwrap_or(false),
        })
    }
}

/// Reads the development session key from the data directory, creating it
/// (random, owner-readable only) the first time.
fn development_session_key(data_dir: &Path) -> Result<Secret, ConfigError> {
    let path = data_dir.join("session.key");
    let err = |source| ConfigError::SessionKey {
        path: path.clone(),
        source,
    };
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim().to_owned();
        if key.len() >= 32 {
            return Ok(Secret(key));
        }
    }
    std::fs::create_dir_all(data_dir).map_err(err)?;
    let bytes: [u8; 32] = rand::random();
    let key = hex::encode(bytes);
    write_private(&path, &key).map_err(err)?;
    Ok(Secret(key))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// Every setting, with the secrets (database URL, session key, SMTP URL,
/// OAuth client secrets, API tokens) shown only as set or not.
impl fmt::Debug for ConfigArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("ConfigArgs")
            .field("config", &self.config)
            .field("database_url", &hidden(&self.database_url))
            .field("addr", &self.addr)
            .field("base_url", &self.base_url)
            .field("data_dir", &self.data_dir)
            .field("site_dir", &self.site_dir)
            .field("session_key", &hidden(&self.session_key))
            .field("log_format", &self.log_format)
            .field("demo", &self.demo)
            .field("smtp_url", &hidden(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("github_client_id", &self.github_client_id)
            .field("github_client_secret", &hidden(&self.github_client_secret))
            .field("github_url", &self.github_url)
            .field("github_api_url", &self.github_api_url)
            .field("hf_client_id", &self.hf_client_id)
            .field("hf_client_secret", &hidden(&self.hf_client_secret))
            .field("hf_url", &self.hf_url)
            .field("hf_token", &hidden(&self.hf_token))
            .field("hf_refresh_secs", &self.hf_refresh_secs)
            .field("github_token", &hidden(&self.github_token))
            .field("checks_secs", &self.checks_secs)
            .field("likes_per_minute", &self.likes_per_minute)
            .field(
                "likes_per_client_per_minute",
                &self.likes_per_client_per_minute,
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let args = ConfigArgs {
            database_url: Some("postgres://user:hunter2@db/hackboard".into()),
            session_key: Some("s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t".into()),
            data_dir: Some(std::env::temp_dir()),
            ..Default::default()
        };
        let config = args.resolve().unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn the_settings_as_given_never_show_a_secret_in_debug_output() {
        let secret = |s: &str| Some(format!("{s}-hunter2"));
        let args = ConfigArgs {
            database_url: secret("postgres://user:pw@db/hackboard"),
            session_key: secret("key"),
            smtp_url: secret("smtp://user:pw@mail"),
            github_client_id: Some("gh-client".into()),
            github_client_secret: secret("gh"),
            hf_client_secret: secret("hf"),
            hf_token: secret("hf_token"),
            github_token: secret("ghp"),
            ..Default::default()
        };
        let shown = format!("{args:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("gh-client"),
            "what is not secret is shown: {shown}"
        );
        assert_eq!(shown.matches("[redacted]").count(), 7, "{shown}");
    }

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let dir = std::env::temp_dir().join(format!("hb-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("hackboard.toml");
        std::fs::write(
            &file,
            "addr = \"127.0.0.1:4000\"\nbase_url = \"https://hack.example\"\ndemo = true\n",
        )
        .unwrap();
        let args = ConfigArgs {
            config: Some(file),
            addr: Some("127.0.0.1:5000".parse().unwrap()),
            data_dir: Some(dir.clone()),
            ..Default::default()
        };
        let config = args.resolve().unwrap();
        assert_eq!(config.addr.port(), 5000);
        assert_eq!(config.base_url, "https://hack.example");
        assert!(config.demo);
        assert!(config.database_url.expose().starts_with("sqlite:"));
    }

    #[test]
    fn the_development_session_key_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("hb-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = development_session_key(&dir).unwrap();
        let second = development_session_key(&dir).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.expose().len(), 64);
    }

    #[test]
    fn an_unknown_setting_in_the_file_is_named() {
        let dir = std::env::temp_dir().join(format!("hb-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "adress = \"x\"\n").unwrap();
        let err = ConfigArgs {
            config: Some(file),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("adress"), "{err}");
    }
}
