//! Registration and roles through `/api/v1`, authenticated with personal
//! API tokens, on SQLite and PostgreSQL.

use hackboard::store::Role;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{API, TestApp, each_app};
use serde_json::{Value, json};

fn answers() -> Value {
    json!({
        "accept_rules": true,
        "answers": {"experience": "Shipped something", "stack": ["ignored"], "code_of_conduct": true},
        "looking_for_team": true
    })
}

/// POSTs `body` to the demo event's API (`path` below it).
async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    app.event_api("POST", path, token, Some(body)).await
}

#[tokio::test]
async fn a_participant_registers_and_withdraws_through_the_api() {
    each_app(|app| async move {
        let (_, token) = app.api_token("api@example.org").await;
        let (status, body) = post(&app, "/registration", &token, answers()).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("registered")),
            "{body}"
        );
        let (status, body) = post(&app, "/registration", &token, answers()).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("already_registered"))
        );
        assert!(
            app.store
                .outbox()
                .await
                .unwrap()
                .iter()
                .any(|m| m.kind == "registered")
        );

        assert_eq!(delete(&app, "/registration", &token, None).await.0, 200);
        let (status, body) = delete(&app, "/registration", &token, None).await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "not_found");
    })
    .await;
}

#[tokio::test]
async fn the_api_refuses_bad_registrations_with_clear_errors_and_changes_nothing() {
    each_app(|app| async move {
        let (id, token) = app.api_token("bad@example.org").await;
        let (status, body) = post(
            &app,
            "/registration",
            &token,
            json!({"accept_rules": false}),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid"))
        );
        assert!(body["error"]["message"].as_str().unwrap().contains("rules"));
        let (status, body) = post(
            &app,
            "/registration",
            &token,
            json!({"accept_rules": true, "answers": {"experience": "Wrote a compiler"}}),
        )
        .await;
        assert_eq!(status, 422);
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("Wrote a compiler") && message.contains("code of conduct"),
            "{message}"
        );
        let (status, _) = app
            .api(
                "POST",
                "/api/v1/events/nope/registration",
                &token,
                Some(answers()),
            )
            .await;
        assert_eq!(status, 404);
        let anon = app
            .client
            .post(app.url(&format!("{API}/registration")))
            .json(&answers())
            .send()
            .await
            .unwrap();
        assert_eq!(
            anon.status(),
            403,
            "no token, no Origin: refused before anything"
        );
        app.clock
            .set(app.milestone(MilestoneKind::RegistrationCloses).await);
        let (status, body) = post(&app, "/registration", &token, answers()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("registration_closed"))
        );
        let event = app.event_id().await;
        assert_eq!(
            app.store.registration_status(event, id).await.unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn organizers_grant_roles_and_read_registrations_through_the_api_and_nobody_else_can() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let (org_id, org) = app.api_token("org@example.org").await;
        app.store
            .grant_role(event, org_id, Role::Organizer, None, app.clock.now())
            .await
            .unwrap();
        let (p_id, participant) = app.api_token("p@example.org").await;
        post(&app, "/registration", &participant, answers()).await;
        let (judge_id, judge) = app.api_token("judge@example.org").await;

        let list = |token: Option<String>| {
            let app = &app;
            async move {
                let mut req = app
                    .client
                    .get(app.url(&format!("{API}/registrations?status=registered")));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                req.send().await.unwrap()
            }
        };
        assert_eq!(list(None).await.status(), 401);
        assert_eq!(list(Some(participant.clone())).await.status(), 403);
        let rows: Value = list(Some(org.clone())).await.json().await.unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 1);
        assert_eq!(rows[0]["user_id"], p_id);
        assert_eq!(
            rows[0]["answers"]["experience"],
            json!(["Shipped something"])
        );

        // A participant cannot grant roles.
        let (status, _) = post(
            &app,
            "/roles",
            &participant,
            json!({"email": "p@example.org", "role": "organizer"}),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = post(
            &app,
            "/roles",
            &org,
            json!({"email": "judge@example.org", "role": "judge"}),
        )
        .await;
        assert_eq!(status, 204);
        assert_eq!(
            app.store.roles_of(event, judge_id).await.unwrap(),
            vec![Role::Judge]
        );
        assert_eq!(
            list(Some(judge.clone())).await.status(),
            403,
            "judges do not manage registrations"
        );
        let (status, _) = post(
            &app,
            "/roles",
            &org,
            json!({"user_id": judge_id, "role": "organizer"}),
        )
        .await;
        assert_eq!(status, 204);
        assert_eq!(list(Some(judge.clone())).await.status(), 200);
        let (status, body) = post(
            &app,
            "/roles",
            &org,
            json!({"email": "p@example.org", "role": "king"}),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid"))
        );
        let (status, _) = post(
            &app,
            "/roles",
            &org,
            json!({"email": "nobody@example.org", "role": "judge"}),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(
            delete(
                &app,
                "/roles",
                &org,
                Some(json!({"user_id": judge_id, "role": "organizer"}))
            )
            .await
            .0,
            204
        );
        assert_eq!(list(Some(judge)).await.status(), 403);

        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for path in [
            "/api/v1/events/{slug}/registration",
            "/api/v1/events/{slug}/registrations",
            "/api/v1/events/{slug}/roles",
            "/api/v1/events/{slug}/invites",
            "/api/v1/events/{slug}/invites/{id}",
            "/api/v1/events/{slug}/hf-org",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
    })
    .await;
}

async fn make_organizer(app: &TestApp, email: &str) -> (i64, String) {
    let (id, token) = app.api_token(email).await;
    app.grant_organizer(id).await;
    (id, token)
}

async fn delete(app: &TestApp, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    app.event_api("DELETE", path, token, body).await
}

#[tokio::test]
async fn an_invite_link_made_through_the_api_admits_exactly_its_uses_and_can_be_ended() {
    each_app(|app| async move {
        // Make the demo invite-only.
        app.change_event(|def| def.registration.invite_only = true)
            .await;
        let (_, org) = make_organizer(&app, "org@example.org").await;

        let (status, body) = post(&app, "/invites", &org, json!({"max_uses": 0})).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid")),
            "{body}"
        );
        let (status, body) = post(
            &app,
            "/invites",
            &org,
            json!({"max_uses": 2, "valid_days": 3}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let url = body["url"].as_str().unwrap().to_owned();
        assert!(
            url.starts_with(&format!(
                "{}/events/mistral-hackathon/register?invite=",
                app.base
            )),
            "{url}"
        );
        let token = url.rsplit_once('=').unwrap().1.to_owned();
        let id = body["id"].as_i64().unwrap();

        let register = |who: String| {
            let app = &app;
            let token = token.clone();
            async move {
                let (_, t) = app.api_token(&who).await;
                let mut body = answers();
                body["invite"] = json!(token);
                post(app, "/registration", &t, body).await
            }
        };
        assert_eq!(register("a@example.org".into()).await.0, 200);
        assert_eq!(register("b@example.org".into()).await.0, 200);
        let (status, body) = register("c@example.org".into()).await;
        assert_eq!(status, 403, "the third use is refused: {body}");

        let list: Value = app.event_api("GET", "/invites", &org, None).await.1;
        assert_eq!(list[0]["id"], id);
        assert_eq!(
            (list[0]["uses"].as_i64(), list[0]["active"].as_bool()),
            (Some(2), Some(false))
        );
        assert!(
            list[0].get("url").is_none(),
            "the link is never shown again"
        );

        let (_, body) = post(&app, "/invites", &org, json!({"max_uses": 10})).await;
        let second = body["id"].as_i64().unwrap();
        assert_eq!(
            delete(&app, &format!("/invites/{second}"), &org, None)
                .await
                .0,
            204
        );
        assert_eq!(
            delete(&app, &format!("/invites/{second}"), &org, None)
                .await
                .0,
            404
        );
        assert_eq!(delete(&app, "/invites/nonsense", &org, None).await.0, 404);
        let (_, participant) = app.api_token("p@example.org").await;
        assert_eq!(
            delete(&app, &format!("/invites/{id}"), &participant, None)
                .await
                .0,
            403
        );
    })
    .await;
}

#[tokio::test]
async fn the_last_organizer_cannot_be_removed_even_when_two_remove_each_other_at_once() {
    each_app(|app| async move {
        let (a_id, a) = make_organizer(&app, "a@example.org").await;
        let (b_id, b) = make_organizer(&app, "b@example.org").await;
        let roles: Value = app.event_api("GET", "/roles", &a, None).await.1;
        assert_eq!(roles.as_array().unwrap().len(), 2);

        let roles_path = "/roles";
        let (ra, rb) = tokio::join!(
            delete(
                &app,
                roles_path,
                &a,
                Some(json!({"user_id": b_id, "role": "organizer"}))
            ),
            delete(
                &app,
                roles_path,
                &b,
                Some(json!({"user_id": a_id, "role": "organizer"}))
            ),
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        // One wins; the other is either refused as the last organizer or,
        // having lost the role first, no longer an organizer at all.
        assert_eq!(statuses[0], 204, "{ra:?} {rb:?}");
        assert!(statuses[1] == 409 || statuses[1] == 403, "{ra:?} {rb:?}");
        let organizers = app
            .store
            .event_staff(app.event_id().await)
            .await
            .unwrap()
            .into_iter()
            .filter(|(_, _, r)| *r == Role::Organizer)
            .count();
        assert_eq!(organizers, 1);

        let last = if ra.0 == 204 { a.clone() } else { b.clone() };
        let last_id = if ra.0 == 204 { a_id } else { b_id };
        let (status, body) = delete(
            &app,
            "/roles",
            &last,
            Some(json!({"user_id": last_id, "role": "organizer"})),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("last_organizer")),
            "{body}"
        );
    })
    .await;
}

#[tokio::test]
async fn malformed_json_gets_an_error_in_the_api_shape() {
    each_app(|app| async move {
        let (_, org) = make_organizer(&app, "org@example.org").await;
        let send = |body: &'static str, content_type: &'static str| {
            let app = &app;
            let org = org.clone();
            async move {
                let res = app
                    .client
                    .post(app.url(&format!("{API}/roles")))
                    .bearer_auth(org)
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.expect("a JSON error body");
                (status, body)
            }
        };
        let (status, body) = send("{not json", "application/json").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("bad_request"))
        );
        let (status, body) = send(r#"{"email": 5}"#, "application/json").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid"))
        );
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("expected") || message.contains("missing"),
            "{message}"
        );
        assert!(!message.contains("hackboard::"), "no internals: {message}");
        let (status, body) = send(r#"{"role": "judge"}"#, "text/plain").await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (415, Some("bad_request"))
        );
        let res = app
            .client
            .get(app.url(&format!("{API}/registrations?status=registered&hf=maybe")))
            .bearer_auth(&org)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            body["error"]["message"],
            "`hf` is yes or no, not \"maybe\"."
        );
    })
    .await;
}
