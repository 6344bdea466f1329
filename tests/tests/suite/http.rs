//! The platform over HTTP, as a browser, an API client and a calendar
//! program see it, on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use hackboard_app::ui::format::short;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::resolve;
use hackboard_tests::{AppOptions, each_app_with, engines, spawn_app, t0};

/// A Tuesday with registration open for the demo's next weekend.
fn tuesday() -> chrono::DateTime<Utc> {
    t0()
}

fn at_tuesday() -> AppOptions {
    AppOptions {
        now: tuesday(),
        demo: true,
        oauth_base: None,
        hf_api: None,
        checks_api: None,
    }
}

#[tokio::test]
async fn a_new_platform_shows_the_demo_event_as_upcoming_on_the_home_page() {
    each_app_with(at_tuesday, |app| async move {
        let res = app.get("/").await;
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("Upcoming"), "{html}");
        assert!(html.contains("href=\"/events/mistral-hackathon\""));
        assert!(html.contains("Mistral AI Hackathon"));
        assert!(html.contains("Registration is open"));
    })
    .await;
}

#[tokio::test]
async fn the_event_page_shows_phase_countdown_timeline_tracks_credits_and_rules() {
    each_app_with(at_tuesday, |app| async move {
        let res = app.get("/events/mistral-hackathon").await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = res.text().await.unwrap();
        for needle in [
            "<h1>Mistral AI Hackathon</h1>",
            "Registration is open",
            "id=\"countdown\"",
            "Hugging Face org joining deadline",
            "Hacking ends",
            "Fine-tuning",
            "Weights &amp; Biases",
            "Anything goes",
            "$15",
            "Rules",
            "/events/mistral-hackathon/calendar.ics",
            "<leptos-island",
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
        // The org deadline as defined: Friday 20:00 in Paris.
        assert!(html.contains("Fri 27 Nov 20:00 Paris"), "{html}");
        // Local-time milestones say so, with their UTC spread.
        assert!(html.contains("Sun 29 Nov 16:00 local time"));
        assert!(html.contains("reached between Sun 29 Nov 02:00 and Mon 30 Nov 04:00 UTC"));
        // Without a known zone, instants are also given in UTC.
        assert!(html.contains("Fri 27 Nov 19:00 UTC"));
        // The next milestone is counted down to.
        assert!(
            html.contains("Hugging Face org joining deadline</span> in <strong>3 d 7 h</strong>"),
            "{html}"
        );
    })
    .await;
}

#[tokio::test]
async fn times_are_rendered_in_the_viewers_zone_once_the_browser_told_us() {
    each_app_with(at_tuesday, |app| async move {
        let html = app
            .page_as("/events/mistral-hackathon", "hb_tz=Asia/Tokyo")
            .await;
        // Friday 20:00 Paris = Saturday 04:00 in Tokyo.
        assert!(html.contains("Sat 28 Nov 04:00 your time"), "{html}");
        assert!(html.contains("(Asia/Tokyo)"));
        // A bogus zone is ignored, not an error.
        let res = app
            .get_as("/events/mistral-hackathon", "hb_tz=Mars/Olympus")
            .await;
        assert_eq!(res.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn the_phase_changes_exactly_at_a_milestone() {
    for engine in engines() {
        let app = spawn_app(engine, at_tuesday()).await;
        let def = app.definition().await;
        let closes = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::RegistrationCloses)
            .unwrap();
        let at = resolve(&closes.time, def.home_zone);
        app.clock.set(at - Duration::milliseconds(1));
        let before: serde_json::Value = app
            .get("/api/v1/events/mistral-hackathon")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(before["phase"], "registration_open");
        assert_eq!(before["next"]["kind"], "registration_closes");
        app.clock.set(at);
        let after: serde_json::Value = app
            .get("/api/v1/events/mistral-hackathon")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(after["phase"], "registration_closed");
        assert_ne!(after["next"]["kind"], "registration_closes");
    }
}

#[tokio::test]
async fn an_unknown_event_is_a_404_page_and_a_json_error_on_the_api() {
    each_app_with(at_tuesday, |app| async move {
        let page = app.get("/events/no-such-event").await;
        assert_eq!(page.status(), 404);
        let html = page.text().await.unwrap();
        assert!(html.contains("Page not found"));

        let other = app.get("/nothing/here").await;
        assert_eq!(other.status(), 404);

        let api = app.get("/api/v1/events/no-such-event").await;
        assert_eq!(api.status(), 404);
        let body: serde_json::Value = api.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("no-such-event")
        );

        let unknown = app.get("/api/v1/nope").await;
        assert_eq!(unknown.status(), 404);
        let body: serde_json::Value = unknown.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");

        let ics = app.get("/events/no-such-event/calendar.ics").await;
        assert_eq!(ics.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn the_api_lists_events_and_gives_one_with_timeline_tracks_and_offers() {
    each_app_with(at_tuesday, |app| async move {
        let list: serde_json::Value = app.get("/api/v1/events").await.json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["slug"], "mistral-hackathon");
        assert_eq!(list[0]["status"], "upcoming");

        let ev: serde_json::Value = app
            .get("/api/v1/events/mistral-hackathon")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ev["home_zone"], "Europe/Paris");
        assert_eq!(ev["format"], "hybrid");
        assert_eq!(ev["team_size"]["min"], 1);
        assert_eq!(ev["team_size"]["max"], 5);
        assert_eq!(ev["hugging_face_org"], "mistral-hackaton-2026");
        assert_eq!(ev["tracks"].as_array().unwrap().len(), 2);
        assert_eq!(ev["credits"].as_array().unwrap().len(), 4);
        let milestones = ev["milestones"].as_array().unwrap();
        let org = milestones
            .iter()
            .find(|m| m["kind"] == "hf_org_deadline")
            .unwrap();
        assert_eq!(org["type"], "instant");
        assert_eq!(org["zone"], "Europe/Paris");
        assert_eq!(org["local_time"], "2026-11-27T20:00:00");
        assert_eq!(org["at"], "2026-11-27T19:00:00Z");
        let ends = milestones
            .iter()
            .find(|m| m["kind"] == "hacking_ends")
            .unwrap();
        assert_eq!(ends["type"], "local");
        assert_eq!(ends["local_time"], "2026-11-29T16:00:00");
        assert_eq!(ends["earliest"], "2026-11-29T02:00:00Z");
        assert_eq!(ends["latest"], "2026-11-30T04:00:00Z");
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    each_app_with(at_tuesday, |app| async move {
        let doc: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        assert!(doc["paths"]["/api/v1/events"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/events/{slug}"]["get"]["responses"]["404"].is_object());
        assert!(doc["components"]["schemas"]["EventOut"].is_object());
    })
    .await;
}

#[tokio::test]
async fn the_calendar_feed_parses_and_has_every_milestone() {
    each_app_with(at_tuesday, |app| async move {
        let res = app.get("/events/mistral-hackathon/calendar.ics").await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let body = res.text().await.unwrap();
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
        let calendar = parser
            .next()
            .expect("one calendar")
            .expect("valid iCalendar");
        assert!(parser.next().is_none());
        let def = app.definition().await;
        assert_eq!(calendar.events.len(), def.milestones.len());
        let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
            e.properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.value.clone())
                .unwrap()
        };
        let starts: Vec<String> = calendar.events.iter().map(|e| prop(e, "DTSTART")).collect();
        // An instant in UTC; a local-time milestone as floating time.
        assert!(
            starts.contains(&"20261127T190000Z".to_owned()),
            "{starts:?}"
        );
        assert!(starts.contains(&"20261129T160000".to_owned()), "{starts:?}");
        let uids: std::collections::HashSet<String> =
            calendar.events.iter().map(|e| prop(e, "UID")).collect();
        assert_eq!(uids.len(), def.milestones.len());
        for e in &calendar.events {
            assert!(prop(e, "SUMMARY").starts_with("Mistral AI Hackathon: "));
        }
    })
    .await;
}

#[tokio::test]
async fn health_checks_the_database_and_every_response_carries_a_request_id() {
    each_app_with(at_tuesday, |app| async move {
        let res = app.get("/healthz").await;
        assert_eq!(res.status(), 200);
        assert!(!res.headers()["x-request-id"].to_str().unwrap().is_empty());
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["database"], "ok");
        let ping = app.get("/ping").await;
        assert_eq!(ping.text().await.unwrap(), "pong");
    })
    .await;
}

#[tokio::test]
async fn health_reports_unavailable_when_the_database_is_gone() {
    let app = spawn_app(hackboard::store::Engine::Sqlite, at_tuesday()).await;
    app.store.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    let body = res.text().await.unwrap();
    assert!(!body.contains("sqlite"), "no internals: {body}");
}

#[tokio::test]
async fn pages_are_compressed_and_hashed_assets_are_cached_forever() {
    each_app_with(at_tuesday, |app| async move {
        let page = app
            .get_with("/events/mistral-hackathon", "accept-encoding", "gzip")
            .await;
        assert_eq!(page.headers()["content-encoding"], "gzip");
        let html = app.page("/events/mistral-hackathon").await;
        let css = html
            .split("href=\"/pkg/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("stylesheet link");
        let asset = app
            .get_with(&format!("/pkg/{css}"), "accept-encoding", "gzip")
            .await;
        assert_eq!(asset.status(), 200);
        assert_eq!(asset.headers()["content-encoding"], "gzip");
        assert!(
            asset.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let js = html
            .split("/pkg/")
            .find_map(|s| s.split('"').next().filter(|n| n.ends_with(".js")))
            .expect("bundle link");
        assert_eq!(app.get(&format!("/pkg/{js}")).await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn a_server_function_for_a_missing_event_answers_none_not_an_error() {
    each_app_with(at_tuesday, |app| async move {
        let res = app
            .client
            .post(app.url("/sf/event"))
            .header("origin", &app.base)
            .form(&[("slug", "no-such-event")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.unwrap(), "null");
    })
    .await;
}

#[tokio::test]
async fn stopping_the_server_closes_its_socket_and_returns() {
    let app = spawn_app(hackboard::store::Engine::Sqlite, at_tuesday()).await;
    let base = app.base.clone();
    assert_eq!(app.get("/ping").await.status(), 200);
    app.stop().await;
    assert!(reqwest::get(format!("{base}/ping")).await.is_err());
}

#[test]
fn the_demo_weekend_is_the_next_one_with_its_paris_evening_deadline() {
    let def = hackboard_domain::demo::demo_event(tuesday().date_naive());
    let org = def
        .milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HfOrgDeadline)
        .unwrap();
    let at = resolve(&org.time, chrono_tz::Europe::Paris);
    assert_eq!(
        short(at.with_timezone(&chrono_tz::Europe::Paris).naive_local()),
        "Fri 27 Nov 20:00"
    );
}
