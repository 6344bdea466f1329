//! The test harness: a real Hackboard server on port 0 against a fresh
//! database (SQLite in a temporary directory, or a PostgreSQL database
//! created for the test and dropped after), with a manual clock.
//!
//! The helpers the integration tests (`tests/suite`, one binary) share live
//! here once: running a test on every engine ([`each_app`], [`each_event`]
//! and their kin), the store fixtures ([`t0`], [`people`]), API calls and
//! tokens, participants and organizers of the demo event, and reading pages
//! ([`notice`], [`set_cookie`]).

use chrono::{DateTime, Utc};
use hackboard::config::ConfigArgs;
use hackboard::store::{Engine, Store};
use hackboard::{Server, StartError};
use hackboard_domain::timeline::{Clock, ManualClock};
use std::path::PathBuf;
use std::sync::Arc;

mod accounts;
mod each;
mod event;
mod fixtures;
pub mod load;
mod pages;

pub use each::{each_app, each_app_and, each_app_with, each_event, each_event_and, each_store};
pub use fixtures::{a_team_of, import_demo, new_team, people, register, t0};
pub use pages::{notice, set_cookie};

/// The demo event's pages.
pub const EVENT: &str = "/events/mistral-hackathon";
/// The demo event in the API.
pub const API: &str = "/api/v1/events/mistral-hackathon";
/// The Hugging Face org the demo event's participants join.
pub const ORG: &str = "mistral-hackaton-2026";

/// The engines every store and integration test runs on: SQLite always,
/// PostgreSQL unless `HACKBOARD_SKIP_POSTGRES=1`.
pub fn engines() -> Vec<Engine> {
    if std::env::var("HACKBOARD_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("HACKBOARD_SKIP_POSTGRES=1: skipping PostgreSQL");
        vec![Engine::Sqlite]
    } else {
        vec![Engine::Sqlite, Engine::Postgres]
    }
}

fn postgres_admin_url() -> String {
    std::env::var("HACKBOARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The workspace root (for the built assets in target/site).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A database of its own for one test.
pub struct TestDb {
    pub url: String,
    pub engine: Engine,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(engine: Engine) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        match engine {
            Engine::Sqlite => TestDb {
                url: format!("sqlite:{}", dir.path().join("hackboard.db").display()),
                engine,
                dir,
                pg_name: None,
            },
            Engine::Postgres => {
                use sqlx::Connection;
                let admin = postgres_admin_url();
                let name = format!("hackboard_test_{}_{}", std::process::id(), rand_suffix());
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL unreachable at {admin} ({e}); set HACKBOARD_TEST_POSTGRES_URL or HACKBOARD_SKIP_POSTGRES=1")
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                TestDb {
                    url: format!("{base}/{name}"),
                    engine,
                    dir,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{}_{}", nanos, COUNTER.fetch_add(1, Ordering::Relaxed))
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = postgres_admin_url();
            // Drop runs outside async: use a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        use sqlx::Connection;
                        if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut conn)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// A running server and what a test needs to drive it.
pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub store: Store,
    pub client: reqwest::Client,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub struct AppOptions {
    pub now: DateTime<Utc>,
    pub demo: bool,
    /// Base URL of a fake OAuth provider to configure GitHub and Hugging
    /// Face against.
    pub oauth_base: Option<String>,
    /// Base URL of a fake Hugging Face API, and how often (seconds) the
    /// org members job runs against it; without it the job is off.
    pub hf_api: Option<(String, u64)>,
    /// Base URL of a fake GitHub API and Hugging Face Hub (both under one
    /// base) for the eligibility checks; without it the checks are off.
    pub checks_api: Option<String>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            now: Utc::now(),
            demo: true,
            oauth_base: None,
            hf_api: None,
            checks_api: None,
        }
    }
}

pub async fn try_spawn_app(engine: Engine, options: AppOptions) -> Result<TestApp, StartError> {
    let db = TestDb::new(engine).await;
    let args = ConfigArgs {
        database_url: Some(db.url.clone()),
        addr: Some("127.0.0.1:0".parse().expect("addr")),
        data_dir: Some(db.dir.path().to_path_buf()),
        site_dir: Some(workspace_root().join("target/site")),
        session_key: Some("test-session-key-test-session-key-0123".to_owned()),
        demo: Some(options.demo),
        github_client_id: options.oauth_base.as_ref().map(|_| "gh-client".to_owned()),
        github_client_secret: options.oauth_base.as_ref().map(|_| "gh-secret".to_owned()),
        github_url: options.oauth_base.clone(),
        github_api_url: options
            .checks_api
            .as_ref()
            .map(|b| format!("{b}/gh"))
            .or(options.oauth_base.clone()),
        hf_client_id: options.oauth_base.as_ref().map(|_| "hf-client".to_owned()),
        hf_client_secret: options.oauth_base.as_ref().map(|_| "hf-secret".to_owned()),
        hf_url: options
            .checks_api
            .as_ref()
            .map(|b| format!("{b}/hf"))
            .or(options.hf_api.as_ref().map(|(base, _)| base.clone()))
            .or(options.oauth_base.clone()),
        checks_secs: Some(if options.checks_api.is_some() { 1 } else { 0 }),
        hf_refresh_secs: Some(
            options
                .hf_api
                .as_ref()
                .map(|(_, every)| *every)
                .unwrap_or(0),
        ),
        ..Default::default()
    };
    let config = args.resolve().expect("test configuration");
    let clock = ManualClock::new(options.now);
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let server = Server::build(config, shared).await?;
    let addr = server.addr;
    let store = server.store.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = rx.await;
    }));
    Ok(TestApp {
        base: format!("http://{addr}"),
        clock,
        store,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Starts the platform on `engine`, with the demo event unless told not to.
pub async fn spawn_app(engine: Engine, options: AppOptions) -> TestApp {
    try_spawn_app(engine, options).await.expect("server starts")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    /// POSTs a form as the site's own pages do (with our Origin).
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url(path))
            .header("origin", &self.base)
            .form(form);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send().await.expect("request")
    }

    /// GET with a cookie.
    pub async fn get_as(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.get_with(path, "cookie", cookie).await
    }

    /// GET with one request header (a cookie, a user agent, an encoding).
    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .expect("request")
    }

    /// The token of the last sign-in link mailed to `email`.
    pub async fn last_link_token(&self, email: &str) -> String {
        let outbox = self.store.outbox().await.expect("outbox");
        let mail = outbox
            .iter()
            .rev()
            .find(|m| m.recipient == email && m.kind == "sign_in")
            .expect("a sign-in mail was queued");
        let at = mail
            .text_body
            .find("token=")
            .expect("the mail has the link")
            + 6;
        mail.text_body[at..at + 64].to_owned()
    }

    /// Signs in by email link; returns the `name=value` session cookie.
    pub async fn sign_in(&self, email: &str) -> String {
        let res = self
            .post_form("/auth/email", &[("email", email)], None)
            .await;
        assert_eq!(res.status(), 303, "asked for a link");
        let token = self.last_link_token(email).await;
        let res = self
            .post_form("/auth/email/confirm", &[("token", &token)], None)
            .await;
        set_cookie(&res, "hb_session").expect("a session cookie")
    }

    /// Calls the API with a bearer token: the status and the JSON answer
    /// (null when the body is not JSON).
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.call(method, path, Some(token), body).await
    }

    /// Calls the API with a bearer token, or anonymously from our own
    /// origin (so what answers is the missing sign-in, not the cross-site
    /// guard): the status and the JSON answer (null when it is not JSON).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("a method"),
            self.url(path),
        );
        req = match token {
            Some(t) => req.bearer_auth(t),
            None => req.header("origin", &self.base),
        };
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Calls the demo event's API (`path` below it, such as `/team`) with a
    /// bearer token: the status and the JSON answer.
    pub async fn event_api(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.event_call(method, path, Some(token), body).await
    }

    /// As [`event_api`](Self::event_api), or anonymously from our own
    /// origin when `token` is `None` (as [`call`](Self::call)).
    pub async fn event_call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.call(method, &format!("{API}{path}"), token, body)
            .await
    }

    /// A participant registered for the demo event, captain of a new team
    /// in Paris: their API token.
    pub async fn demo_captain(&self, email: &str, team: &str) -> String {
        let (_, token) = self.api_participant(email).await;
        let (status, body) = self
            .api(
                "POST",
                &format!("{API}/team"),
                &token,
                Some(serde_json::json!({"name": team, "time_zone": "Europe/Paris"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        token
    }

    /// Saves (and with `submit`, submits) the team's project in the demo
    /// event through the API: its submission id.
    pub async fn demo_project(
        &self,
        token: &str,
        title: &str,
        track: &str,
        github: &str,
        hf: &[&str],
        submit: bool,
    ) -> i64 {
        let (status, body) = self
            .api(
                "PUT",
                &format!("{API}/submission"),
                token,
                Some(serde_json::json!({
                    "base_version": 0, "submit": submit,
                    "content": {
                        "title": title, "tagline": format!("{title}, in one line"),
                        "description": "What it does", "tracks": [track],
                        "github_url": format!("https://github.com/{github}"),
                        "hf_urls": hf.iter().map(|h| format!("https://huggingface.co/{h}")).collect::<Vec<_>>(),
                    }
                })),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let event = self
            .store
            .event_by_slug("mistral-hackathon")
            .await
            .expect("the store answers")
            .expect("the demo event");
        self.store
            .submissions(event.id)
            .await
            .expect("submissions")
            .into_iter()
            .find(|s| s.title == title)
            .map(|s| s.id)
            .expect("the saved submission")
    }

    /// The id of the account signed in with `cookie`.
    pub async fn user_id(&self, cookie: &str) -> i64 {
        let me: serde_json::Value = self
            .get_as("/api/v1/me", cookie)
            .await
            .json()
            .await
            .expect("json");
        me["id"].as_i64().expect("an id")
    }
}

/// A port free on 127.0.0.1 a moment ago (for servers that cannot be
/// handed a listener).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Where a redirect goes.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
