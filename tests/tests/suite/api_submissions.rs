//! Submissions through `/api/v1`, on SQLite and PostgreSQL: drafts and
//! submits with receipts, field errors, conflicts that keep both texts, the
//! deadline in two team zones to the millisecond, extensions, and who may
//! do what.

use chrono::Duration;
use hackboard::store::Role;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::{Clock, resolve};
use hackboard_tests::{TestApp, each_app};
use serde_json::{Value, json};

async fn team(app: &TestApp, captain: &str, name: &str, zone: &str, others: &[&str]) {
    let (status, body) = app
        .event_call(
            "POST",
            "/team",
            Some(captain),
            Some(json!({"name": name, "time_zone": zone})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let code = body["view"]["team"]["invite_code"]
        .as_str()
        .unwrap()
        .to_owned();
    for t in others {
        let (status, _) = app
            .event_call("POST", "/team/join", Some(t), Some(json!({ "code": code })))
            .await;
        assert_eq!(status, 200);
    }
}

fn content(title: &str) -> Value {
    json!({
        "title": title,
        "tagline": "A Breton tutor that listens",
        "description": "We fine-tuned **Mistral 7B**.",
        "tracks": ["fine-tuning"],
        "github_url": "https://github.com/ada/breton-tutor",
        "hf_urls": ["https://huggingface.co/mistral-hackaton-2026/breton-tutor"],
        "built_with": ["Mistral", "W&B"]
    })
}

async fn save(app: &TestApp, token: &str, base: i64, submit: bool, content: Value) -> (u16, Value) {
    app.event_call(
        "PUT",
        "/submission",
        Some(token),
        Some(json!({"base_version": base, "submit": submit, "content": content})),
    )
    .await
}

#[tokio::test]
async fn a_team_saves_a_draft_then_submits_and_every_member_gets_a_receipt() {
    each_app(|app| async move {
        let (_, ada) = app.api_participant("ada@example.org").await;
        let (_, bob) = app.api_participant("bob@example.org").await;
        team(&app, &ada, "Nebula", "Europe/Paris", &[&bob]).await;

        let (status, body) = save(&app, &ada, 0, false, json!({"title": "Tutor"})).await;
        assert_eq!(
            (status, body["version"].as_i64(), body["status"].as_str()),
            (200, Some(1), Some("draft")),
            "{body}"
        );
        let (status, body) = save(&app, &bob, 1, true, content("Breton tutor")).await;
        assert_eq!(
            (status, body["version"].as_i64(), body["status"].as_str()),
            (200, Some(2), Some("submitted")),
            "{body}"
        );
        let hash = body["hash"].as_str().unwrap().to_owned();
        assert_eq!(hash.len(), 64);

        let receipts: Vec<_> = app
            .store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.kind == "submission_receipt")
            .collect();
        let mut to: Vec<&str> = receipts.iter().map(|m| m.recipient.as_str()).collect();
        to.sort();
        assert_eq!(to, ["ada@example.org", "bob@example.org"]);
        assert!(
            receipts
                .iter()
                .all(|m| m.text_body.contains(&hash) && m.text_body.contains("Version: 2"))
        );

        let (status, body) = app.event_call("GET", "/submission", Some(&ada), None).await;
        assert_eq!(status, 200);
        assert_eq!(
            (body["version"].as_i64(), body["status"].as_str()),
            (Some(2), Some("submitted"))
        );
        assert_eq!(body["content"]["title"], "Breton tutor");
        assert_eq!(body["hash"], hash.as_str());
        assert_eq!(body["open"], true);
        let history: Vec<(i64, String)> = body["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_i64().unwrap(),
                    v["saved_by"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(history, [(1, "ada".to_owned()), (2, "bob".to_owned())]);
    })
    .await;
}

#[tokio::test]
async fn field_errors_and_conflicts_come_back_in_words_and_nothing_is_lost() {
    each_app(|app| async move {
        let (_, ada) = app.api_participant("ada@example.org").await;
        let (_, bob) = app.api_participant("bob@example.org").await;
        team(&app, &ada, "Nebula", "UTC", &[&bob]).await;

        let mut bad = content("T");
        bad["github_url"] = json!("https://gitlab.com/ada/x");
        bad["tracks"] = json!(["knitting"]);
        bad["demo_video_url"] = json!("javascript:alert(1)");
        let (status, body) = save(&app, &ada, 0, true, bad).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid")),
            "{body}"
        );
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["tracks", "github_url", "demo_video_url"]);
        let (_, body) = app.event_call("GET", "/submission", Some(&ada), None).await;
        assert_eq!(
            (body["version"].as_i64(), body["status"].as_str()),
            (Some(0), Some("none")),
            "nothing saved"
        );

        save(&app, &ada, 0, false, content("First")).await;
        let (status, _) = save(&app, &ada, 1, false, content("Ada's edit")).await;
        assert_eq!(status, 200);
        // Bob edited version 1 too: his save conflicts, shows Ada's, and is kept.
        let (status, body) = save(&app, &bob, 1, false, content("Bob's edit")).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("conflict")),
            "{body}"
        );
        assert_eq!(body["error"]["current"]["version"], 2);
        assert_eq!(body["error"]["current"]["content"]["title"], "Ada's edit");
        let (_, body) = app.event_call("GET", "/submission", Some(&bob), None).await;
        assert_eq!(body["content"]["title"], "Ada's edit");
        let kept = body["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["accepted"] == false)
            .expect("Bob's text is kept");
        assert_eq!(kept["content"]["title"], "Bob's edit");
        assert_eq!(kept["saved_by"], "bob");
    })
    .await;
}

#[tokio::test]
async fn the_deadline_holds_in_each_team_zone_to_the_millisecond_and_an_extension_reopens_it() {
    each_app(|app| async move {
        let (_, tokyo) = app.api_participant("tokyo@example.org").await;
        let (_, york) = app.api_participant("york@example.org").await;
        team(&app, &tokyo, "Sakura", "Asia/Tokyo", &[]).await;
        team(&app, &york, "Hudson", "America/New_York", &[]).await;
        let def = app.demo_event().await;
        let end = def
            .definition
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingEnds)
            .unwrap()
            .time
            .clone();
        let tokyo_deadline = resolve(&end, chrono_tz::Asia::Tokyo);

        app.clock.set(tokyo_deadline - Duration::milliseconds(1));
        let (status, body) = save(&app, &tokyo, 0, true, content("Sakura")).await;
        assert_eq!(status, 200, "{body}");
        app.clock.set(tokyo_deadline);
        let (status, body) = save(&app, &tokyo, 1, false, content("Too late")).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("refused"))
        );
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("Submissions closed on Sunday 16:00"),
            "{message}"
        );
        // New York's Sunday 16:00 is still hours away.
        let (status, body) = save(&app, &york, 0, true, content("Hudson")).await;
        assert_eq!(status, 200, "{body}");

        // An organizer extends Sakura's deadline, with a reason.
        let (_, org) = app.api_token("org@example.org").await;
        let org_id = app.store.users_by_email("org@example.org").await.unwrap()[0].id;
        app.store
            .grant_role(def.id, org_id, Role::Organizer, None, app.clock.now())
            .await
            .unwrap();
        let sakura = app
            .store
            .teams(def.id)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == "Sakura")
            .unwrap()
            .id;
        let local_end = match &end {
            hackboard_domain::MilestoneTime::Local { local } => *local,
            other => panic!("the demo's deadline is local: {other:?}"),
        };
        let until = (local_end + Duration::hours(2))
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let (status, body) = app
            .event_call(
                "POST",
                &format!("/teams/{sakura}/extension"),
                Some(&tokyo),
                Some(json!({"until": until, "reason": "please"})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden"))
        );
        let (status, body) = app
            .event_call(
                "POST",
                &format!("/teams/{sakura}/extension"),
                Some(&org),
                Some(json!({"until": until, "reason": "train strike in Tokyo"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = save(&app, &tokyo, 1, false, content("In the extension")).await;
        assert_eq!(status, 200);
        app.clock.set(tokyo_deadline + Duration::hours(2));
        let (status, body) = save(&app, &tokyo, 2, false, content("After it")).await;
        assert_eq!(status, 409);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("extension has ended")
        );
        let audit = app.store.audit_log(def.id).await.unwrap();
        assert_eq!(audit[0].reason, "train strike in Tokyo");
    })
    .await;
}

#[tokio::test]
async fn only_registered_members_of_a_team_submit_and_only_their_own() {
    each_app(|app| async move {
        let (status, _) = save_anonymous(&app).await;
        assert_eq!(status, 401);
        let (_, stranger) = app.api_token("stranger@example.org").await;
        let (status, body) = save(&app, &stranger, 0, false, content("X")).await;
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (409, Some("Register for the event first."))
        );
        let (_, solo) = app.api_participant("solo@example.org").await;
        let (status, body) = save(&app, &solo, 0, false, content("X")).await;
        assert_eq!(status, 409);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("Projects are submitted by teams")
        );
        // Two teams: each sees and changes only its own.
        let (_, ada) = app.api_participant("ada@example.org").await;
        let (_, eve) = app.api_participant("eve@example.org").await;
        team(&app, &ada, "Nebula", "UTC", &[]).await;
        team(&app, &eve, "Comet", "UTC", &[]).await;
        save(&app, &ada, 0, false, content("Nebula's secret draft")).await;
        let (status, body) = app.event_call("GET", "/submission", Some(&eve), None).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("none")));
        assert!(!body.to_string().contains("secret"));
        let (status, body) = save(&app, &eve, 1, false, content("Comet")).await;
        assert_eq!(status, 409, "Comet has no version 1: {body}");
        let (_, body) = app.event_call("GET", "/submission", Some(&ada), None).await;
        assert_eq!(body["content"]["title"], "Nebula's secret draft");
    })
    .await;
}

async fn save_anonymous(app: &TestApp) -> (u16, Value) {
    app.event_call(
        "PUT",
        "/submission",
        None,
        Some(json!({"base_version": 0, "content": {}})),
    )
    .await
}

#[tokio::test]
async fn organizers_list_and_export_every_submission_and_nobody_else_can() {
    each_app(|app| async move {
        let (_, ada) = app.api_participant("ada@example.org").await;
        let (_, eve) = app.api_participant("eve@example.org").await;
        team(&app, &ada, "Nebula", "UTC", &[]).await;
        team(&app, &eve, "Comet", "UTC", &[]).await;
        save(&app, &ada, 0, true, content("Breton tutor")).await;
        save(&app, &eve, 0, false, json!({"title": "Comet draft"})).await;
        let (_, org) = app.api_token("org@example.org").await;
        let event = app.event_id().await;
        let org_id = app.store.users_by_email("org@example.org").await.unwrap()[0].id;
        app.store
            .grant_role(event, org_id, Role::Organizer, None, app.clock.now())
            .await
            .unwrap();

        let (status, body) = app
            .event_call("GET", "/submissions", Some(&org), None)
            .await;
        assert_eq!(status, 200, "{body}");
        let rows: Vec<(String, String)> = body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["team"].as_str().unwrap().to_owned(),
                    s["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Nebula".to_owned(), "submitted".to_owned()),
                ("Comet".to_owned(), "draft".to_owned())
            ]
        );
        let (status, _) = app
            .event_call("GET", "/submissions", Some(&ada), None)
            .await;
        assert_eq!(status, 403);
        let (status, _) = app.event_call("GET", "/submissions", None, None).await;
        assert_eq!(status, 401);

        let csv = app
            .client
            .get(app.url("/events/mistral-hackathon/submissions.csv"))
            .bearer_auth(&org)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut lines = csv.split("\r\n");
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("team,status,version,title,tagline,tracks,github_url")
        );
        let nebula = lines.next().unwrap();
        assert!(
            nebula.starts_with("Nebula,submitted,1,Breton tutor,"),
            "{nebula}"
        );
        assert!(nebula.contains("https://github.com/ada/breton-tutor"));
        let res = app
            .client
            .get(app.url("/events/mistral-hackathon/submissions.csv"))
            .bearer_auth(&ada)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    })
    .await;
}
