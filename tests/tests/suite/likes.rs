//! The gallery and likes over HTTP, on SQLite and PostgreSQL: liking
//! counts once and refuses (in words, count unchanged) one's own project,
//! drafts, unknown projects, before the gallery opens and after the
//! cutoff; registered-only likers, also when another instance changed
//! the event a moment ago; the per-account rate limit; the gallery's
//! filters, search, orders and pages; the counts frozen by the server's job
//! at the cutoff with a hash that reproduces; voiding after review
//! (audited) and the wild card proposed and confirmed once.

use chrono::{DateTime, Duration, Utc};
use hackboard::store::{Role, sha256_hex};
use hackboard_domain::gallery::{last_reached, likes_cutoff};
use hackboard_domain::timeline::Clock;
use hackboard_domain::{Likers, MilestoneKind};
use hackboard_tests::{API, AppOptions, EVENT, TestApp, each_app_with, location};
use serde_json::{Value, json};

/// The server with its job on (it freezes likes at the cutoff).
fn with_the_job() -> AppOptions {
    AppOptions {
        // Nothing answers there, so eligibility checks stay pending.
        checks_api: Some("http://127.0.0.1:9".into()),
        ..Default::default()
    }
}

/// Two submitted projects (Nebula by ada, Robots by bo), a draft (carl),
/// then the clock at the gallery's opening.
async fn projects(app: &TestApp) -> (String, String, i64, i64, i64) {
    let ada = app.demo_captain("ada@example.org", "Nebula").await;
    let bo = app.demo_captain("bo@example.org", "Robots").await;
    let carl = app.demo_captain("carl@example.org", "Drafters").await;
    let nebula = app.breton_tutor(&ada).await;
    let robots = app
        .demo_project(&bo, "Robot arm", "anything-goes", "bo/arm", &[], true)
        .await;
    let draft = app
        .demo_project(&carl, "Unfinished", "anything-goes", "carl/x", &[], false)
        .await;
    app.clock.set(app.reached(MilestoneKind::HackingEnds).await);
    (ada, bo, nebula, robots, draft)
}

async fn like(app: &TestApp, token: &str, id: i64, yes: bool) -> (u16, Value) {
    app.api(
        if yes { "PUT" } else { "DELETE" },
        &format!("{API}/projects/{id}/like"),
        token,
        None,
    )
    .await
}

#[tokio::test]
async fn a_like_counts_once_and_every_refusal_says_why_and_changes_nothing() {
    each_app_with(with_the_job, |app| async move {
        let d = app.definition().await;
        let ada_early = app.demo_captain("early@example.org", "Early").await;
        let (ada, _bo, nebula, robots, draft) = projects(&app).await;
        let (_, fan) = app.api_token("fan@example.org").await;

        // Before the gallery opens (a minute earlier), no likes.
        let open = last_reached(&d, MilestoneKind::HackingEnds).unwrap();
        app.clock.set(open - Duration::minutes(1));
        let (status, body) = like(&app, &fan, nebula, true).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["message"], "Likes open with the gallery.");
        app.clock.set(open);

        counts(like(&app, &fan, nebula, true).await, 1);
        let (status, body) = like(&app, &fan, nebula, true).await;
        assert_eq!(
            (status, body["likes"].as_i64()),
            (200, Some(1)),
            "liking twice counts once: {body}"
        );
        let (status, body) = app
            .event_api("GET", &format!("/projects/{nebula}"), &fan, None)
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["like"]["likes"], 1, "{body}");
        assert_eq!(body["like"]["liked"], true, "{body}");
        let (status, _) = app
            .event_api("GET", &format!("/projects/{draft}"), &fan, None)
            .await;
        assert_eq!(status, 404, "drafts are never public");

        let (status, body) = like(&app, &ada, nebula, true).await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("your own team's project")
        );
        for id in [draft, 999_999] {
            let (status, body) = like(&app, &fan, id, true).await;
            assert_eq!(status, 404, "{body}");
        }
        let (_, body) = like(&app, &ada, robots, true).await;
        assert_eq!(body["likes"], 1);
        let (_, body) = like(&app, &ada_early, robots, true).await;
        assert_eq!(body["likes"], 2);
        counts(like(&app, &ada_early, robots, false).await, 1);

        // After the cutoff: refused in the statement, counts unchanged.
        let cutoff = likes_cutoff(&d).unwrap();
        app.clock.set(cutoff);
        let (status, body) = like(&app, &ada_early, nebula, true).await;
        assert_eq!(status, 409, "{body}");
        let (status, _) = like(&app, &fan, nebula, false).await;
        assert_eq!(status, 409);
        assert_eq!(app.store.like_count(nebula).await.unwrap(), 1);
        assert_eq!(app.store.like_count(robots).await.unwrap(), 1);

        // The page without JavaScript: a form that posts and comes back.
        app.clock.set(open);
        let cookie = app.sign_in("walker@example.org").await;
        let res = app
            .post_form(
                &format!("{EVENT}/projects/{robots}/like"),
                &[("like", "true")],
                Some(&cookie),
            )
            .await;
        assert_eq!(location(&res), format!("{EVENT}/projects/{robots}"));
        assert_eq!(app.store.like_count(robots).await.unwrap(), 2);
        let page = app.page_as(&location(&res), &cookie).await;
        assert!(page.contains("aria-pressed=\"true\""), "{page}");
    })
    .await;
}

/// Saves the event with likes limited to registered participants,
/// straight into the database (as an organizer on any instance would).
async fn only_registered_may_like(app: &TestApp) {
    app.change_event(|d| d.gallery.likers = Likers::Registered)
        .await;
}

/// A like taken: the project now counts `likes`.
fn counts((status, body): (u16, Value), likes: i64) {
    assert_eq!(
        (status, body["likes"].as_i64()),
        (200, Some(likes)),
        "{body}"
    );
}

/// A like refused because the account is not registered for the event.
fn refused_as_unregistered((status, body): (u16, Value)) {
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["error"]["message"],
        "Only the event's registered participants can like projects."
    );
}

#[tokio::test]
async fn when_the_event_says_so_only_registered_participants_can_like() {
    each_app_with(with_the_job, |app| async move {
        only_registered_may_like(&app).await;
        let (_ada, bo, nebula, _, _) = projects(&app).await;
        let (_, stranger) = app.api_token("stranger@example.org").await;
        refused_as_unregistered(like(&app, &stranger, nebula, true).await);
        counts(like(&app, &bo, nebula, true).await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_like_obeys_the_event_as_just_saved_by_another_instance() {
    each_app_with(with_the_job, |app| async move {
        let (_ada, bo, nebula, _, _) = projects(&app).await;
        let (_, first) = app.api_token("first@example.org").await;
        counts(like(&app, &first, nebula, true).await, 1);
        // Saved straight into the database, as another instance would:
        // this server's copy of the event is now out of date.
        only_registered_may_like(&app).await;
        let (_, second) = app.api_token("second@example.org").await;
        refused_as_unregistered(like(&app, &second, nebula, true).await);
        counts(like(&app, &bo, nebula, true).await, 2);
    })
    .await;
}

#[tokio::test]
async fn a_like_refused_because_the_gallery_was_closed_counts_once_another_instance_opened_it() {
    each_app_with(with_the_job, |app| async move {
        let (_ada, _bo, nebula, _, _) = projects(&app).await;
        let mut d = app.definition().await;
        d.gallery.opens = MilestoneKind::Judging;
        app.store.upsert_event(&d, app.clock.now()).await.unwrap();
        // This server reads the event (closed gallery) into its copy.
        app.get(&format!("{EVENT}/gallery")).await;
        let (_, fan) = app.api_token("fan@example.org").await;
        let (status, body) = like(&app, &fan, nebula, true).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["message"], "Likes open with the gallery.");
        // Another instance opens the gallery.
        d.gallery.opens = MilestoneKind::RegistrationOpens;
        app.store.upsert_event(&d, app.clock.now()).await.unwrap();
        counts(like(&app, &fan, nebula, true).await, 1);
    })
    .await;
}

#[tokio::test]
async fn an_account_sending_too_many_likes_in_a_minute_is_slowed_down() {
    each_app_with(with_the_job, |app| async move {
        let (_, _, nebula, _, _) = projects(&app).await;
        let (_, fan) = app.api_token("fan@example.org").await;
        let mut statuses = vec![];
        for i in 0..61 {
            statuses.push(like(&app, &fan, nebula, i % 2 == 0).await.0);
        }
        assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
        assert_eq!(statuses[60], 429);
        app.clock.advance(Duration::minutes(1));
        assert_eq!(like(&app, &fan, nebula, true).await.0, 200);
    })
    .await;
}

#[tokio::test]
async fn the_gallery_filters_searches_orders_and_pages() {
    each_app_with(with_the_job, |app| async move {
        let d = app.definition().await;
        let start = last_reached(&d, MilestoneKind::HackingStarts).unwrap();
        let mut tokens = vec![];
        for i in 0..27 {
            tokens.push(
                app.demo_captain(&format!("p{i}@example.org"), &format!("Team {i:02}"))
                    .await,
            );
        }
        app.clock.set(start + Duration::hours(2));
        let mut ids = vec![];
        for (i, t) in tokens.iter().enumerate() {
            let track = if i % 3 == 0 {
                "fine-tuning"
            } else {
                "anything-goes"
            };
            let title = if i == 7 {
                "Whale song translator".to_owned()
            } else {
                format!("Project {i:02}")
            };
            ids.push(
                app.demo_project(t, &title, track, &format!("p{i}/x"), &[], true)
                    .await,
            );
        }
        // Closed before the gallery opens.
        let page = app.page(&format!("{EVENT}/gallery")).await;
        assert!(page.contains("The gallery opens on"), "{page}");
        app.clock
            .set(last_reached(&d, MilestoneKind::HackingEnds).unwrap());
        // Project 05 gets 2 likes, project 11 one.
        for (who, id) in [(1, ids[5]), (2, ids[5]), (3, ids[11])] {
            assert_eq!(like(&app, &tokens[who], id, true).await.0, 200);
        }

        let (_, fan) = app.api_token("fan@example.org").await;
        let get = |q: &'static str| {
            let app = &app;
            let fan = fan.clone();
            async move {
                let (status, body) = app
                    .event_api("GET", &format!("/gallery?{q}"), &fan, None)
                    .await;
                assert_eq!(status, 200, "{body}");
                body
            }
        };
        let all = get("sort=likes").await;
        assert_eq!(
            (all["total"].as_u64(), all["pages"].as_u64()),
            (Some(27), Some(2))
        );
        assert_eq!(all["cards"].as_array().unwrap().len(), 24);
        assert_eq!(all["cards"][0]["id"].as_i64(), Some(ids[5]));
        assert_eq!(all["cards"][0]["like"]["likes"], 2);
        assert_eq!(all["cards"][1]["id"].as_i64(), Some(ids[11]));
        let second = get("sort=likes&page=2").await;
        assert_eq!(second["cards"].as_array().unwrap().len(), 3);
        let tuned = get("track=fine-tuning").await;
        assert_eq!(tuned["total"], 9);
        let found = get("q=whale").await;
        assert_eq!(found["total"], 1);
        assert_eq!(found["cards"][0]["title"], "Whale song translator");

        let order = |v: &Value| -> Vec<i64> {
            v["cards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_i64().unwrap())
                .collect()
        };
        let mine = order(&get("sort=random").await);
        assert_eq!(
            mine,
            order(&get("sort=random").await),
            "stable for one visitor"
        );
        let (_, other) = app
            .event_api("GET", "/gallery?sort=random", &tokens[0], None)
            .await;
        assert_ne!(mine, order(&other), "another visitor sees another order");

        // The page itself: cards with like buttons, filters kept.
        let page = app
            .page(&format!("{EVENT}/gallery?track=fine-tuning&sort=likes"))
            .await;
        assert!(page.contains("9 projects · page 1 of 1"), "{page}");
        assert!(page.contains("Sign in to like projects."));

        // Anonymous visitors (told apart by browser): each keeps one
        // order, also when it comes from the page cache; not all share it.
        let visitor = |agent: String| {
            let app = &app;
            async move {
                let page = app
                    .get_with(&format!("{EVENT}/gallery"), "user-agent", &agent)
                    .await
                    .text()
                    .await
                    .unwrap();
                page.split("id=\"card-")
                    .skip(1)
                    .filter_map(|rest| rest.split('"').next()?.parse::<i64>().ok())
                    .collect::<Vec<i64>>()
            }
        };
        let first = visitor("visitor-0".into()).await;
        assert_eq!(first.len(), 24, "a full first page");
        assert_eq!(
            first,
            visitor("visitor-0".into()).await,
            "cached, same order"
        );
        app.clock.advance(Duration::seconds(1));
        assert_eq!(
            first,
            visitor("visitor-0".into()).await,
            "rendered again, same order"
        );
        let mut others = vec![];
        for i in 1..20 {
            others.push(visitor(format!("visitor-{i}")).await);
        }
        assert!(
            others.iter().any(|o| *o != first),
            "other visitors, other orders"
        );
    })
    .await;
}

#[tokio::test]
async fn the_job_freezes_the_counts_at_the_cutoff_and_organizers_void_and_confirm_the_wild_card() {
    each_app_with(with_the_job, |app| async move {
        let d = app.definition().await;
        let (ada, bo, nebula, robots, _) = projects(&app).await;
        let mut fans = vec![];
        for i in 0..6 {
            fans.push(app.api_token(&format!("fan{i}@example.org")).await.1);
        }
        for f in &fans[..4] {
            assert_eq!(like(&app, f, nebula, true).await.0, 200);
        }
        for f in &fans[4..] {
            assert_eq!(like(&app, f, robots, true).await.0, 200);
        }
        assert_eq!(like(&app, &ada, robots, true).await.0, 200);
        assert_eq!(like(&app, &bo, nebula, true).await.0, 200);
        // Nebula 5, Robots 3.

        let (_, org) = app.api_token("org@example.org").await;
        let org_id = app.store.users_by_email("org@example.org").await.unwrap()[0].id;
        app.store
            .grant_role(
                app.event_id().await,
                org_id,
                Role::Organizer,
                None,
                app.clock.now(),
            )
            .await
            .unwrap();
        let org_cookie = app.sign_in("org@example.org").await;

        let (status, body) = app
            .event_api(
                "POST",
                "/wild-card",
                &org,
                Some(json!({"submission_id": nebula})),
            )
            .await;
        assert_eq!(status, 409, "not before the cutoff: {body}");

        let cutoff: DateTime<Utc> = likes_cutoff(&d).unwrap();
        app.clock.set(cutoff);
        let mut snapshot = None;
        for _ in 0..100 {
            snapshot = app.store.like_snapshot(app.event_id().await).await.unwrap();
            if snapshot.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let snapshot = snapshot.expect("the job froze the counts");
        assert_eq!(
            sha256_hex(&snapshot.counts),
            snapshot.sha256,
            "the hash reproduces"
        );

        let (status, results) = app.event_api("GET", "/results", &fans[0], None).await;
        assert_eq!(status, 200, "{results}");
        assert_eq!(results["sha256"], snapshot.sha256.as_str());
        assert_eq!(results["proposed"][0].as_i64(), Some(nebula));
        let page = app.page(&format!("{EVENT}/results")).await;
        assert!(page.contains(&snapshot.sha256), "the hash is published");

        // Review: five likes of Nebula from one network in minutes.
        let review = app
            .page_as(&format!("{EVENT}/likes/review"), &org_cookie)
            .await;
        assert!(
            review.contains("likes of “Breton tutor” from one network"),
            "{review}"
        );
        let log = app.store.like_log(app.event_id().await).await.unwrap();
        let to_void: Vec<String> = log
            .iter()
            .filter(|l| l.submission_id == nebula)
            .take(3)
            .map(|l| l.id.to_string())
            .collect();
        // Without a reason: refused in words.
        assert!(
            app.leads_to(
                &format!("{EVENT}/likes/void"),
                &[("ids", &to_void.join(",")), ("reason", "")],
                Some(&org_cookie),
            )
            .await
            .contains("err=")
        );
        let res = app
            .post_form(
                &format!("{EVENT}/likes/void"),
                &[
                    ("ids", &to_void.join(",")),
                    ("reason", "Sock-puppet accounts from one dorm"),
                ],
                Some(&org_cookie),
            )
            .await;
        assert!(location(&res).contains("ok="), "{}", location(&res));
        let audit = app.store.audit_log(app.event_id().await).await.unwrap();
        assert!(audit.iter().any(
            |a| a.action == "likes_voided" && a.reason == "Sock-puppet accounts from one dorm"
        ));
        let log = app.store.like_log(app.event_id().await).await.unwrap();
        assert_eq!(
            log.iter().filter(|l| l.voided_at.is_some()).count(),
            3,
            "voided, not deleted"
        );

        // The snapshot stays as published; the adjusted counts decide.
        let (_, results) = app.event_api("GET", "/results", &fans[0], None).await;
        assert_eq!(results["sha256"], snapshot.sha256.as_str());
        assert_eq!(results["proposed"][0].as_i64(), Some(robots), "{results}");
        let (status, body) = app
            .event_api(
                "POST",
                "/wild-card",
                &org,
                Some(json!({"submission_id": nebula})),
            )
            .await;
        assert_eq!(status, 409, "only the proposed project: {body}");
        let (status, body) = app
            .event_api(
                "POST",
                "/wild-card",
                &fans[0],
                Some(json!({"submission_id": robots})),
            )
            .await;
        assert_eq!(status, 403, "{body}");
        let res = app
            .post_form(
                &format!("{EVENT}/results/wild-card"),
                &[("submission_id", &robots.to_string())],
                Some(&org_cookie),
            )
            .await;
        assert!(location(&res).contains("ok="), "{}", location(&res));
        let (status, _) = app
            .event_api(
                "POST",
                "/wild-card",
                &org,
                Some(json!({"submission_id": robots})),
            )
            .await;
        assert_eq!(status, 409, "confirmed once");
        // (Anonymous pages may be a second old: the clock moves on.)
        app.clock.advance(Duration::seconds(1));
        let page = app.page(&format!("{EVENT}/results")).await;
        assert!(
            page.contains("Robot arm") && page.contains("confirmed by org"),
            "{page}"
        );
        let audit = app.store.audit_log(app.event_id().await).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|a| a.action == "wild_card_confirmed")
                .count(),
            1
        );

        // Participants see no review.
        let bo_cookie = app.sign_in("bo@example.org").await;
        let page = app
            .page_as(&format!("{EVENT}/likes/review"), &bo_cookie)
            .await;
        assert!(page.contains("Organizers only"));
        let (status, _) = app
            .event_api(
                "POST",
                "/likes/void",
                &bo,
                Some(json!({"ids": [1], "reason": "mine"})),
            )
            .await;
        assert_eq!(status, 403);
    })
    .await;
}
