//! Who may do what on the submission, eligibility and likes endpoints for
//! organizers, on SQLite and PostgreSQL: anonymous, a participant, a judge,
//! the event's organizer and another event's organizer.

use hackboard::store::Role;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{API, AppOptions, engines, spawn_app};
use serde_json::{Value, json};

#[tokio::test]
async fn the_authorization_table_holds_for_organizers_submission_eligibility_and_likes_endpoints() {
    for engine in engines() {
        let app = spawn_app(engine, AppOptions::default()).await;
        let now = app.clock.now();
        let event = app.demo_event().await;
        let other_event = app.other_event().await;
        let ada = app.demo_captain("ada@example.org", "Nebula").await;
        let id = app.breton_tutor(&ada).await;
        let (_, participant) = app.api_token("pat@example.org").await;
        let (_, judge) = app.api_token("judge@example.org").await;
        let (_, org) = app.api_token("org@example.org").await;
        let (_, other_org) = app.api_token("other@example.org").await;
        for (email, event_id, role) in [
            ("judge@example.org", event.id, Role::Judge),
            ("org@example.org", event.id, Role::Organizer),
            ("other@example.org", other_event, Role::Organizer),
        ] {
            let uid = app.store.users_by_email(email).await.unwrap()[0].id;
            app.store
                .grant_role(event_id, uid, role, None, now)
                .await
                .unwrap();
        }
        let who: [(&str, Option<&str>); 6] = [
            ("anonymous", None),
            ("participant", Some(&participant)),
            ("team member", Some(&ada)),
            ("judge", Some(&judge)),
            ("organizer", Some(&org)),
            ("other event's organizer", Some(&other_org)),
        ];
        let organizer_only: Vec<(&str, String, Option<Value>, u16)> = vec![
            ("GET", format!("{API}/submissions"), None, 200),
            ("GET", format!("{API}/eligibility"), None, 200),
            (
                "POST",
                format!("{API}/submissions/{id}/eligibility/check"),
                None,
                202,
            ),
            (
                "POST",
                format!("{API}/submissions/{id}/eligibility/decisions"),
                Some(json!({"key": "project", "status": "review", "reason": "Look at the demo"})),
                200,
            ),
            (
                "POST",
                format!("{API}/likes/void"),
                Some(json!({"ids": [424242], "reason": "No such like"})),
                200,
            ),
            // Allowed, but refused in words: nothing is frozen yet.
            (
                "POST",
                format!("{API}/wild-card"),
                Some(json!({"submission_id": id})),
                409,
            ),
        ];
        for (method, path, body, allowed) in &organizer_only {
            for (i, (name, token)) in who.iter().enumerate() {
                let (status, _) = app.call(method, path, *token, body.clone()).await;
                let expected = match i {
                    0 => 401,
                    4 => *allowed,
                    _ => 403,
                };
                assert_eq!(status, expected, "{name}: {method} {path}");
            }
        }
        // The team's own checklist: its members only.
        for (i, (name, token)) in who.iter().enumerate() {
            let (status, _) = app
                .event_call("GET", "/submission/eligibility", *token, None)
                .await;
            let expected = match i {
                0 => 401,
                2 => 200,
                _ => 409,
            };
            assert_eq!(status, expected, "{name}: GET submission/eligibility");
        }
        app.stop().await;
    }
}
