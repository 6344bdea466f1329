//! Teams through `/api/v1`, authenticated with personal API tokens, on
//! SQLite and PostgreSQL: forming a team, refusals with codes and words,
//! and who may read or change what (the authorization table for teams).

use hackboard::store::Role;
use hackboard_domain::timeline::Clock;
use hackboard_tests::each_app;
use serde_json::{Value, json};

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_team_forms_invites_accepts_and_chooses_a_track_through_the_api() {
    each_app(|app| async move {
        let (_, ada) = app
            .api_participant_looking_for_team("ada@example.org")
            .await;
        let (bob_id, bob) = app
            .api_participant_looking_for_team("bob@example.org")
            .await;
        let (_, cy) = app.api_participant_looking_for_team("cy@example.org").await;

        let (status, body) = app
            .event_call(
                "POST",
                "/team",
                Some(&ada),
                Some(
                    json!({"name": "Nebula", "description": "Tiny models", "time_zone": "Asia/Tokyo"}),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let team = &body["view"]["team"];
        assert_eq!(team["name"], "Nebula");
        assert_eq!(team["time_zone"], "Asia/Tokyo");
        assert_eq!(team["size"], "1/5");
        assert_eq!(team["you_are_captain"], true);
        let code = team["invite_code"].as_str().unwrap().to_owned();
        let team_id = team["id"].as_i64().unwrap();

        // Bob joins with the code.
        let (status, body) = app
            .event_call(
                "POST",
                "/team/join",
                Some(&bob),
                Some(json!({"code": code})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["message"], "Welcome to team Nebula!");
        assert_eq!(body["view"]["team"]["size"], "2/5");

        // Cy asks to join; Bob (a member, not the captain) accepts.
        let (status, body) = app
            .event_call(
                "POST",
                &format!("/teams/{team_id}/requests"),
                Some(&cy),
                Some(json!({"message": "I do evals"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.event_call("GET", "/team", Some(&bob), None).await;
        let requests = body["team"]["requests"].as_array().unwrap().clone();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0]["message"], "I do evals");
        let request_id = requests[0]["id"].as_i64().unwrap();
        let (status, body) = app
            .event_call(
                "POST",
                &format!("/requests/{request_id}/accept"),
                Some(&bob),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["view"]["team"]["size"], "3/5");

        // The captain picks the fine-tuning track.
        let (status, body) = app
            .event_call(
                "PUT",
                "/team/tracks",
                Some(&ada),
                Some(json!({"tracks": ["fine-tuning"]})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let chosen: Vec<&str> = body["view"]["tracks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["chosen"] == true)
            .map(|t| t["slug"].as_str().unwrap())
            .collect();
        assert_eq!(chosen, ["fine-tuning"]);

        // Captaincy to Bob, then a PATCH that only changes the skills.
        let (status, _) = app
            .event_call(
                "POST",
                "/team/captain",
                Some(&ada),
                Some(json!({"user_id": bob_id})),
            )
            .await;
        assert_eq!(status, 200);
        let (status, body) = app
            .event_call(
                "PATCH",
                "/team",
                Some(&bob),
                Some(json!({"looking_for_members": true, "wanted_skills": "CUDA"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let team = &body["view"]["team"];
        assert_eq!(team["you_are_captain"], true);
        assert_eq!(team["wanted_skills"], "CUDA");
        assert_eq!(team["description"], "Tiny models", "kept");
        assert_eq!(team["time_zone"], "Asia/Tokyo", "kept");

        // The finder lists the team for a registered person.
        let (_, dee) = app
            .api_participant_looking_for_team("dee@example.org")
            .await;
        let (status, body) = app
            .event_call("GET", "/finder?skill=cuda", Some(&dee), None)
            .await;
        assert_eq!(status, 200, "{body}");
        let names: Vec<&str> = body["teams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Nebula"]);

        // The OpenAPI document describes the team endpoints.
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for (path, method) in [
            ("/api/v1/events/{slug}/team", "post"),
            ("/api/v1/events/{slug}/team/join", "post"),
            ("/api/v1/events/{slug}/team/tracks", "put"),
            ("/api/v1/events/{slug}/requests/{id}/accept", "post"),
            ("/api/v1/events/{slug}/teams/moves", "post"),
        ] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
        assert!(doc["components"]["schemas"]["MyTeamView"].is_object());
    })
    .await;
}

#[tokio::test]
async fn api_refusals_carry_a_status_a_code_and_words_and_change_nothing() {
    each_app(|app| async move {
        let (_, ada) = app
            .api_participant_looking_for_team("ada@example.org")
            .await;
        let (_, bob) = app
            .api_participant_looking_for_team("bob@example.org")
            .await;
        let (_, outsider) = app.api_token("not-registered@example.org").await;
        let create = |token: String, name: &'static str| {
            let app = &app;
            async move {
                app.event_call("POST", "/team", Some(&token), Some(json!({ "name": name })))
                    .await
            }
        };
        let (status, _) = create(ada.clone(), "Nebula").await;
        assert_eq!(status, 200);

        let (status, body) = create(bob.clone(), "  nebula ").await;
        assert_eq!((status, error_code(&body)), (409, "name_taken"), "{body}");
        let (status, body) = create(bob.clone(), "   ").await;
        assert_eq!((status, error_code(&body)), (422, "invalid"), "{body}");
        let (status, body) = create(ada.clone(), "Second").await;
        assert_eq!((status, error_code(&body)), (409, "already_in_team"));
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already in team Nebula"),
            "{body}"
        );
        let (status, body) = create(outsider.clone(), "Lonely").await;
        assert_eq!((status, error_code(&body)), (409, "not_registered"));

        let (status, body) = app
            .event_call(
                "POST",
                "/team/join",
                Some(&bob),
                Some(json!({"code": "nope"})),
            )
            .await;
        assert_eq!((status, error_code(&body)), (404, "unknown_code"));
        let (status, body) = app
            .event_call(
                "PUT",
                "/team/tracks",
                Some(&ada),
                Some(json!({"tracks": ["knitting"]})),
            )
            .await;
        assert_eq!((status, error_code(&body)), (422, "invalid"), "{body}");
        let (status, body) = app
            .event_call("POST", "/team/join", Some(&bob), Some(json!({"kode": "x"})))
            .await;
        assert_eq!((status, error_code(&body)), (422, "invalid"), "{body}");
        let (status, body) = app.event_call("POST", "/team/leave", None, None).await;
        assert_eq!((status, error_code(&body)), (401, "unauthorized"));
        let (status, _) = app
            .call("GET", "/api/v1/events/nope/team", Some(&ada), None)
            .await;
        assert_eq!(status, 404);

        // Nothing changed: one team, one member, no track.
        let event = app.event_id().await;
        let teams = app.store.teams(event).await.unwrap();
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].member_count, 1);
        assert!(app.store.event_team_tracks(event).await.unwrap().is_empty());
    })
    .await;
}

/// Who may read or change what, for the team endpoints: anonymous, a
/// member of another team, a registered person in no team, a judge, an
/// organizer and another event's organizer.
#[tokio::test]
async fn the_authorization_table_holds_for_team_endpoints() {
    each_app(|app| async move {
        let now = app.clock.now();
        let event = app.demo_event().await;
        let other_event = app.other_event().await;

        let (_, ada) = app
            .api_participant_looking_for_team("ada@example.org")
            .await;
        let (bob_id, bob) = app
            .api_participant_looking_for_team("bob@example.org")
            .await;
        let (_, body) = app
            .event_call("POST", "/team", Some(&ada), Some(json!({"name": "Nebula"})))
            .await;
        let code = body["view"]["team"]["invite_code"]
            .as_str()
            .unwrap()
            .to_owned();
        app.event_call(
            "POST",
            "/team/join",
            Some(&bob),
            Some(json!({ "code": code })),
        )
        .await;
        let (_, eve) = app
            .api_participant_looking_for_team("eve@example.org")
            .await;
        app.event_call("POST", "/team", Some(&eve), Some(json!({"name": "Comet"})))
            .await;
        let (_, solo) = app
            .api_participant_looking_for_team("solo@example.org")
            .await;
        // Solo asks to join Nebula: a request only Nebula's members answer.
        let nebula_id = app
            .store
            .team_by_code(event.id, &code)
            .await
            .unwrap()
            .unwrap()
            .id;
        let (status, _) = app
            .event_call(
                "POST",
                &format!("/teams/{nebula_id}/requests"),
                Some(&solo),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 200);
        let request_id = app.store.requests_of_team(nebula_id).await.unwrap()[0].id;
        let (judge_id, judge) = app.api_token("judge@example.org").await;
        app.store
            .grant_role(event.id, judge_id, Role::Judge, None, now)
            .await
            .unwrap();
        let (org_id, org) = app.api_token("org@example.org").await;
        app.store
            .grant_role(event.id, org_id, Role::Organizer, None, now)
            .await
            .unwrap();
        let (other_org_id, other_org) = app.api_token("other@example.org").await;
        app.store
            .grant_role(other_event, other_org_id, Role::Organizer, None, now)
            .await
            .unwrap();

        let who: Vec<(&str, Option<&str>)> = vec![
            ("anonymous", None),
            ("member of another team", Some(&eve)),
            ("registered, in no team", Some(&solo)),
            ("judge", Some(&judge)),
            ("organizer", Some(&org)),
            ("other event's organizer", Some(&other_org)),
        ];
        for (i, (name, token)) in who.iter().enumerate() {
            // The organizers' list.
            let (status, body) = app.event_call("GET", "/teams", *token, None).await;
            let expected = match i {
                0 => 401,
                4 => 200,
                _ => 403,
            };
            assert_eq!(status, expected, "{name}: GET teams");
            if i == 4 {
                assert_eq!(body["rows"].as_array().unwrap().len(), 2);
            }
            // Their own team view never shows Nebula's code or members.
            let (status, body) = app.event_call("GET", "/team", *token, None).await;
            assert_eq!(status, if i == 0 { 401 } else { 200 }, "{name}: GET team");
            let text = body.to_string();
            assert!(!text.contains(&code), "{name}: sees Nebula's code");
            assert!(!text.contains("bob@"), "{name}: sees Nebula's members");
            // Removing Bob, handing captaincy to him, answering Solo's request.
            let (status, body) = app
                .event_call(
                    "POST",
                    "/team/remove",
                    *token,
                    Some(json!({ "user_id": bob_id })),
                )
                .await;
            let expected = if i == 0 {
                401
            } else if i == 1 {
                403
            } else {
                409
            };
            assert_eq!(status, expected, "{name}: remove Bob: {body}");
            let (status, _) = app
                .event_call(
                    "POST",
                    "/team/captain",
                    *token,
                    Some(json!({ "user_id": bob_id })),
                )
                .await;
            assert_eq!(status, expected, "{name}: make Bob captain");
            let (status, body) = app
                .event_call(
                    "POST",
                    &format!("/requests/{request_id}/accept"),
                    *token,
                    None,
                )
                .await;
            assert_eq!(
                status,
                if i == 0 { 401 } else { 403 },
                "{name}: accept Solo's request to Nebula: {body}"
            );
            // Moving people is for this event's organizers (tested last so
            // the others' attempts run against the same teams).
            if i != 4 {
                let (status, _) = app
                    .event_call(
                        "POST",
                        "/teams/moves",
                        *token,
                        Some(json!({"user_id": bob_id, "reason": "because"})),
                    )
                    .await;
                assert_eq!(status, if i == 0 { 401 } else { 403 }, "{name}: move");
            }
        }
        let nebula = app.store.team(event.id, nebula_id).await.unwrap().unwrap();
        assert_eq!(nebula.member_count, 2, "nobody could change Nebula");
        // The organizer can move Bob out, with a reason.
        let (status, body) = app
            .event_call(
                "POST",
                "/teams/moves",
                Some(&org),
                Some(json!({"user_id": bob_id, "reason": "asked by email"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = app.event_call("GET", "/teams", Some(&org), None).await;
        let audit = body["audit"].to_string();
        assert!(audit.contains("asked by email"), "{audit}");
    })
    .await;
}
