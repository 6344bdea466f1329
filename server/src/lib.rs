//! The Hackboard server.
//!
//! `main.rs` only parses the command line; this crate builds the platform.
//! Read `docs/architecture.md` first: the layers, top to bottom, are the
//! entry points (`lib`, `main`, `cli`), `http` (router, middleware, the
//! page port), one folder per feature (`accounts`, `events`,
//! `registrations`, `teams`, `submissions`, `eligibility`, `likes`,
//! `credits`), `web` (what handlers share), `state`, `jobs`, `auth`, and
//! the platform pieces (`store`, `config`, `mail`, `markdown`, …).
//! Imports only run downward. Domain rules live in `hackboard-domain`,
//! pages in `hackboard-app`.

pub mod accounts;
pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod credits;
pub mod eligibility;
pub mod events;
pub mod http;
pub mod jobs;
pub mod likes;
pub mod mail;
pub mod markdown;
pub mod registrations;
pub mod repo_facts;
pub mod state;
pub mod store;
pub mod submissions;
pub mod teams;
pub mod telemetry;
pub mod web;

use crate::assets::Assets;
use crate::config::Config;
use crate::state::AppBackend;
use crate::store::{Store, StoreError};
use hackboard_domain::timeline::Clock;
use leptos::config::LeptosOptions;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database: {0}")]
    Database(#[from] StoreError),
    #[error(transparent)]
    Assets(#[from] assets::MissingAssets),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

/// Opens (creating the SQLite file and its directory if needed) and
/// migrates the configured database.
pub async fn open_store(config: &Config) -> Result<Store, StartError> {
    let url = config.database_url.expose();
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|source| StartError::DataDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
    }
    let store = Store::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

/// A platform ready to serve: database migrated, socket bound.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    mail: Arc<mail::Transport>,
    mail_from: lettre::message::Mailbox,
    clock: Arc<dyn Clock>,
    hf_sync: Option<(jobs::hf_org::HfOrgSync, std::time::Duration)>,
    checks: Option<(jobs::eligibility::EligibilityJob, std::time::Duration)>,
    pub addr: SocketAddr,
    pub store: Store,
}

impl Server {
    /// Everything up to accepting connections: database, demo event (when
    /// configured and the platform is empty), assets, router, socket.
    pub async fn build(mut config: Config, clock: Arc<dyn Clock>) -> Result<Server, StartError> {
        let store = open_store(&config).await?;
        if config.demo && store.event_count().await? == 0 {
            let demo = hackboard_domain::demo::demo_event(clock.now().date_naive());
            store.upsert_event(&demo, clock.now()).await?;
            tracing::info!(slug = %demo.slug, "loaded the demo event");
        }
        let assets = Assets::discover(&config.site_dir)?;
        let mail = Arc::new(mail::Transport::from_config(
            config.smtp_url.as_ref(),
            &config.data_dir,
        )?);
        let mail_from = config
            .mail_from
            .parse()
            .map_err(|_| mail::MailError::From(config.mail_from.clone()))?;
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.addr,
            source,
        })?;
        // A default base URL names the configured address; with port 0 the
        // real port is only known now.
        if config.base_url == format!("http://{}", config.addr) {
            config.base_url = format!("http://{addr}");
        }
        let leptos = LeptosOptions::builder()
            .output_name(assets.output_name.clone())
            .site_root(config.site_dir.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let hf_sync = match config.hf_refresh {
            Some(every) => Some((
                jobs::hf_org::HfOrgSync::new(
                    store.clone(),
                    &config.hf_url,
                    config.hf_token.as_ref().map(|t| t.expose().to_owned()),
                    clock.clone(),
                )
                .map_err(|e| StartError::HttpClient(e.to_string()))?,
                every,
            )),
            None => None,
        };
        let job = jobs::eligibility::EligibilityJob::new(
            store.clone(),
            repo_facts::Providers::new(
                &config.github_api,
                &config.hf_url,
                config.github_token.as_ref().map(|t| t.expose().to_owned()),
                std::time::Duration::from_secs(10),
            ),
            clock.clone(),
        );
        let checks = config.checks_every.map(|every| (job.clone(), every));
        let config = Arc::new(config);
        let state = state::AppState {
            config: config.clone(),
            backend: Arc::new(AppBackend::new(store.clone(), clock.clone(), config, job)),
            leptos,
            assets,
        };
        Ok(Server {
            listener,
            router: http::router(state),
            mail,
            mail_from,
            clock,
            hf_sync,
            checks,
            addr,
            store,
        })
    }

    /// Serves (and sends queued mail) until `shutdown` completes, then stops
    /// accepting connections and lets requests in flight finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(mail::run_worker(
            self.store.clone(),
            self.mail.clone(),
            self.mail_from.clone(),
            self.clock.clone(),
            async move {
                let mut rx = stop_rx;
                let _ = rx.wait_for(|stop| *stop).await;
            },
        ));
        let hf = self.hf_sync.map(|(sync, every)| {
            let mut rx = stop_tx.subscribe();
            tokio::spawn(sync.run(every, async move {
                let _ = rx.wait_for(|stop| *stop).await;
            }))
        });
        let checks = self.checks.map(|(job, every)| {
            let mut rx = stop_tx.subscribe();
            tokio::spawn(job.run_until(every, async move {
                let _ = rx.wait_for(|stop| *stop).await;
            }))
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        };
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = worker.await;
        if let Some(hf) = hf {
            let _ = hf.await;
        }
        if let Some(checks) = checks {
            let _ = checks.await;
        }
        self.store.close().await;
        served
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
