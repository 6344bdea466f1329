//! What a person sees, in headless Chromium with a forced time zone:
//! the event page hydrates (the countdown ticks), times show in the
//! viewer's zone, and the page passes an automated accessibility check.

use chrono::Utc;
use fantoccini::Locator::{self, Css, Id};
use hackboard::store::Engine;
use hackboard_app::ui::format::short;
use hackboard_domain::MilestoneKind;
use hackboard_tests::{AppOptions, EVENT, TestApp, free_port, spawn_app, workspace_root};
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

/// Saves the page as it looks 1280 px wide and 390 px wide (a phone), as
/// `target/screenshots/<name>-1280.png` and `<name>-390.png`, then puts the
/// window back as it was.
pub(crate) async fn save_screenshots(browser: &Browser, name: &str) {
    let c = &browser.client;
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let (width, height) = c.get_window_size().await.unwrap();
    for (w, h) in [(1280, 1000), (390, 844)] {
        c.set_window_size(w, h).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{w}.png")), &png).unwrap();
        assert!(png.len() > 10_000, "a real screenshot ({name}, {w} px)");
    }
    let size = |n: u64| u32::try_from(n).expect("a window size");
    c.set_window_size(size(width), size(height)).await.unwrap();
}

/// The demo event on SQLite, its clock at the real time.
async fn demo_app() -> TestApp {
    spawn_app(Engine::Sqlite, AppOptions::default()).await
}

/// Opens `path` of `app`.
async fn visit(browser: &Browser, app: &TestApp, path: &str) {
    browser.client.goto(&app.url(path)).await.unwrap();
}

/// Clicks what `locator` finds.
async fn click(browser: &Browser, locator: Locator<'_>) {
    browser
        .client
        .find(locator)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Types `text` into the field with HTML id `id`.
async fn type_into(browser: &Browser, id: &str, text: &str) {
    browser
        .client
        .find(Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// Replaces what the field with HTML id `id` holds by `text`.
async fn retype(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Waits up to `secs` seconds for what `locator` finds (`what`, if it
/// never comes).
async fn wait_for(
    browser: &Browser,
    locator: Locator<'_>,
    secs: u64,
    what: &str,
) -> fantoccini::elements::Element {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(secs))
        .for_element(locator)
        .await
        .expect(what)
}

/// Opens the demo event's page and follows its link to `section` (a path
/// below the event).
async fn from_the_event_page(browser: &Browser, app: &TestApp, section: &str) {
    visit(browser, app, EVENT).await;
    click(browser, Css(&format!("a[href='{EVENT}/{section}']"))).await;
}

/// Marks the document: a page load would lose the mark.
async fn mark_the_page(browser: &Browser) {
    browser
        .client
        .execute("window.__still_here = true;", vec![])
        .await
        .unwrap();
}

/// Whether the document still has the mark of [`mark_the_page`].
async fn the_page_is_still_marked(browser: &Browser) -> bool {
    browser
        .client
        .execute("return window.__still_here === true;", vec![])
        .await
        .unwrap()
        == serde_json::Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_page_counts_down_live_in_the_viewers_own_time_zone() {
    let app = demo_app().await;
    let browser = start_browser("Asia/Tokyo").await;
    visit(&browser, &app, EVENT).await;

    // Hydration: the island marks itself once it runs in the browser.
    wait_for(
        &browser,
        Css("#countdown[data-hydrated='true']"),
        30,
        "the countdown hydrates",
    )
    .await;
    let first = text_of(&browser, ".countdown-clock").await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let second = text_of(&browser, ".countdown-clock").await;
    assert_ne!(first, second, "the countdown ticks");

    // The org deadline (Friday 20:00 Paris) in Tokyo time.
    let at = app
        .milestone_in(MilestoneKind::HfOrgDeadline, chrono_tz::Asia::Tokyo)
        .await;
    let expected = format!(
        "{} your time",
        short(at.with_timezone(&chrono_tz::Asia::Tokyo).naive_local())
    );
    let shown = text_of(&browser, "li[data-kind='hf_org_deadline'] .viewer-time").await;
    assert_eq!(shown, expected);

    // The browser told the server its zone: the next page is rendered in it.
    browser.client.refresh().await.unwrap();
    let hint = text_of(&browser, "p.hint").await;
    assert!(hint.contains("Asia/Tokyo"), "{hint}");

    assert_accessible(&browser).await;

    // A phone-sized viewport keeps the same content readable.
    save_screenshots(&browser, "event-page").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_signs_in_with_an_email_link_and_registers_for_the_demo_event() {
    let app = demo_app().await;
    let browser = start_browser("Europe/Paris").await;

    from_the_event_page(&browser, &app, "register").await;
    click(&browser, Css("main a[href^='/sign-in']")).await;
    type_into(&browser, "email", "grace@example.org").await;
    click(&browser, Css("form[action='/auth/email'] button")).await;
    wait_for_text(&browser, "h1", "Check your email").await;

    // The link from the mail, as the participant would click it.
    let token = app.last_link_token("grace@example.org").await;
    visit(&browser, &app, &format!("/sign-in/confirm?token={token}")).await;
    click(&browser, Id("confirm-sign-in")).await;
    // Back where they were going: the registration form.
    wait_for(
        &browser,
        Id("registration-form"),
        10,
        "the registration form after sign-in",
    )
    .await;
    assert_accessible(&browser).await;

    retype(&browser, "display_name", "Grace").await;
    retype(&browser, "time_zone", "Europe/Paris").await;
    for id in [
        "q-experience-2",
        "q-code_of_conduct",
        "looking_for_team",
        "accept_rules",
    ] {
        click(&browser, Id(id)).await;
    }
    click(&browser, Css("#registration-form button[type=submit]")).await;

    wait_for(
        &browser,
        Id("registration-message"),
        10,
        "the outcome is shown",
    )
    .await;
    let message = text_of(&browser, "#registration-message").await;
    assert!(message.starts_with("You are registered"), "{message}");
    assert_eq!(
        text_of(&browser, "#registration-status").await,
        "Your registration: registered"
    );
    save_screenshots(&browser, "registered").await;
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
    let app = demo_app().await;
    // Three registered participants (registration has its own browser test).
    let mut cookies = Vec::new();
    for name in ["ada", "bob", "cy"] {
        cookies.push(app.participant(&format!("{name}@example.org")).await);
    }
    let browser = start_browser("Europe/Paris").await;
    let c = &browser.client;

    // Ada creates Nebula from the event page's "My team".
    become_user(&browser, &app, &cookies[0]).await;
    from_the_event_page(&browser, &app, "team").await;
    wait_for(&browser, Id("create-team"), 10, "the create form").await;
    type_into(&browser, "team-name", "Nebula").await;
    click(&browser, Css("#create-team button[type=submit]")).await;
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
    assert!(link.contains(&format!("{EVENT}/team?code=")), "{link}");

    // Bob follows the invite link and joins.
    become_user(&browser, &app, &cookies[1]).await;
    visit(&browser, &app, &link[link.find("/events/").unwrap()..]).await;
    click(
        &browser,
        Css(&format!("form[action='{EVENT}/team/join'] button")),
    )
    .await;
    wait_for_text(&browser, "#team-notice", "Welcome to team Nebula!").await;
    assert_eq!(text_of(&browser, "#team-title").await, "Team Nebula · 2/5");

    // Bob chooses the fine-tuning track.
    click(&browser, Id("track-fine-tuning")).await;
    click(&browser, Css("#track-form button[type=submit]")).await;
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
    let team_id = app.team_named("Nebula").await.id;
    let res = app
        .post_form(
            &format!("{EVENT}/team/ask"),
            &[("team_id", &team_id.to_string()), ("message", "I do evals")],
            Some(&cookies[2]),
        )
        .await;
    assert_eq!(res.status(), 303);
    visit(&browser, &app, &format!("{EVENT}/team")).await;
    // Wait for hydration (the wasm bundle), then mark the document: a
    // full page load would lose the mark.
    wait_for(
        &browser,
        Css("#team-live[data-hydrated]"),
        20,
        "the page hydrates",
    )
    .await;
    mark_the_page(&browser).await;
    click(
        &browser,
        Css(&format!("form[action='{EVENT}/team/accept'] button")),
    )
    .await;
    wait_for_text(
        &browser,
        "#team-live-notice",
        "Accepted: the team has a new member.",
    )
    .await;
    wait_for_text(&browser, "#team-title", "Team Nebula · 3/5").await;
    assert!(
        the_page_is_still_marked(&browser).await,
        "answered in place"
    );
    assert_eq!(
        c.current_url().await.unwrap().path(),
        format!("{EVENT}/team")
    );
    save_screenshots(&browser, "team").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_claims_a_sponsor_code_from_the_event_page() {
    let app = demo_app().await;
    let event = app.event_id().await;
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
    let cookie = app.participant_named("grace@example.org", "Grace").await;

    let browser = start_browser("Europe/Paris").await;
    become_user(&browser, &app, &cookie).await;
    from_the_event_page(&browser, &app, "credits").await;
    wait_for(
        &browser,
        Css("#offer-mistral-api form button"),
        10,
        "a claim button",
    )
    .await
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
        !browser
            .client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("MISTRAL"),
        "the code is not in the address bar"
    );
    assert_accessible(&browser).await;
    save_screenshots(&browser, "credits").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_submits_its_project_from_the_event_page() {
    let app = demo_app().await;
    let cookie = app.participant_named("ada@example.org", "Ada").await;
    app.create_team(&cookie, "Nebula", "Europe/Paris").await;

    let browser = start_browser("Europe/Paris").await;
    become_user(&browser, &app, &cookie).await;
    from_the_event_page(&browser, &app, "submission").await;
    wait_for(&browser, Id("submission-form"), 10, "the submission form").await;
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
        type_into(&browser, id, text).await;
    }
    click(&browser, Id("sub-track-fine-tuning")).await;
    click(&browser, Css("#submission-form button[value=submit]")).await;
    wait_for(
        &browser,
        Id("submission-notice"),
        10,
        "the outcome is shown",
    )
    .await;
    let notice = text_of(&browser, "#submission-notice").await;
    assert!(notice.starts_with("Submitted as version 1."), "{notice}");
    assert_eq!(
        text_of(&browser, "#submission-status").await,
        "Team Nebula · Submitted · version 1"
    );
    assert_accessible(&browser).await;
    save_screenshots(&browser, "submission").await;
}

#[tokio::test]
async fn a_visitor_likes_a_project_in_the_gallery_and_sees_the_count_change_without_reloading() {
    let app = demo_app().await;
    let ada = app.demo_captain("ada@example.org", "Nebula").await;
    let id = app.breton_tutor(&ada).await;
    app.clock.set(app.reached(MilestoneKind::HackingEnds).await);
    let fan = app.sign_in("fan@example.org").await;

    let browser = start_browser("Europe/Paris").await;
    become_user(&browser, &app, &fan).await;
    visit(&browser, &app, &format!("{EVENT}/gallery")).await;
    let card = format!("#card-{id}");
    wait_for(
        &browser,
        Css(&format!("{card} form.like[data-hydrated=true]")),
        10,
        "the like button comes alive",
    )
    .await;
    assert_eq!(text_of(&browser, &format!("{card} .like-count")).await, "0");
    // Mark the page: a reload would lose the mark.
    mark_the_page(&browser).await;
    click(&browser, Css(&format!("{card} .like-button"))).await;
    wait_for_text(&browser, &format!("{card} .like-count"), "1").await;
    let pressed = browser
        .client
        .find(Css(&format!("{card} .like-button")))
        .await
        .unwrap()
        .attr("aria-pressed")
        .await
        .unwrap();
    assert_eq!(pressed.as_deref(), Some("true"));
    assert!(the_page_is_still_marked(&browser).await, "no reload");
    assert_eq!(app.store.like_count(id).await.unwrap(), 1);
    assert_accessible(&browser).await;
    save_screenshots(&browser, "gallery").await;
}
