//! How the forms look, measured in headless Chromium at a desktop width
//! (1280 px) and a phone's (390 px): every label sits above its field (never
//! beside it, never split around it), a field takes its form's width on a
//! phone and nothing runs off the screen. Each page is screenshotted at both
//! widths into target/screenshots/<page>-<width>.png and checked for
//! accessibility.

use crate::browser::{Browser, assert_accessible, become_user, start_browser, wait_for_text};
use chrono::Utc;
use hackboard::store::{Engine, Role};
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{AppOptions, TestApp, spawn_app, workspace_root};
use std::time::Duration;

/// The two widths every form is checked at.
const WIDTHS: [u32; 2] = [1280, 390];

/// Measures every label and its control inside the elements `css` selects
/// (forms, or a section holding loose fields) and fails, naming each, when
/// a label is not entirely above its control (`label.bottom <= control.top`:
/// side by side, or a wrapped label split around its control), when a
/// label or control runs past the window's right edge, or, on a window
/// under 600 px, when a text field, textarea or select is narrower than 80%
/// of its form. Checkboxes and radio buttons keep their label beside them;
/// visually hidden labels are skipped. Fails too when `css` finds nothing
/// to measure, so a renamed form cannot pass by being absent.
pub(crate) async fn assert_fields_stack(browser: &Browser, css: &str) {
    let report = browser
        .client
        .execute(
            r#"
            const css = arguments[0];
            const containers = [...document.querySelectorAll(css)];
            const vw = document.documentElement.clientWidth;
            const phone = window.innerWidth < 600;
            const name = (el) => el.id ? '#' + el.id
                : el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '');
            const where = (el) => el.id ? '#' + el.id
                : el.tagName.toLowerCase() + (el.getAttribute('action') ? `[action="${el.getAttribute('action')}"]` : '');
            const contentWidth = (el) => {
                const s = getComputedStyle(el);
                return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            };
            const skip = ['checkbox', 'radio', 'hidden', 'submit', 'button', 'reset', 'image'];
            const problems = [];
            const seen = new Set();
            let pairs = 0;
            for (const box of containers) {
                for (const label of box.querySelectorAll('label')) {
                    const control = label.control;
                    if (!control || seen.has(label)) continue;
                    seen.add(label);
                    const type = (control.getAttribute('type') || '').toLowerCase();
                    if (skip.includes(type)) continue;
                    const lr = label.getBoundingClientRect();
                    if (lr.width <= 1 || lr.height <= 1) continue;
                    if (control.getClientRects().length === 0) continue;
                    pairs++;
                    const cr = control.getBoundingClientRect();
                    const text = label.textContent.trim().replace(/\s+/g, ' ');
                    const at = `${where(control.form || box)}: `;
                    const lines = [...label.getClientRects()];
                    const above = lines.filter(r => r.bottom <= cr.top + 0.5).length;
                    if (above > 0 && above < lines.length) {
                        problems.push(`${at}label "${text}" is split around its control ${name(control)} (${above} of its ${lines.length} line boxes above it)`);
                    } else if (lr.bottom > cr.top + 0.5) {
                        problems.push(`${at}label "${text}" (bottom ${Math.round(lr.bottom)}) is not above its control ${name(control)} (top ${Math.round(cr.top)}, left ${Math.round(cr.left)}; label left ${Math.round(lr.left)})`);
                    }
                    if (cr.right > vw + 0.5 || lr.right > vw + 0.5) {
                        problems.push(`${at}${name(control)} or its label runs past the window's right edge (${Math.round(Math.max(cr.right, lr.right))} > ${vw})`);
                    }
                    const form = control.form || box;
                    const formWidth = contentWidth(form);
                    if (phone && cr.width < 0.8 * formWidth) {
                        problems.push(`${at}${name(control)} is ${Math.round(cr.width)} px wide, under 80% of its form's ${Math.round(formWidth)} px`);
                    }
                }
            }
            return JSON.stringify({ containers: containers.length, pairs, problems, width: window.innerWidth });
            "#,
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await
        .unwrap();
    let report: serde_json::Value = serde_json::from_str(report.as_str().unwrap()).unwrap();
    let width = &report["width"];
    assert!(
        report["containers"].as_u64().unwrap() > 0,
        "{css} at {width} px: nothing matches"
    );
    assert!(
        report["pairs"].as_u64().unwrap() > 0,
        "{css} at {width} px: no label with a text field to measure"
    );
    let problems: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        problems.is_empty(),
        "{css} at {width} px window width, the fields do not stack:\n  {}",
        problems.join("\n  ")
    );
}

/// The height in CSS pixels of the element `css` selects.
async fn height_of(browser: &Browser, css: &str) -> f64 {
    browser
        .client
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().height;",
            vec![serde_json::Value::String(css.to_owned())],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap_or_else(|| panic!("{css}: not found"))
}

/// Sizes the window to `width` and checks the page really is that wide
/// (Chromium has a minimum window width; a phone check at 500 px would
/// prove nothing).
async fn set_width(browser: &Browser, width: u32) {
    let c = &browser.client;
    c.set_window_size(width, 900).await.unwrap();
    let inner = c
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    assert!(
        inner.abs_diff(u64::from(width)) <= 20,
        "asked for a {width} px window, the page is {inner} px wide"
    );
}

/// Saves the whole page (the window stretched to the page's height) as
/// target/screenshots/<name>.png.
async fn screenshot(browser: &Browser, width: u32, name: &str) {
    let c = &browser.client;
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
        .clamp(600, 8000);
    c.set_window_size(width, height as u32 + 100).await.unwrap();
    let png = c.screenshot().await.unwrap();
    c.set_window_size(width, 900).await.unwrap();
    let dir = workspace_root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
    assert!(png.len() > 10_000, "a real screenshot");
}

/// Opens `path`, waits for `ready` (a CSS selector) and opens every
/// `<details>`; then at each width saves the screenshot
/// `<page>-<width>.png`, checks that the fields in `forms` stack and that
/// the page does not scroll sideways. The accessibility check runs once,
/// at the end.
async fn check_page(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    ready: &str,
    page: &str,
    forms: &str,
) {
    let c = &browser.client;
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&app.url(path)).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(ready))
        .await
        .unwrap_or_else(|e| panic!("{path}: {ready} not found: {e}"));
    // What a click would unfold is measured and pictured too.
    c.execute(
        "document.querySelectorAll('details').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .unwrap();
    for width in WIDTHS {
        set_width(browser, width).await;
        // First the picture, so a failure leaves it to look at.
        screenshot(browser, width, &format!("{page}-{width}")).await;
        assert_fields_stack(browser, forms).await;
        let sideways = c
            .execute(
                r#"const d = document.documentElement;
                   const over = d.scrollWidth - d.clientWidth;
                   if (over <= 0) return '';
                   const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                       + [...e.classList].map(c => '.' + c).join('');
                   const wide = [...document.body.querySelectorAll('*')].filter(e =>
                       e.getBoundingClientRect().right > d.clientWidth + 1
                       && !(e.parentElement && e.parentElement.getBoundingClientRect().right > d.clientWidth + 1));
                   return `by ${over} px (${wide.slice(0, 5).map(name).join(', ')})`;"#,
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            sideways.as_str(),
            Some(""),
            "{path} at {width} px: the page scrolls sideways"
        );
        if page == "submission" {
            let tall = height_of(browser, "#description").await;
            assert!(
                tall >= 120.0,
                "the description textarea is {tall} px tall at {width} px, under 120"
            );
        }
    }
    c.set_window_size(1280, 900).await.unwrap();
    assert_accessible(browser).await;
}

async fn register(app: &TestApp, cookie: &str, name: &str) {
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
            Some(cookie),
        )
        .await;
    assert!(hackboard_tests::location(&res).ends_with("done=registered"));
}

const EVENT: &str = "/events/mistral-hackathon";

/// The demo event, now, and a browser signed in as Ada (registered for the
/// event with `registered`).
async fn participant(registered: bool) -> (TestApp, Browser, String) {
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
    if registered {
        register(&app, &cookie, "Ada").await;
    }
    let browser = start_browser("Europe/Paris").await;
    become_user(&browser, &app, &cookie).await;
    (app, browser, cookie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_submission_form_stacks_its_fields_with_a_real_description_box() {
    let (app, browser, cookie) = participant(true).await;
    app.post_form(
        &format!("{EVENT}/team/create"),
        &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
        Some(&cookie),
    )
    .await;
    check_page(
        &browser,
        &app,
        &format!("{EVENT}/submission"),
        "#submission-form",
        "submission",
        "main form",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registration_and_profile_forms_stack_their_fields() {
    let (app, browser, _) = participant(false).await;
    check_page(
        &browser,
        &app,
        &format!("{EVENT}/register"),
        "#registration-form",
        "registration",
        "#registration-form",
    )
    .await;
    check_page(
        &browser,
        &app,
        "/me",
        "form[action='/me/profile']",
        "profile",
        "main form",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_pages_forms_stack_their_fields() {
    let (app, browser, cookie) = participant(true).await;
    // No team yet: the join and create forms, and the finder.
    check_page(
        &browser,
        &app,
        &format!("{EVENT}/team"),
        "#create-team",
        "team-none",
        "main form",
    )
    .await;
    check_page(
        &browser,
        &app,
        &format!("{EVENT}/finder"),
        "#finder-me",
        "finder",
        "main form",
    )
    .await;
    app.post_form(
        &format!("{EVENT}/team/create"),
        &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
        Some(&cookie),
    )
    .await;
    // In a team: the invite link, the invite, track and details forms.
    check_page(
        &browser,
        &app,
        &format!("{EVENT}/team"),
        "#team-title",
        "team",
        "main form, main .field",
    )
    .await;
    wait_for_text(&browser, "#team-title", "Team Nebula · 1/5").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organizers_forms_stack_their_fields() {
    let app = spawn_app(Engine::Sqlite, AppOptions::default()).await;
    let def = app
        .store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .definition;
    // A submitted project (for the eligibility report) and an open gallery.
    let start =
        hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingStarts).unwrap();
    let ada = app.demo_captain("ada@example.org", "Nebula").await;
    app.clock.set(start + chrono::Duration::hours(2));
    app.demo_project(
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
    let organizer = app.sign_in("org@example.org").await;
    app.store
        .grant_role(
            app.event_id().await,
            app.user_id(&organizer).await,
            Role::Organizer,
            None,
            app.clock.now(),
        )
        .await
        .unwrap();

    let browser = start_browser("Europe/Paris").await;
    become_user(&browser, &app, &organizer).await;
    for (path, ready, page) in [
        ("registrations", "form.filters", "registrations"),
        ("teams", "form.filters", "teams-admin"),
        ("credits", "#offer-form", "credits-admin"),
        ("eligibility", "#eligibility-rows form", "eligibility"),
        ("gallery", "form.filters", "gallery"),
    ] {
        check_page(
            &browser,
            &app,
            &format!("{EVENT}/{path}"),
            ready,
            page,
            "main form",
        )
        .await;
    }
}
