//! Eligibility checks end to end, on SQLite and PostgreSQL: the server's
//! job checks each saved submission against a local fake of GitHub and
//! Hugging Face; the team sees what to fix and by when, asks again and
//! passes; a rate-limited check stays pending and runs again after the
//! reset; the deadline sweep re-checks every submitted project once;
//! organizers filter the report, decide with a reason (audited) and export
//! CSV; participants cannot. Also the cover image (checked by content,
//! served with safe headers) and a gallery that opens at a later milestone.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{API, AppOptions, EVENT, ORG, TestApp, each_app_and, location};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the fake answers for a repository path (`gh/ada/x`, `hf/models/o/n`).
#[derive(Clone)]
enum Answer {
    Json(Value),
    Status(u16),
    RateLimited { reset: i64 },
}

#[derive(Clone, Default)]
struct Fake {
    answers: Arc<Mutex<HashMap<String, Answer>>>,
    /// Commits each GitHub repository has in the window.
    commits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Fake {
    fn set(&self, key: &str, a: Answer) {
        self.answers.lock().unwrap().insert(key.to_owned(), a);
    }
    fn answer(&self, key: &str) -> Response {
        match self.answers.lock().unwrap().get(key).cloned() {
            Some(Answer::Json(v)) => axum::Json(v).into_response(),
            Some(Answer::Status(s)) => StatusCode::from_u16(s).unwrap().into_response(),
            Some(Answer::RateLimited { reset }) => (
                StatusCode::FORBIDDEN,
                [
                    ("x-ratelimit-remaining", "0".to_owned()),
                    ("x-ratelimit-reset", reset.to_string()),
                ],
                "{\"message\":\"API rate limit exceeded\"}",
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
}

async fn gh_repo(State(f): State<Fake>, Path((o, r)): Path<(String, String)>) -> Response {
    f.answer(&format!("gh/{o}/{r}"))
}

async fn gh_commits(
    State(f): State<Fake>,
    Path((o, r)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let n = if q.contains_key("since") {
        f.commits
            .lock()
            .unwrap()
            .get(&format!("{o}/{r}"))
            .copied()
            .unwrap_or(0)
    } else {
        0
    };
    let list: Vec<Value> = (0..n)
        .map(|i| json!({"sha": format!("{i:040}"), "commit": {"author": {"date": "2026-11-28T10:00:00Z"}}}))
        .collect();
    axum::Json(list).into_response()
}

async fn hf_repo(
    State(f): State<Fake>,
    Path((kind, o, n)): Path<(String, String, String)>,
) -> Response {
    f.answer(&format!("hf/{kind}/{o}/{n}"))
}

async fn start_fake() -> (Fake, String) {
    let fake = Fake::default();
    let app = axum::Router::new()
        .route("/gh/repos/{o}/{r}", get(gh_repo))
        .route("/gh/repos/{o}/{r}/commits", get(gh_commits))
        .route("/hf/api/{kind}/{o}/{n}", get(hf_repo))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (fake, base)
}

fn repo(private: bool, created_at: DateTime<Utc>) -> Answer {
    Answer::Json(json!({
        "private": private, "fork": false,
        "created_at": created_at.to_rfc3339(), "pushed_at": created_at.to_rfc3339(),
    }))
}

fn model(author: &str, created_at: DateTime<Utc>) -> Answer {
    Answer::Json(json!({
        "author": author, "private": false, "disabled": false, "gated": false,
        "createdAt": created_at.to_rfc3339(),
    }))
}

/// A fake GitHub and Hugging Face, and the server's checks run against it.
async fn with_fake() -> (AppOptions, Fake) {
    let (fake, base) = start_fake().await;
    let options = AppOptions {
        checks_api: Some(base),
        ..Default::default()
    };
    (options, fake)
}

async fn hacking_starts(app: &TestApp) -> DateTime<Utc> {
    let def = app.definition().await;
    hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingStarts).unwrap()
}

/// Submits the team's project (title "Project {github}", fine-tuning
/// track): its submission id.
async fn submit(app: &TestApp, token: &str, github: &str, hf: &[&str]) -> i64 {
    let title = format!("Project {github}");
    app.demo_project(token, &title, "fine-tuning", github, hf, true)
        .await
}

/// Waits (up to 15 s) until the submission's stored check satisfies `done`.
async fn until_checked(app: &TestApp, id: i64, done: impl Fn(&str) -> bool) -> String {
    for _ in 0..150 {
        if let Some(c) = app.store.check_of(id).await.unwrap()
            && c.checked_at.is_some()
            && (c.due_at.is_none() || c.status == "pending")
            && done(&c.status)
        {
            return c.status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "no check of {id} as expected: {:?}",
        app.store.check_of(id).await.unwrap()
    );
}

fn decoded(page: &str) -> String {
    page.replace("&#x27;", "'")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

async fn organizer(app: &TestApp, email: &str) -> (String, String) {
    let (id, token) = app.api_token(email).await;
    app.grant_organizer(id).await;
    (token, app.sign_in(email).await)
}

#[tokio::test]
async fn a_team_sees_what_to_fix_and_by_when_and_passes_once_the_repository_is_public() {
    each_app_and(with_fake, |app, fake| async move {
        let start = hacking_starts(&app).await;
        // Saving happens during hacking.
        let during = start + Duration::hours(1);
        fake.set("gh/ada/tutor", Answer::Status(404));
        fake.set(
            &format!("hf/models/{ORG}/tutor"),
            model(ORG, start + Duration::hours(1)),
        );
        fake.commits.lock().unwrap().insert("ada/tutor".into(), 3);
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        app.clock.set(start + Duration::hours(2));
        let id = submit(&app, &ada, "ada/tutor", &[&format!("{ORG}/tutor")]).await;
        assert_eq!(until_checked(&app, id, |s| s == "fail").await, "fail");

        let cookie = app.sign_in("ada@example.org").await;
        let page = decoded(
            &app.page_as(&format!("{EVENT}/submission"), &cookie).await,
        );
        assert!(
            page.contains("We cannot see github.com/ada/tutor: it is private or does not exist. Make it public before Sunday 16:00 your time."),
            "{page}"
        );
        assert!(page.contains("Eligibility checklist") && page.contains("To fix"));

        // Made public; the team asks again from the page.
        fake.set("gh/ada/tutor", repo(false, during));
        let res = app
            .post_form(&format!("{EVENT}/submission/check"), &[], Some(&cookie))
            .await;
        assert_eq!(res.status(), 303);
        assert!(location(&res).contains("ok="), "{}", location(&res));
        assert_eq!(until_checked(&app, id, |s| s == "pass").await, "pass");
        let (status, body) =
            app.event_api("GET", "/submission/eligibility", &ada, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "pass", "{body}");
        let keys: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["key"].as_str().unwrap())
            .collect();
        assert!(keys.contains(&"github.public") && keys.contains(&"track.model_in_org"), "{keys:?}");
        let github = &body["items"][0];
        assert_eq!(github["evidence"]["private"], "false", "{github}");
    })
    .await;
}

#[tokio::test]
async fn a_rate_limited_check_is_pending_and_runs_again_after_githubs_reset() {
    each_app_and(with_fake, |app, fake| async move {
        let start = hacking_starts(&app).await;
        let reset = start + Duration::hours(2) + Duration::minutes(10);
        fake.set(
            "gh/ada/tutor",
            Answer::RateLimited {
                reset: reset.timestamp(),
            },
        );
        fake.commits.lock().unwrap().insert("ada/tutor".into(), 2);
        fake.set(
            &format!("hf/models/{ORG}/tutor"),
            model(ORG, start + Duration::hours(1)),
        );
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        app.clock.set(start + Duration::hours(2));
        let id = submit(&app, &ada, "ada/tutor", &[&format!("{ORG}/tutor")]).await;
        assert_eq!(until_checked(&app, id, |s| s == "pending").await, "pending");
        let check = app.store.check_of(id).await.unwrap().unwrap();
        assert_eq!(
            check.due_at,
            Some(reset.timestamp_millis() + 1000),
            "retried one second after the announced reset"
        );
        let (_, body) = app
            .event_api("GET", "/submission/eligibility", &ada, None)
            .await;
        assert_eq!(body["status"], "pending", "{body}");

        // The limit lifts; nobody asks again: the job runs it after the reset.
        fake.set("gh/ada/tutor", repo(false, start + Duration::hours(1)));
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert_eq!(
            app.store.check_of(id).await.unwrap().unwrap().status,
            "pending"
        );
        app.clock.set(reset + Duration::seconds(2));
        assert_eq!(until_checked(&app, id, |s| s != "pending").await, "pass");
    })
    .await;
}

#[tokio::test]
async fn the_deadline_sweep_checks_every_submitted_project_again_once() {
    each_app_and(with_fake, |app, fake| async move {
        let start = hacking_starts(&app).await;
        fake.set("gh/ada/tutor", repo(false, start + Duration::hours(1)));
        fake.set(
            &format!("hf/models/{ORG}/tutor"),
            model(ORG, start + Duration::hours(1)),
        );
        fake.commits.lock().unwrap().insert("ada/tutor".into(), 3);
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        app.clock.set(start + Duration::hours(2));
        let id = submit(&app, &ada, "ada/tutor", &[&format!("{ORG}/tutor")]).await;
        assert_eq!(until_checked(&app, id, |s| s == "pass").await, "pass");

        // After submitting, the repository goes private. The sweep when
        // submissions close (in the last zone) catches it.
        fake.set("gh/ada/tutor", Answer::Status(404));
        let def = app.definition().await;
        let closed =
            hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingEnds).unwrap();
        app.clock.set(closed + Duration::seconds(1));
        assert_eq!(until_checked(&app, id, |s| s == "fail").await, "fail");
        let event = app.event_id().await;
        assert_eq!(
            app.store
                .sweep_once(event, "submissions_closed", app.clock.now())
                .await
                .unwrap(),
            None,
            "the sweep runs once"
        );
    })
    .await;
}

#[tokio::test]
async fn organizers_filter_the_report_decide_with_a_reason_and_export_csv_and_participants_cannot()
{
    each_app_and(with_fake, |app, fake| async move {
        let start = hacking_starts(&app).await;
        let during = start + Duration::hours(1);
        for r in ["ada/tutor", "bo/robot"] {
            fake.set(&format!("gh/{r}"), repo(false, during));
            fake.commits.lock().unwrap().insert(r.into(), 4);
        }
        fake.set(&format!("hf/models/{ORG}/tutor"), model(ORG, during));
        fake.set("hf/models/bo/robot", model("bo", during));
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        let bo = app.demo_captain("bo@example.org", "Robots").await;
        app.clock.set(start + Duration::hours(2));
        let good = submit(&app, &ada, "ada/tutor", &[&format!("{ORG}/tutor")]).await;
        let bad = submit(&app, &bo, "bo/robot", &["bo/robot"]).await;
        until_checked(&app, good, |s| s == "pass").await;
        until_checked(&app, bad, |s| s == "fail").await;

        let (org, org_cookie) = organizer(&app, "org@example.org").await;
        let page = decoded(
            &app.page_as(&format!("{EVENT}/eligibility?status=fail"), &org_cookie)
                .await,
        );
        assert!(
            page.contains("Robots") && !page.contains("Nebula"),
            "{page}"
        );
        assert!(
            page.contains("upload it to huggingface.co/mistral-hackaton-2026"),
            "{page}"
        );

        // A decision without a reason is refused, in words.
        let to = app
            .leads_to(
                &format!("{EVENT}/eligibility/{bad}/decision"),
                &[
                    ("key", "track.model_in_org"),
                    ("status", "pass"),
                    ("reason", " "),
                ],
                Some(&org_cookie),
            )
            .await;
        let page = decoded(&app.page_as(&to, &org_cookie).await);
        assert!(page.contains("Give a reason"), "{page}");

        // The organizers accept the model (moved to the org late) …
        let res = app
            .post_form(
                &format!("{EVENT}/eligibility/{bad}/decision"),
                &[
                    ("key", "track.model_in_org"),
                    ("status", "pass"),
                    (
                        "reason",
                        "Model transferred to the org on Monday, checked by hand",
                    ),
                ],
                Some(&org_cookie),
            )
            .await;
        assert!(location(&res).contains("ok="), "{}", location(&res));
        let (_, mine) = app
            .event_api("GET", "/submission/eligibility", &bo, None)
            .await;
        assert_eq!(mine["status"], "pass", "{mine}");
        // … and mark the other project ineligible, through the API.
        let (status, body) = app
            .event_api(
                "POST",
                &format!("/submissions/{good}/eligibility/decisions"),
                &org,
                Some(
                    json!({"key": "project", "status": "fail", "reason": "Built before the event"}),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["eligibility"]["status"], "fail", "{body}");
        let (status, body) = app
            .event_api(
                "POST",
                &format!("/submissions/{good}/eligibility/decisions"),
                &org,
                Some(json!({"key": "no.such.item", "status": "fail", "reason": "x"})),
            )
            .await;
        assert_eq!(status, 409, "{body}");

        let audit = app.store.audit_log(app.event_id().await).await.unwrap();
        let decided: Vec<_> = audit
            .iter()
            .filter(|a| a.action == "eligibility_overridden")
            .collect();
        assert_eq!(decided.len(), 2, "{audit:?}");
        assert!(decided.iter().any(|a| a.reason == "Built before the event"));

        let csv = app
            .page_as(&format!("{EVENT}/eligibility.csv"), &org_cookie)
            .await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert!(lines[0].starts_with("submission_id,team,title"));
        assert!(
            csv.contains("Nebula") && csv.contains("project → fail: Built before the event"),
            "{csv}"
        );

        let (status, body) = app.event_api("GET", "/eligibility", &org, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body.as_array().unwrap().len(), 2);

        // Participants: no report, no decisions, no other team's checks.
        for (method, path) in [
            ("GET", format!("{API}/eligibility")),
            (
                "POST",
                format!("{API}/submissions/{good}/eligibility/check"),
            ),
        ] {
            let (status, _) = app.api(method, &path, &bo, None).await;
            assert_eq!(status, 403, "{method} {path}");
        }
        let (status, _) = app
            .event_api(
                "POST",
                &format!("/submissions/{good}/eligibility/decisions"),
                &bo,
                Some(json!({"key": "project", "status": "pass", "reason": "mine now"})),
            )
            .await;
        assert_eq!(status, 403);
        let bo_cookie = app.sign_in("bo@example.org").await;
        let page = app
            .page_as(&format!("{EVENT}/eligibility"), &bo_cookie)
            .await;
        assert!(
            page.contains("Organizers only") && !page.contains("Nebula"),
            "{page}"
        );
        let res = app
            .get_as(&format!("{EVENT}/eligibility.csv"), &bo_cookie)
            .await;
        assert_eq!(res.status(), 403);
    })
    .await;
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "hackboardtestboundary7d2";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"cover\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, cookie: &str, name: &str, bytes: &[u8]) -> String {
    let (kind, body) = multipart(name, bytes);
    let res = app
        .client
        .post(app.url(&format!("{EVENT}/submission/cover")))
        .header("cookie", cookie)
        .header("origin", &app.base)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let to = location(&res);
    decoded(&app.page_as(&to, cookie).await)
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

#[tokio::test]
async fn a_cover_image_is_checked_by_its_content_and_served_only_as_an_image() {
    each_app_and(with_fake, |app, _fake| async move {
        let start = hacking_starts(&app).await;
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        app.clock.set(start + Duration::hours(2));
        let cookie = app.sign_in("ada@example.org").await;
        let page = upload(&app, &cookie, "cover.png", PNG).await;
        assert!(page.contains("Save your project first"), "{page}");
        let id = submit(&app, &ada, "ada/tutor", &[]).await;

        let page = upload(&app, &cookie, "evil.png", b"<svg onload=alert(1)></svg>").await;
        assert!(
            page.contains("That file is not a PNG, JPEG, GIF or WebP image."),
            "{page}"
        );
        let mut big = PNG.to_vec();
        big.resize(3 * 1024 * 1024, 0);
        let page = upload(&app, &cookie, "big.png", &big).await;
        assert!(page.contains("larger than 2 MB"), "{page}");
        assert!(
            app.store.cover(id).await.unwrap().is_none(),
            "nothing stored"
        );

        let page = upload(&app, &cookie, "cover.png", PNG).await;
        assert!(page.contains("Cover image saved."), "{page}");
        let at = page.find("/cover?v=").expect("the cover is shown");
        let start_at = page[..at].rfind('"').unwrap() + 1;
        let end_at = at + page[at..].find('"').unwrap();
        let url = page[start_at..end_at].to_owned();
        assert_eq!(
            url,
            format!(
                "{EVENT}/projects/{id}/cover?v={}",
                &app.store.cover(id).await.unwrap().unwrap().sha256[..12]
            )
        );

        let res = app.get_as(&url, &cookie).await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        assert_eq!(h["content-type"], "image/png");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
        // Before the gallery opens, nobody else sees it.
        assert_eq!(app.get(&url).await.status(), 404);

        // Through the API: raw bytes.
        let res = app
            .client
            .put(app.url(&format!("{API}/submission/cover")))
            .bearer_auth(&ada)
            .body(b"GIF89a\x01\0\x01\0\0\0\0;".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["content_type"], "image/gif", "{body}");
        let res = app
            .client
            .put(app.url(&format!("{API}/submission/cover")))
            .bearer_auth(&ada)
            .body("<html><script>alert(1)</script>")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(
            app.store.cover(id).await.unwrap().unwrap().content_type,
            "image/gif"
        );
    })
    .await;
}

#[tokio::test]
async fn an_event_whose_gallery_opens_at_judging_keeps_projects_private_until_then() {
    each_app_and(with_fake, |app, _fake| async move {
        let stored = app.demo_event().await;
        let mut def = stored.definition.clone();
        def.gallery.opens = MilestoneKind::Judging;
        app.store.upsert_event(&def, app.clock.now()).await.unwrap();
        let start = hacking_starts(&app).await;
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        app.clock.set(start + Duration::hours(2));
        let id = submit(&app, &ada, "ada/tutor", &[]).await;
        let page = format!("{EVENT}/projects/{id}");

        let closed =
            hackboard_domain::gallery::last_reached(&def, MilestoneKind::HackingEnds).unwrap();
        app.clock.set(closed + Duration::minutes(1));
        assert_eq!(
            app.get(&page).await.status(),
            404,
            "not yet: the gallery opens at judging"
        );
        let judging =
            hackboard_domain::gallery::last_reached(&def, MilestoneKind::Judging).unwrap();
        app.clock.set(judging);
        let res = app.get(&page).await;
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("Project ada/tutor"));
    })
    .await;
}
