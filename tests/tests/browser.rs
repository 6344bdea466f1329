//! What a person sees, in headless Chromium with a forced time zone:
//! the event page hydrates (the countdown ticks), times show in the
//! viewer's zone, and the page passes an automated accessibility check.

use chrono::Utc;
use hackboard::store::Engine;
use hackboard_app::format::short;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::resolve;
use hackboard_tests::{AppOptions, spawn_app, workspace_root};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Chromium driven through chromedriver; both are killed (by process group)
/// when this is dropped, even if the test fails.
struct Browser {
    client: fantoccini::Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Kill chromedriver's whole process group (Chromium with it). The
        // `--` matters: procps `kill -KILL -<pgid>` reads the group as an
        // option and signals every process (pid -1).
        let pgid = self.driver.id();
        if pgid > 1 {
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{pgid}")])
                .status();
        }
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser(time_zone: &str) -> Browser {
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .env("TZ", time_zone)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("chromedriver is installed (script/test installs Debian's chromium-driver)");
    let profile = tempfile::tempdir().unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let client =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
    Browser {
        client,
        driver,
        _profile: profile,
    }
}

/// Serves `body` as JavaScript on a local port; returns its URL.
async fn serve_file(body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/axe.js",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/javascript")], body) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/axe.js")
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_page_counts_down_live_in_the_viewers_own_time_zone() {
    let app = spawn_app(
        Engine::Sqlite,
        AppOptions {
            now: Utc::now(),
            demo: true,
        },
    )
    .await;
    let browser = start_browser("Asia/Tokyo").await;
    let c = &browser.client;
    c.goto(&app.url("/events/mistral-hackathon")).await.unwrap();

    // Hydration: the island marks itself once it runs in the browser.
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(fantoccini::Locator::Css("#countdown[data-hydrated='true']"))
        .await
        .expect("the countdown hydrates");
    let first = text_of(&browser, ".countdown-clock").await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let second = text_of(&browser, ".countdown-clock").await;
    assert_ne!(first, second, "the countdown ticks");

    // The org deadline (Friday 20:00 Paris) in Tokyo time.
    let def = app
        .store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .definition;
    let org = def
        .milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HfOrgDeadline)
        .unwrap();
    let at = resolve(&org.time, chrono_tz::Asia::Tokyo);
    let expected = format!(
        "{} your time",
        short(at.with_timezone(&chrono_tz::Asia::Tokyo).naive_local())
    );
    let shown = text_of(&browser, "li[data-kind='hf_org_deadline'] .viewer-time").await;
    assert_eq!(shown, expected);

    // The browser told the server its zone: the next page is rendered in it.
    c.refresh().await.unwrap();
    let hint = text_of(&browser, "p.hint").await;
    assert!(hint.contains("Asia/Tokyo"), "{hint}");

    // Automated accessibility check (axe-core, WCAG 2 A and AA rules).
    let axe =
        std::fs::read_to_string(workspace_root().join(".tools/node_modules/axe-core/axe.min.js"))
            .expect("axe-core is installed by script/test into .tools/");
    // Loaded from a local server: passing 500 KB through WebDriver stalls it.
    let axe_url = serve_file(axe).await;
    let loaded = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const s = document.createElement('script'); s.src = arguments[0];
             s.onload = () => done(typeof window.axe); s.onerror = () => done('load failed');
             document.head.appendChild(s);",
            vec![serde_json::Value::String(axe_url)],
        )
        .await
        .unwrap();
    assert_eq!(loaded.as_str(), Some("object"), "axe-core loaded");
    let violations = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
               .then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, nodes: v.nodes.map(n => n.target.join(' ')) })))))
               .catch(e => done('axe failed: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(violations.as_str(), Some("[]"), "accessibility violations");

    // A phone-sized viewport keeps the same content readable.
    c.set_window_size(390, 844).await.unwrap();
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("event-page-phone.png"), png).unwrap();
    c.set_window_size(1280, 1000).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join("event-page.png"), &png).unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
}
