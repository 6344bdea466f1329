//! The event's Hugging Face org: membership read from a local server that
//! answers like `GET /api/organizations/{org}/members` (pages linked by the
//! `Link` header), what each participant and the organizers see, and the
//! snapshot at the org-joining deadline — on both databases.

use chrono::Duration;
use hackboard::jobs::hf_org::{HfError, HfOrgSync, fetch_members};
use hackboard::store::NewIdentity;
use hackboard_domain::hf_org::snapshot_due;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{AppOptions, EVENT, ORG, TestApp, each_app_and};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct FakeHub {
    members: Mutex<Vec<String>>,
    fail: AtomicBool,
    /// Send a next-page link to another host.
    foreign_next: AtomicBool,
    requests: Mutex<Vec<String>>,
    base: Mutex<String>,
}

/// Serves the members list two per page; returns its base URL.
async fn start_hub(initial: &[&str]) -> (String, Arc<FakeHub>) {
    use axum::extract::{Path, Query, State};
    use axum::response::IntoResponse;
    use std::collections::HashMap;
    let hub = Arc::new(FakeHub::default());
    *hub.members.lock().unwrap() = initial.iter().map(|m| m.to_string()).collect();
    async fn members(
        State(hub): State<Arc<FakeHub>>,
        Path(org): Path<String>,
        Query(q): Query<HashMap<String, String>>,
        uri: axum::http::Uri,
    ) -> axum::response::Response {
        hub.requests.lock().unwrap().push(uri.to_string());
        if hub.fail.load(Ordering::SeqCst) {
            return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "down").into_response();
        }
        if org != ORG {
            return (axum::http::StatusCode::NOT_FOUND, "{}").into_response();
        }
        let all = hub.members.lock().unwrap().clone();
        let from: usize = q.get("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
        let page: Vec<serde_json::Value> = all
            .iter()
            .skip(from)
            .take(2)
            .map(|u| serde_json::json!({"user": u, "fullname": u.to_uppercase(), "type": "user"}))
            .collect();
        let mut res = axum::Json(page).into_response();
        if from + 2 < all.len() {
            let base = if hub.foreign_next.load(Ordering::SeqCst) {
                "http://127.0.0.1:9".to_owned()
            } else {
                hub.base.lock().unwrap().clone()
            };
            let link = format!(
                "<{base}/api/organizations/{org}/members?cursor={}>; rel=\"next\"",
                from + 2
            );
            res.headers_mut()
                .insert("link", link.parse().expect("header value"));
        }
        res
    }
    let app = axum::Router::new()
        .route(
            "/api/organizations/{org}/members",
            axum::routing::get(members),
        )
        .with_state(hub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    *hub.base.lock().unwrap() = base.clone();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, hub)
}

/// A fake hub whose org lists `members`, and the server configured to
/// read it every `every` seconds (0: only when asked): the hub's base URL
/// and the hub.
async fn with_hub(members: &[&str], every: u64) -> (AppOptions, (String, Arc<FakeHub>)) {
    let (base, hub) = start_hub(members).await;
    let options = AppOptions {
        hf_api: Some((base.clone(), every)),
        ..Default::default()
    };
    (options, (base, hub))
}

fn sync(app: &TestApp, base: &str) -> HfOrgSync {
    HfOrgSync::new(app.store.clone(), base, None, Arc::new(app.clock.clone())).unwrap()
}

/// Signs in by email and, when `hf` is given, links that Hugging Face account.
async fn person(app: &TestApp, email: &str, hf: Option<&str>) -> String {
    let cookie = app.sign_in(email).await;
    if let Some(handle) = hf {
        let id = app.user_id(&cookie).await;
        app.store
            .link_identity(
                id,
                &NewIdentity {
                    provider: "huggingface".into(),
                    subject: format!("hf-{handle}"),
                    login: Some(handle.into()),
                    display_name: handle.into(),
                    hf_handle: Some(handle.into()),
                    ..Default::default()
                },
                app.clock.now(),
            )
            .await
            .unwrap();
    }
    cookie
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    app.page_as(path, cookie).await
}

async fn deadline(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    let event = app.demo_event().await;
    snapshot_due(&event.definition.milestones).expect("the demo has an org deadline")
}

#[tokio::test]
async fn the_members_list_is_read_across_pages_and_each_participant_sees_whether_they_joined() {
    let setup = || with_hub(&["Alice", "bob", "carol"], 0);
    each_app_and(setup, |app, (base, hub)| async move {
        let alice = person(&app, "alice@example.org", Some("alice")).await;
        let dave = person(&app, "dave@example.org", Some("dave")).await;
        let erin = person(&app, "erin@example.org", None).await;
        let org = app.organizer("org@example.org").await;

        sync(&app, &base).tick().await.unwrap();
        let requests = hub.requests.lock().unwrap().clone();
        assert_eq!(
            requests,
            vec![
                format!("/api/organizations/{ORG}/members"),
                format!("/api/organizations/{ORG}/members?cursor=2"),
            ]
        );

        let register = format!("{EVENT}/register");
        let seen = page(&app, &register, &alice).await;
        assert!(
            seen.contains(&format!("You have joined {ORG} as alice.")),
            "{seen}"
        );
        assert!(
            seen.contains(&format!("href=\"{base}/{ORG}\"")),
            "join link: {seen}"
        );
        let seen = page(&app, &register, &dave).await;
        assert!(
            seen.contains(&format!(
                "You have not joined {ORG} yet (as dave): join before"
            )),
            "{seen}"
        );
        let seen = page(&app, &register, &erin).await;
        assert!(
            seen.contains("Sign-in with Hugging Face is not set up on this platform"),
            "{seen}"
        );

        let list = page(&app, &format!("{EVENT}/registrations"), &org).await;
        assert!(
            list.contains("3 members known (3 in the public list, refreshed"),
            "{list}"
        );
        assert!(
            list.contains("Will be taken at the org-joining deadline"),
            "{list}"
        );

        // Someone leaves the org: the next refresh forgets them.
        hub.members.lock().unwrap().retain(|m| m != "Alice");
        sync(&app, &base).tick().await.unwrap();
        let seen = page(&app, &register, &alice).await;
        assert!(
            seen.contains(&format!("You have not joined {ORG} yet")),
            "{seen}"
        );
    })
    .await;
}

#[tokio::test]
async fn at_the_deadline_the_snapshot_is_taken_once_and_later_joiners_are_not_in_it() {
    let setup = || with_hub(&["alice", "bob", "carol"], 0);
    each_app_and(setup, |app, (base, hub)| async move {
        let alice = person(&app, "alice@example.org", Some("alice")).await;
        let dave = person(&app, "dave@example.org", Some("Dave")).await;
        let org = app.organizer("org@example.org").await;
        let due = deadline(&app).await;

        app.clock.set(due - Duration::minutes(5));
        sync(&app, &base).tick().await.unwrap();
        assert!(app.store.hf_snapshot(1).await.unwrap().is_none());

        app.clock.set(due);
        sync(&app, &base).tick().await.unwrap();
        let event = app.demo_event().await;
        let (at, members) = app.store.hf_snapshot(event.id).await.unwrap().unwrap();
        assert_eq!(at, due.timestamp_millis());
        assert_eq!(members, vec!["alice", "bob", "carol"]);

        // Dave joins after the deadline: the record does not change.
        hub.members.lock().unwrap().push("Dave".into());
        app.clock.set(due + Duration::hours(1));
        let before = hub.requests.lock().unwrap().len();
        sync(&app, &base).tick().await.unwrap();
        assert_eq!(
            hub.requests.lock().unwrap().len(),
            before,
            "no refresh after the snapshot"
        );
        let (_, members) = app.store.hf_snapshot(event.id).await.unwrap().unwrap();
        assert_eq!(members, vec!["alice", "bob", "carol"]);

        let register = format!("{EVENT}/register");
        let when = due.format("%Y-%m-%d %H:%M UTC").to_string();
        let seen = page(&app, &register, &alice).await;
        assert!(
            seen.contains(&format!(
                "At the org-joining deadline ({when}) {ORG} listed you as alice."
            )),
            "{seen}"
        );
        let seen = page(&app, &register, &dave).await;
        assert!(
            seen.contains(&format!(
                "At the org-joining deadline ({when}) {ORG} did not list Dave."
            )),
            "{seen}"
        );

        let list = page(&app, &format!("{EVENT}/registrations"), &org).await;
        assert!(
            list.contains(&format!("Deadline snapshot: Taken {when}: 3 members")),
            "{list}"
        );

        let api: serde_json::Value = app
            .get_as("/api/v1/events/mistral-hackathon/hf-org", &org)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["org"], ORG);
        assert_eq!(
            api["snapshot"]["members"],
            serde_json::json!(["alice", "bob", "carol"])
        );
        assert_eq!(
            api["snapshot"]["taken_at"].as_str().unwrap(),
            due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        assert_eq!(api["snapshot_due_at"], api["snapshot"]["taken_at"]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_refresh_keeps_what_was_known_and_tells_the_organizers() {
    let setup = || with_hub(&["alice", "bob"], 0);
    each_app_and(setup, |app, (base, hub)| async move {
        let alice = person(&app, "alice@example.org", Some("alice")).await;
        let org = app.organizer("org@example.org").await;
        sync(&app, &base).tick().await.unwrap();
        hub.fail.store(true, Ordering::SeqCst);
        app.clock.advance(Duration::minutes(5));
        sync(&app, &base).tick().await.unwrap();

        let seen = page(&app, &format!("{EVENT}/register"), &alice).await;
        assert!(
            seen.contains(&format!("You have joined {ORG} as alice.")),
            "{seen}"
        );
        let list = page(&app, &format!("{EVENT}/registrations"), &org).await;
        assert!(
            list.contains("Last refresh failed: Hugging Face answered 500"),
            "{list}"
        );
        assert!(
            list.contains("2 members known (2 in the public list"),
            "{list}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_member_seen_at_their_own_sign_in_stays_when_the_public_list_hides_them() {
    let setup = || with_hub(&["bob"], 0);
    each_app_and(setup, |app, (base, _hub)| async move {
        let alice = person(&app, "alice@example.org", Some("alice")).await;
        let event = app.demo_event().await;
        app.store
            .add_hf_org_member(event.id, "Alice", app.clock.now())
            .await
            .unwrap();
        sync(&app, &base).tick().await.unwrap();
        let seen = page(&app, &format!("{EVENT}/register"), &alice).await;
        assert!(
            seen.contains(&format!("You have joined {ORG} as alice.")),
            "{seen}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_background_job_refreshes_the_members_on_its_own() {
    each_app_and(
        || with_hub(&["alice", "bob", "carol"], 1),
        |app, (_base, _hub)| async move {
            let event = app.demo_event().await;
            let mut known = 0;
            for _ in 0..100 {
                known = app
                    .store
                    .hf_org_status(event.id)
                    .await
                    .unwrap()
                    .public_members;
                if known == 3 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(known, 3);
        },
    )
    .await;
}

#[tokio::test]
async fn a_next_page_on_another_host_is_not_followed_and_bad_org_names_are_not_requested() {
    let (base, hub) = start_hub(&["a", "b", "c"]).await;
    hub.foreign_next.store(true, Ordering::SeqCst);
    let client = reqwest::Client::new();
    let err = fetch_members(&client, &base, Some("secret"), ORG)
        .await
        .unwrap_err();
    assert!(matches!(err, HfError::ForeignNextPage(_)), "{err}");
    let err = fetch_members(&client, &base, None, "../admin")
        .await
        .unwrap_err();
    assert!(matches!(err, HfError::OrgName(_)), "{err}");
    let err = fetch_members(&client, &base, None, "no-such-org")
        .await
        .unwrap_err();
    assert!(matches!(err, HfError::NoSuchOrg(_)), "{err}");
    assert_eq!(hub.requests.lock().unwrap().len(), 2);
}
