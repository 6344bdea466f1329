//! What a person sees, in headless Chromium with a forced time zone:
//! the event page hydrates (the countdown ticks), times show in the
//! viewer's zone, and the page passes an automated accessibility check.

use chrono::Utc;
use hackboard::store::Engine;
use hackboard_app::ui::format::short;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::resolve;
use hackboard_tests::{AppOptions, free_port, spawn_app, workspace_root};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Chromium driven through chromedriver; both are killed (by process group)
/// when this is dropped, even if the test fails.
pub(crate) struct Browser {
    pub(crate) client: fantoccini::Client,
    driver: Child,
    _profile: tempfile::TempDir,
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

/// Only to kill a chromedriver that never answered.
struct DriverOnly(Child);

impl Browser {
    fn without_client(driver: Child) -> DriverOnly {
        DriverOnly(driver)
    }
}

impl Drop for DriverOnly {
    fn drop(&mut self) {
        kill_group(&mut self.0);
    }
}

/// Kills chromedriver's whole process group (Chromium with it). The `--`
/// matters: procps `kill -KILL -<pgid>` reads the group as an option and
/// signals every process (pid -1).
fn kill_group(driver: &mut Child) {
    let pgid = driver.id();
    if pgid > 1 {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pgid}")])
            .status();
    }
    let _ = driver.wait();
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

async fn try_start_browser(time_zone: &str) -> Option<Browser> {
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
            .await;
    match client {
        Ok(client) => Some(Browser {
            client,
            driver,
            _profile: profile,
            _turn: None,
        }),
        Err(_) => {
            drop(Browser::without_client(driver));
            None
        }
    }
}

/// One browser at a time (two parallel tests could race for a port), and
/// a fresh port if chromedriver could not take the first one.
pub(crate) async fn start_browser(time_zone: &str) -> Browser {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let turn = TURN.lock().await;
    for _ in 0..3 {
        if let Some(mut b) = try_start_browser(time_zone).await {
            b._turn = Some(turn);
            return b;
        }
    }
    panic!("chromedriver did not start (is Debian's chromium-driver installed?)");
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

/// Runs axe-core (WCAG 2 A and AA rules) on the current page.
pub(crate) async fn assert_accessible(browser: &Browser) {
    let c = &browser.client;
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
}

/// Waits (up to 10 s) until the element's text is `expected`.
pub(crate) async fn wait_for_text(browser: &Browser, css: &str, expected: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = browser.client.find(fantoccini::Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: expected {expected:?}, last saw {last:?}");
}

pub(crate) async fn text_of(browser: &Browser, css: &str) -> String {
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
            oauth_base: None,
            hf_api: None,
            checks_api: None,
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

    assert_accessible(&browser).await;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_signs_in_with_an_email_link_and_registers_for_the_demo_event() {
    let app = spawn_app(
        Engine::Sqlite,
        AppOptions {
            now: Utc::now(),
            demo: true,
            oauth_base: None,
            hf_api: None,
            checks_api: None,
        },
    )
    .await;
    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;
    use fantoccini::Locator::{Css, Id};

    c.goto(&app.url("/events/mistral-hackathon")).await.unwrap();
    c.find(Css("a[href='/events/mistral-hackathon/register']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Css("main a[href^='/sign-in']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Id("email"))
        .await
        .unwrap()
        .send_keys("grace@example.org")
        .await
        .unwrap();
    c.find(Css("form[action='/auth/email'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&browser, "h1", "Check your email").await;

    // The link from the mail, as the participant would click it.
    let token = app.last_link_token("grace@example.org").await;
    c.goto(&app.url(&format!("/sign-in/confirm?token={token}")))
        .await
        .unwrap();
    c.find(Id("confirm-sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Back where they were going: the registration form.
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Id("registration-form"))
        .await
        .expect("the registration form after sign-in");
    assert_accessible(&browser).await;

    let name = c.find(Id("display_name")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("Grace").await.unwrap();
    let zone = c.find(Id("time_zone")).await.unwrap();
    zone.clear().await.unwrap();
    zone.send_keys("Europe/Paris").await.unwrap();
    c.find(Id("q-experience-2"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Id("q-code_of_conduct"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Id("looking_for_team"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Id("accept_rules"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Css("#registration-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Id("registration-message"))
        .await
        .expect("the outcome is shown");
    let message = text_of(&browser, "#registration-message").await;
    assert!(message.starts_with("You are registered"), "{message}");
    assert_eq!(
        text_of(&browser, "#registration-status").await,
        "Your registration: registered"
    );
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("registered.png"), png).unwrap();
}

/// Puts `cookie` ("name=value", as `TestApp::sign_in` returns it) in the
/// browser, replacing whoever was signed in.
pub(crate) async fn become_user(browser: &Browser, app: &hackboard_tests::TestApp, cookie: &str) {
    let c = &browser.client;
    c.goto(&app.url("/")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    // Set from the page (WebDriver's addCookie refuses an IP-address host).
    c.execute(
        "document.cookie = arguments[0] + '; path=/; samesite=lax';",
        vec![serde_json::Value::String(cookie.to_owned())],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_is_formed_joined_by_invite_link_given_a_track_and_answers_a_request_in_place() {
    let app = spawn_app(
        Engine::Sqlite,
        AppOptions {
            now: Utc::now(),
            demo: true,
            oauth_base: None,
            hf_api: None,
            checks_api: None,
        },
    )
    .await;
    // Three registered participants (registration has its own browser test).
    let mut cookies = Vec::new();
    for name in ["ada", "bob", "cy"] {
        let cookie = app.sign_in(&format!("{name}@example.org")).await;
        let res = app
            .post_form(
                "/events/mistral-hackathon/register",
                &[
                    ("display_name", name),
                    ("time_zone", "Europe/Paris"),
                    ("country", "France"),
                    ("q_experience", "Shipped something"),
                    ("q_code_of_conduct", "yes"),
                    ("accept_rules", "on"),
                ],
                Some(&cookie),
            )
            .await;
        assert!(hackboard_tests::location(&res).ends_with("done=registered"));
        cookies.push(cookie);
    }
    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;
    use fantoccini::Locator::{Css, Id};

    // Ada creates Nebula from the event page's "My team".
    become_user(&browser, &app, &cookies[0]).await;
    c.goto(&app.url("/events/mistral-hackathon")).await.unwrap();
    c.find(Css("a[href='/events/mistral-hackathon/team']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Id("create-team"))
        .await
        .expect("the create form");
    c.find(Id("team-name"))
        .await
        .unwrap()
        .send_keys("Nebula")
        .await
        .unwrap();
    c.find(Css("#create-team button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&browser, "#team-title", "Team Nebula · 1/5").await;
    assert!(
        text_of(&browser, "#team-notice")
            .await
            .starts_with("Team created.")
    );
    assert_accessible(&browser).await;
    let link = c
        .find(Id("invite-link"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.contains("/events/mistral-hackathon/team?code="),
        "{link}"
    );

    // Bob follows the invite link and joins.
    become_user(&browser, &app, &cookies[1]).await;
    let path = &link[link.find("/events/").unwrap()..];
    c.goto(&app.url(path)).await.unwrap();
    c.find(Css(
        "form[action='/events/mistral-hackathon/team/join'] button",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(&browser, "#team-notice", "Welcome to team Nebula!").await;
    assert_eq!(text_of(&browser, "#team-title").await, "Team Nebula · 2/5");

    // Bob chooses the fine-tuning track.
    c.find(Id("track-fine-tuning"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Css("#track-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&browser, "#team-notice", "Track saved: Fine-tuning.").await;
    assert!(
        c.find(Id("track-fine-tuning"))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref()
            == Some("true")
    );

    // Cy asks to join; Bob accepts on his page, which updates in place.
    let event = app
        .store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .id;
    let team_id = app.store.teams(event).await.unwrap()[0].id;
    let res = app
        .post_form(
            "/events/mistral-hackathon/team/ask",
            &[("team_id", &team_id.to_string()), ("message", "I do evals")],
            Some(&cookies[2]),
        )
        .await;
    assert_eq!(res.status(), 303);
    c.goto(&app.url("/events/mistral-hackathon/team"))
        .await
        .unwrap();
    // Wait for hydration (the wasm bundle), then mark the document: a
    // full page load would lose the mark.
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Css("#team-live[data-hydrated]"))
        .await
        .expect("the page hydrates");
    c.execute("window.__still_here = true;", vec![])
        .await
        .unwrap();
    c.find(Css(
        "form[action='/events/mistral-hackathon/team/accept'] button",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for_text(
        &browser,
        "#team-live-notice",
        "Accepted: the team has a new member.",
    )
    .await;
    wait_for_text(&browser, "#team-title", "Team Nebula · 3/5").await;
    let still_here = c
        .execute("return window.__still_here === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        still_here,
        serde_json::Value::Bool(true),
        "answered in place"
    );
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/events/mistral-hackathon/team"
    );
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("team.png"), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_claims_a_sponsor_code_from_the_event_page() {
    let app = spawn_app(
        Engine::Sqlite,
        AppOptions {
            now: Utc::now(),
            demo: true,
            oauth_base: None,
            hf_api: None,
            checks_api: None,
        },
    )
    .await;
    let event = app
        .store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .id;
    let offer = app
        .store
        .offer_id(event, "mistral-api")
        .await
        .unwrap()
        .unwrap();
    let rows =
        hackboard_domain::credits::parse_codes_csv("code,value\nMISTRAL-7Q2X,$15\n").unwrap();
    app.store
        .import_codes(event, offer, &rows, Utc::now())
        .await
        .unwrap();
    let cookie = app.sign_in("grace@example.org").await;
    let res = app
        .post_form(
            "/events/mistral-hackathon/register",
            &[
                ("display_name", "Grace"),
                ("time_zone", "Europe/Paris"),
                ("country", "France"),
                ("q_experience", "Shipped something"),
                ("q_code_of_conduct", "yes"),
                ("accept_rules", "on"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(hackboard_tests::location(&res).ends_with("done=registered"));

    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;
    use fantoccini::Locator::Css;
    become_user(&browser, &app, &cookie).await;
    c.goto(&app.url("/events/mistral-hackathon")).await.unwrap();
    c.find(Css("a[href='/events/mistral-hackathon/credits']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Css("#offer-mistral-api form button"))
        .await
        .expect("a claim button")
        .click()
        .await
        .unwrap();
    wait_for_text(
        &browser,
        "#credits-notice",
        "Here is your code, below; it was also sent to you by email.",
    )
    .await;
    assert_eq!(
        text_of(&browser, "#offer-mistral-api code.coupon").await,
        "MISTRAL-7Q2X"
    );
    assert!(
        !c.current_url().await.unwrap().as_str().contains("MISTRAL"),
        "the code is not in the address bar"
    );
    assert_accessible(&browser).await;
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("credits.png"), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_submits_its_project_from_the_event_page() {
    let app = spawn_app(
        Engine::Sqlite,
        AppOptions {
            now: Utc::now(),
            demo: true,
            oauth_base: None,
            hf_api: None,
            checks_api: None,
        },
    )
    .await;
    let cookie = app.sign_in("ada@example.org").await;
    let res = app
        .post_form(
            "/events/mistral-hackathon/register",
            &[
                ("display_name", "Ada"),
                ("time_zone", "Europe/Paris"),
                ("country", "France"),
                ("q_experience", "Shipped something"),
                ("q_code_of_conduct", "yes"),
                ("accept_rules", "on"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(hackboard_tests::location(&res).ends_with("done=registered"));
    app.post_form(
        "/events/mistral-hackathon/team/create",
        &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
        Some(&cookie),
    )
    .await;

    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;
    use fantoccini::Locator::{Css, Id};
    become_user(&browser, &app, &cookie).await;
    c.goto(&app.url("/events/mistral-hackathon")).await.unwrap();
    c.find(Css("a[href='/events/mistral-hackathon/submission']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Id("submission-form"))
        .await
        .expect("the submission form");
    for (id, text) in [
        ("title", "Breton tutor"),
        ("tagline", "A tutor that speaks Breton"),
        (
            "description",
            "We fine-tuned **Mistral 7B** on Breton dialogues.",
        ),
        ("github_url", "https://github.com/ada/breton-tutor"),
        (
            "hf_urls",
            "https://huggingface.co/mistral-hackaton-2026/breton-tutor",
        ),
        ("built_with", "Mistral, W&B"),
    ] {
        c.find(Id(id)).await.unwrap().send_keys(text).await.unwrap();
    }
    c.find(Id("sub-track-fine-tuning"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Css("#submission-form button[value=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Id("submission-notice"))
        .await
        .expect("the outcome is shown");
    let notice = text_of(&browser, "#submission-notice").await;
    assert!(notice.starts_with("Submitted as version 1."), "{notice}");
    assert_eq!(
        text_of(&browser, "#submission-status").await,
        "Team Nebula · Submitted · version 1"
    );
    assert_accessible(&browser).await;
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("submission.png"), png).unwrap();
}

#[tokio::test]
async fn a_visitor_likes_a_project_in_the_gallery_and_sees_the_count_change_without_reloading() {
    let app = spawn_app(Engine::Sqlite, AppOptions::default()).await;
    let def = app
        .store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .definition;
    let start =
        hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingStarts).unwrap();
    let ada = app.demo_captain("ada@example.org", "Nebula").await;
    app.clock.set(start + chrono::Duration::hours(2));
    let id = app
        .demo_project(
            &ada,
            "Breton tutor",
            "anything-goes",
            "ada/tutor",
            &[],
            true,
        )
        .await;
    app.clock
        .set(hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingEnds).unwrap());
    let fan = app.sign_in("fan@example.org").await;

    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;
    use fantoccini::Locator::Css;
    become_user(&browser, &app, &fan).await;
    c.goto(&app.url("/events/mistral-hackathon/gallery"))
        .await
        .unwrap();
    let card = format!("#card-{id}");
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Css(&format!("{card} form.like[data-hydrated=true]")))
        .await
        .expect("the like button comes alive");
    assert_eq!(text_of(&browser, &format!("{card} .like-count")).await, "0");
    // Mark the page: a reload would lose the mark.
    c.execute("window.__stayed = true;", vec![]).await.unwrap();
    c.find(Css(&format!("{card} .like-button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&browser, &format!("{card} .like-count"), "1").await;
    let pressed = c
        .find(Css(&format!("{card} .like-button")))
        .await
        .unwrap()
        .attr("aria-pressed")
        .await
        .unwrap();
    assert_eq!(pressed.as_deref(), Some("true"));
    let stayed = c
        .execute("return window.__stayed === true;", vec![])
        .await
        .unwrap();
    assert_eq!(stayed, serde_json::Value::Bool(true), "no reload");
    assert_eq!(app.store.like_count(id).await.unwrap(), 1);
    assert_accessible(&browser).await;
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("gallery.png"), png).unwrap();
}
