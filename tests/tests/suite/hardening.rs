//! Hardening: what a careless script or an attacker sends is refused in
//! the API's error shape, the same on SQLite and PostgreSQL, and no rule
//! can be walked around by changing something else first.

use chrono::Duration;
use hackboard_domain::MilestoneKind;
use hackboard_tests::{API, EVENT, TestApp, each_app};
use serde_json::{Value, json};

async fn save(app: &TestApp, token: &str, base: i64) -> (u16, Value) {
    let content = json!({
        "title": "Sakura",
        "tagline": "A tutor",
        "description": "Built in Tokyo.",
        "tracks": ["fine-tuning"],
        "github_url": "https://github.com/ada/sakura",
        "hf_urls": ["https://huggingface.co/mistral-hackaton-2026/sakura"],
    });
    app.call(
        "PUT",
        &format!("{API}/submission"),
        Some(token),
        Some(json!({"base_version": base, "submit": false, "content": content})),
    )
    .await
}

async fn move_team(app: &TestApp, token: &str, zone: &str) -> (u16, Value) {
    app.call(
        "PATCH",
        &format!("{API}/team"),
        Some(token),
        Some(json!({ "time_zone": zone })),
    )
    .await
}

#[tokio::test]
async fn a_team_past_its_local_deadline_cannot_reopen_it_by_moving_to_a_later_zone() {
    each_app(|app| async move {
        // The event of the report: no team formation lock.
        app.change_event(|def| {
            def.milestones
                .retain(|m| m.kind != MilestoneKind::TeamFormationLock)
        })
        .await;
        let tokyo = |kind| app.milestone_in(kind, chrono_tz::Asia::Tokyo);
        let ada = app.demo_captain("ada@example.org", "Sakura").await;

        // Before hacking starts anywhere, the team may still move.
        app.clock
            .set(tokyo(MilestoneKind::HackingStarts).await - Duration::hours(1));
        let (status, body) = move_team(&app, &ada, "Asia/Tokyo").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["view"]["team"]["time_zone"], "Asia/Tokyo");

        // Tokyo's Sunday 16:00 has passed: saving is refused…
        app.clock.set(tokyo(MilestoneKind::HackingEnds).await);
        let (status, body) = save(&app, &ada, 0).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("refused"))
        );
        // …moving to a zone where it is still Sunday morning is refused…
        let (status, body) = move_team(&app, &ada, "Pacific/Pago_Pago").await;
        assert_eq!(status, 409, "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The team's time zone is fixed since"),
            "{message}"
        );
        // …so saving stays refused, and the zone is Tokyo's.
        let (status, _) = save(&app, &ada, 0).await;
        assert_eq!(status, 409);
        let (_, body) = app.event_api("GET", "/team", &ada, None).await;
        assert_eq!(body["team"]["time_zone"], "Asia/Tokyo");

        // Once hacking has started in the team's zone, it cannot move either.
        app.clock
            .set(tokyo(MilestoneKind::HackingStarts).await + Duration::minutes(1));
        let (status, _) = move_team(&app, &ada, "Europe/Paris").await;
        assert_eq!(status, 409);
    })
    .await;
}

#[tokio::test]
async fn text_with_a_control_character_is_refused_with_422_on_both_databases() {
    each_app(|app| async move {
        let (_, ada) = app.api_participant("ada@example.org").await;
        let (status, body) = app
            .call(
                "POST",
                &format!("{API}/team"),
                Some(&ada),
                Some(json!({"name": "Nebula", "description": "tiny\u{0}models"})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid")),
            "{body}"
        );
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("`description`"), "{message}");
        let (status, body) = app
            .call(
                "POST",
                &format!("{API}/team/join"),
                Some(&ada),
                Some(json!({"code": "abc\u{0}"})),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let (status, body) = app
            .call(
                "POST",
                &format!("{API}/team"),
                Some(&ada),
                Some(json!({"name": "Nebula", "description": "line one\r\nline two\ttabbed"})),
            )
            .await;
        assert_eq!(status, 200, "line breaks and tabs are text: {body}");

        // The same through an HTML form (a vertical tab pasted from a word processor).
        let cookie = app.participant("bob@example.org").await;
        let res = app
            .post_form(
                &format!("{EVENT}/team/create"),
                &[("name", "Vertical\u{b}Tab"), ("time_zone", "Europe/Paris")],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status(), 422);
        let text = res.text().await.unwrap();
        assert!(text.contains("control character"), "{text}");
        assert!(
            app.store
                .teams(app.event_id().await)
                .await
                .unwrap()
                .iter()
                .all(|t| !t.name.contains('\u{b}'))
        );
    })
    .await;
}

#[tokio::test]
async fn an_id_in_the_path_that_is_not_a_number_gets_a_json_404_that_echoes_nothing() {
    each_app(|app| async move {
        let (_, org) = app.api_token("org@example.org").await;
        let org_id = app.store.users_by_email("org@example.org").await.unwrap()[0].id;
        app.grant_organizer(org_id).await;
        let huge = "99999999999999999999";
        for (method, path) in [
            ("GET", format!("{API}/projects/{huge}")),
            ("PUT", format!("{API}/projects/{huge}/like")),
            ("DELETE", format!("{API}/projects/abc/like")),
            ("POST", format!("{API}/credits/codes/{huge}/revoke")),
            ("POST", format!("{API}/requests/{huge}/accept")),
            ("POST", format!("{API}/requests/1.5/decline")),
            ("POST", format!("{API}/teams/{huge}/requests")),
            ("POST", format!("{API}/teams/-{huge}/extension")),
            ("DELETE", format!("{API}/invites/{huge}")),
            (
                "POST",
                format!("{API}/submissions/{huge}/eligibility/check"),
            ),
            (
                "POST",
                format!("{API}/submissions/{huge}/eligibility/decisions"),
            ),
        ] {
            let res = app
                .client
                .request(method.parse().unwrap(), app.url(&path))
                .bearer_auth(&org)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let kind = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = res.text().await.unwrap();
            assert_eq!(status, 404, "{method} {path}: {text}");
            assert!(
                kind.starts_with("application/json"),
                "{method} {path}: {kind}"
            );
            let body: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(body["error"]["code"], "not_found", "{method} {path}");
            assert!(
                !text.contains(huge) && !text.contains("i64") && !text.contains("abc"),
                "{method} {path} echoes its input: {text}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_script_reads_its_submission_id_and_project_url_and_lists_and_revokes_its_tokens() {
    each_app(|app| async move {
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        let (_, body) = app
            .call("GET", &format!("{API}/submission"), Some(&ada), None)
            .await;
        assert_eq!(
            (body["id"].clone(), body["project_url"].clone()),
            (Value::Null, Value::Null)
        );
        let (status, saved) = save(&app, &ada, 0).await;
        assert_eq!(status, 200, "{saved}");
        let id = saved["id"].as_i64().expect("the save says the id");
        let page = format!("{}{EVENT}/projects/{id}", app.base);
        assert_eq!(saved["project_url"], page);
        let (_, body) = app
            .call("GET", &format!("{API}/submission"), Some(&ada), None)
            .await;
        assert_eq!(
            (body["id"].as_i64(), body["project_url"].as_str()),
            (Some(id), Some(page.as_str()))
        );

        // Tokens: listed without their secret, revoked by id, only one's own.
        let (_, bob) = app.api_token("bob@example.org").await;
        let (status, list) = app.call("GET", "/api/v1/me/tokens", Some(&ada), None).await;
        assert_eq!(status, 200, "{list}");
        let tokens = list.as_array().unwrap();
        assert_eq!(tokens.len(), 1);
        assert!(tokens[0]["revoked_at"].is_null());
        assert!(
            !list.to_string().contains(&ada),
            "the secret is never listed"
        );
        let token_id = tokens[0]["id"].as_i64().unwrap();
        let (status, _) = app
            .call(
                "DELETE",
                &format!("/api/v1/me/tokens/{token_id}"),
                Some(&bob),
                None,
            )
            .await;
        assert_eq!(status, 404, "bob cannot revoke ada's token");
        let (status, _) = app
            .call(
                "DELETE",
                &format!("/api/v1/me/tokens/{token_id}"),
                Some(&ada),
                None,
            )
            .await;
        assert_eq!(status, 204);
        let (status, _) = app.call("GET", "/api/v1/me", Some(&ada), None).await;
        assert_eq!(status, 401, "a revoked token signs no one in");
        let (_, list) = app.call("GET", "/api/v1/me/tokens", Some(&bob), None).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "bob sees only his own");
    })
    .await;
}

#[tokio::test]
async fn every_organizer_export_is_a_csv_download_that_no_cache_keeps() {
    each_app(|app| async move {
        let org = app.organizer("org@example.org").await;
        let offer = app.definition().await.offers[0].slug.to_string();
        for path in [
            format!("{EVENT}/registrations.csv"),
            format!("{EVENT}/teams.csv"),
            format!("{EVENT}/submissions.csv"),
            format!("{EVENT}/eligibility.csv"),
            format!("{EVENT}/credits/{offer}/assignments.csv"),
        ] {
            let res = app.get_as(&path, &org).await;
            assert_eq!(res.status(), 200, "{path}");
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned()
            };
            assert_eq!(header("content-type"), "text/csv; charset=utf-8", "{path}");
            assert!(
                header("content-disposition")
                    .starts_with("attachment; filename=\"mistral-hackathon-"),
                "{path}"
            );
            assert_eq!(header("cache-control"), "no-store", "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn invite_decline_invite_again_stops_at_five_mails_an_hour_to_one_person() {
    each_app(|app| async move {
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        let (_, bob) = app.api_participant("bob@example.org").await;
        let invitations_path = format!("{API}/team/invitations");
        let invite = || {
            app.call(
                "POST",
                &invitations_path,
                Some(&ada),
                Some(json!({"who": "bob@example.org"})),
            )
        };
        for round in 1..=5 {
            let (status, body) = invite().await;
            assert_eq!(status, 200, "invitation {round}: {body}");
            let (_, view) = app.event_api("GET", "/team", &bob, None).await;
            let id = view["mine"][0]["id"]
                .as_i64()
                .expect("bob sees the invitation");
            let (status, _) = app
                .call(
                    "POST",
                    &format!("{API}/requests/{id}/decline"),
                    Some(&bob),
                    None,
                )
                .await;
            assert_eq!(status, 200);
        }
        let (status, body) = invite().await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (429, Some("too_many_invitations")),
            "{body}"
        );
        let mails = app.store.outbox().await.unwrap();
        let invitations = mails
            .iter()
            .filter(|m| m.kind == "team_invitation" && m.recipient == "bob@example.org")
            .count();
        assert_eq!(invitations, 5, "the sixth queued no mail");

        // An hour later, the next one goes.
        app.clock.advance(Duration::hours(1));
        let (status, body) = invite().await;
        assert_eq!(status, 200, "{body}");
    })
    .await;
}
