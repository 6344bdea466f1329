//! Teams over HTTP, on SQLite and PostgreSQL: the "My team" page and its
//! forms, the finder, organizers' list, moves and CSV, the lock at its
//! boundary, refusals in words, and who may do what.

use chrono::Duration;
use hackboard::store::Role;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::{Clock, resolve};
use hackboard_tests::{EVENT, TestApp, each_app, location, notice};

/// Posts a team action; returns where it leads and the page shown there.
async fn act(
    app: &TestApp,
    action: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> (String, String) {
    app.post_form_and_follow(&format!("{EVENT}/team/{action}"), fields, cookie)
        .await
}

async fn code_of(app: &TestApp, name: &str) -> String {
    let event = app.event_id().await;
    app.store
        .teams(event)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .expect("the team exists")
        .invite_code
}

#[tokio::test]
async fn participants_form_a_team_join_by_invite_link_and_choose_a_track() {
    each_app(|app| async move {
        let ada = app.participant_looking_for_team("ada@example.org").await;
        let (to, page) = act(
            &app,
            "create",
            &[
                ("name", " Nebula "),
                ("description", "A Breton tutor"),
                ("time_zone", "Europe/Paris"),
            ],
            &ada,
        )
        .await;
        assert!(to.starts_with(&format!("{EVENT}/team?ok=")), "{to}");
        assert_eq!(
            notice(&page, "team-notice"),
            "Team created. Share the invite link below with your teammates."
        );
        assert!(page.contains("Team Nebula · 1/5"), "{page}");
        let code = code_of(&app, "Nebula").await;
        let link = format!("{}{EVENT}/team?code={code}", app.base);
        assert!(page.contains(&link), "the invite link is shown");

        let bob = app.participant_looking_for_team("bob@example.org").await;
        let landing = app
            .get_as(&format!("{EVENT}/team?code={code}"), &bob)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            landing.contains(&format!("value=\"{code}\"")),
            "the code is prefilled"
        );
        let (_, page) = act(&app, "join", &[("code", &code)], &bob).await;
        assert_eq!(notice(&page, "team-notice"), "Welcome to team Nebula!");
        assert!(page.contains("Team Nebula · 2/5"));
        assert!(page.contains("ada (captain)"), "{page}");

        let (_, page) = act(&app, "tracks", &[("track", "fine-tuning")], &bob).await;
        assert_eq!(notice(&page, "team-notice"), "Track saved: Fine-tuning.");
        assert!(page.contains("value=\"fine-tuning\" checked"), "{page}");
        // The team's deadlines in its zone and the viewer's.
        assert!(page.contains("Europe/Paris"));
        assert!(page.contains("Team changes close"));
    })
    .await;
}

#[tokio::test]
async fn each_refusal_says_why_and_changes_nothing() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        let code = code_of(&app, "Nebula").await;
        for i in 0..4 {
            let p = app
                .participant_looking_for_team(&format!("m{i}@example.org"))
                .await;
            act(&app, "join", &[("code", &code)], &p).await;
        }
        let late = app.participant_looking_for_team("late@example.org").await;
        let (_, page) = act(&app, "join", &[("code", &code)], &late).await;
        assert_eq!(notice(&page, "team-notice"), "Team Nebula is full (5/5).");
        let (_, page) = act(
            &app,
            "create",
            &[("name", "nebula"), ("time_zone", "UTC")],
            &late,
        )
        .await;
        assert_eq!(
            notice(&page, "team-notice"),
            "A team called “nebula” already exists in this event."
        );
        let (_, page) = act(
            &app,
            "create",
            &[("name", "   "), ("time_zone", "UTC")],
            &late,
        )
        .await;
        assert_eq!(notice(&page, "team-notice"), "Give the team a name.");
        let (_, page) = act(
            &app,
            "create",
            &[("name", "Comet"), ("time_zone", "Mars/Olympus")],
            &late,
        )
        .await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Choose a time zone such as Europe/Paris."
        );
        let (_, page) = act(&app, "join", &[("code", "nope")], &late).await;
        assert!(notice(&page, "team-notice").starts_with("That invite link or code is not valid"));
        let (_, page) = act(
            &app,
            "create",
            &[("name", "Other"), ("time_zone", "UTC")],
            &ada,
        )
        .await;
        assert_eq!(
            notice(&page, "team-notice"),
            "You are already in team Nebula — leave it first."
        );
        let (_, page) = act(&app, "tracks", &[("track", "rockets")], &ada).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "There is no track “rockets” in this event."
        );
        let (_, page) = act(
            &app,
            "tracks",
            &[("track", "fine-tuning"), ("track", "anything-goes")],
            &ada,
        )
        .await;
        assert_eq!(notice(&page, "team-notice"), "Choose at most 1 track(s).");
        let outsider = app.sign_in("outsider@example.org").await;
        let (_, page) = act(
            &app,
            "create",
            &[("name", "Mine"), ("time_zone", "UTC")],
            &outsider,
        )
        .await;
        assert!(
            page.contains("Teams are for registered participants"),
            "{page}"
        );
        let (_, page) = act(&app, "join", &[("code", &code)], &outsider).await;
        assert!(
            page.contains("Teams are for registered participants"),
            "{page}"
        );

        let teams = app.store.teams(event).await.unwrap();
        assert_eq!(teams.len(), 1);
        assert_eq!(teams[0].member_count, 5);
        assert!(app.store.team_tracks(teams[0].id).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_lock_freezes_membership_at_its_instant_not_a_millisecond_before() {
    each_app(|app| async move {
        let event = app
            .store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap();
        let lock = event
            .definition
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::TeamFormationLock)
            .unwrap()
            .time
            .clone();
        let at = resolve(&lock, chrono_tz::Europe::Paris);
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        let code = code_of(&app, "Nebula").await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let carol = app.participant_looking_for_team("carol@example.org").await;

        app.clock.set(at - Duration::milliseconds(1));
        let (_, page) = act(&app, "join", &[("code", &code)], &bob).await;
        assert_eq!(notice(&page, "team-notice"), "Welcome to team Nebula!");

        app.clock.set(at);
        let (_, page) = act(&app, "join", &[("code", &code)], &carol).await;
        let said = notice(&page, "team-notice");
        assert!(
            said.starts_with("Team changes closed on Saturday 09:00"),
            "{said}"
        );
        let (_, page) = act(&app, "leave", &[], &bob).await;
        assert!(
            notice(&page, "team-notice").starts_with("Team changes closed on"),
            "leaving is frozen too"
        );
        // Captaincy and the track still change after the lock.
        let bob_id = app.user_id(&bob).await;
        let (_, page) = act(&app, "captain", &[("user_id", &bob_id.to_string())], &ada).await;
        assert_eq!(notice(&page, "team-notice"), "Captaincy handed over.");
        let (_, page) = act(&app, "tracks", &[("track", "anything-goes")], &ada).await;
        assert_eq!(notice(&page, "team-notice"), "Track saved: Anything goes.");
        let t = app.store.team_of(event.id, bob_id).await.unwrap().unwrap();
        assert_eq!((t.member_count, t.captain_id), (2, bob_id));
    })
    .await;
}

#[tokio::test]
async fn requests_from_the_finder_and_invitations_by_email_bring_people_in() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        act(
            &app,
            "update",
            &[
                ("description", "Tutor"),
                ("time_zone", "Europe/Paris"),
                ("looking_for_members", "on"),
                ("wanted_skills", "CUDA"),
            ],
            &ada,
        )
        .await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let finder = app
            .get_as(&format!("{EVENT}/finder?skill=cuda"), &bob)
            .await
            .text()
            .await
            .unwrap();
        assert!(finder.contains("Nebula · 1/5"), "{finder}");
        let nebula = app
            .store
            .team_of(event, app.user_id(&ada).await)
            .await
            .unwrap()
            .unwrap()
            .id;
        let res = app
            .post_form(
                &format!("{EVENT}/team/ask"),
                &[("team_id", &nebula.to_string()), ("message", "I know CUDA")],
                Some(&bob),
            )
            .await;
        assert!(location(&res).starts_with(&format!("{EVENT}/finder?ok=")));
        let page = app
            .get_as(&format!("{EVENT}/team"), &ada)
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("bob asks to join: “I know CUDA”"), "{page}");
        let request = app.store.requests_of_team(nebula).await.unwrap()[0]
            .id
            .to_string();
        // Someone outside the team cannot accept it.
        let eve = app.participant_looking_for_team("eve@example.org").await;
        let res = app
            .post_form(
                &format!("{EVENT}/team/accept"),
                &[("id", &request)],
                Some(&eve),
            )
            .await;
        assert_eq!(res.status(), 403);
        let (_, page) = act(&app, "accept", &[("id", &request)], &ada).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Accepted: the team has a new member."
        );
        assert!(page.contains("Team Nebula · 2/5"));

        // Invite Carol by email: she gets a mail and accepts.
        let carol = app.participant_looking_for_team("carol@example.org").await;
        let (_, page) = act(&app, "invite", &[("who", "carol@example.org")], &bob).await;
        assert_eq!(notice(&page, "team-notice"), "Invitation sent.");
        let outbox = app.store.outbox().await.unwrap();
        let mail = outbox
            .iter()
            .find(|m| m.kind == "team_invitation")
            .expect("an invitation mail");
        assert_eq!(mail.recipient, "carol@example.org");
        assert!(
            mail.text_body
                .contains("bob invites you to join team Nebula"),
            "{}",
            mail.text_body
        );
        let (_, page) = act(&app, "invite", &[("who", "carol@example.org")], &ada).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "carol has already been invited or has already asked."
        );
        let (_, page) = act(&app, "invite", &[("who", "nobody@example.org")], &ada).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Nobody with that email address or handle has an account here yet."
        );
        let mine = app
            .get_as(&format!("{EVENT}/team"), &carol)
            .await
            .text()
            .await
            .unwrap();
        assert!(mine.contains("Team Nebula invites you."), "{mine}");
        let invitation = app
            .store
            .requests_of_user(event, app.user_id(&carol).await)
            .await
            .unwrap()[0]
            .id
            .to_string();
        let (_, page) = act(&app, "accept", &[("id", &invitation)], &carol).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Accepted: the team has a new member."
        );
        assert!(page.contains("Team Nebula · 3/5"));
        // In a team now: no longer listed as looking.
        let finder = app
            .get_as(&format!("{EVENT}/finder"), &eve)
            .await
            .text()
            .await
            .unwrap();
        assert!(!finder.contains(">carol<"), "{finder}");
    })
    .await;
}

#[tokio::test]
async fn a_captain_leaving_hands_over_and_the_last_member_leaving_ends_the_team() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        let code = code_of(&app, "Nebula").await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        act(&app, "join", &[("code", &code)], &bob).await;
        let (_, page) = act(&app, "leave", &[], &ada).await;
        assert_eq!(notice(&page, "team-notice"), "You left the team.");
        let bob_id = app.user_id(&bob).await;
        let team = app.store.team_of(event, bob_id).await.unwrap().unwrap();
        assert_eq!(team.captain_id, bob_id);
        let (_, page) = act(&app, "leave", &[], &bob).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "You left, and the team, now empty, is gone."
        );
        assert!(app.store.teams(event).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn organizers_see_every_team_move_people_with_a_reason_and_export_csv() {
    each_app(|app| async move {
        let now = app.clock.now();
        let event = app.event_id().await;
        let organizer = app.sign_in("org@example.org").await;
        app.store
            .grant_role(
                event,
                app.user_id(&organizer).await,
                Role::Organizer,
                None,
                now,
            )
            .await
            .unwrap();
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let bob_id = app.user_id(&bob).await.to_string();
        let nebula = code_of(&app, "Nebula").await;
        let team_id = app
            .store
            .team_by_code(event, &nebula)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();

        let res = app
            .post_form(
                &format!("{EVENT}/teams/move"),
                &[("user_id", &bob_id), ("team_id", &team_id), ("reason", "")],
                Some(&organizer),
            )
            .await;
        let page = app
            .get_as(&location(&res), &organizer)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            notice(&page, "team-notice"),
            "Say why: organizer changes are recorded with a reason."
        );
        let res = app
            .post_form(
                &format!("{EVENT}/teams/move"),
                &[
                    ("user_id", &bob_id),
                    ("team_id", &team_id),
                    ("reason", "asked at the desk"),
                ],
                Some(&organizer),
            )
            .await;
        let page = app
            .get_as(&location(&res), &organizer)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            notice(&page, "team-notice"),
            "Moved, and recorded in the audit log."
        );
        assert!(page.contains("moved bob"), "{page}");
        assert!(page.contains("asked at the desk"));
        assert!(page.contains("2/5"));

        let csv = app
            .get_as(&format!("{EVENT}/teams.csv"), &organizer)
            .await
            .text()
            .await
            .unwrap();
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "team,time_zone,tracks,members,captain,member,email,github,hugging_face"
        );
        assert!(
            csv.contains("Nebula,Europe/Paris,,2,true,ada,ada@example.org,,"),
            "{csv}"
        );
        assert!(
            csv.contains("Nebula,Europe/Paris,,2,false,bob,bob@example.org,,"),
            "{csv}"
        );

        // Nobody else sees or does any of it.
        for cookie in [&ada, &bob] {
            assert_eq!(
                app.get_as(&format!("{EVENT}/teams.csv"), cookie)
                    .await
                    .status(),
                403
            );
            let page = app
                .get_as(&format!("{EVENT}/teams"), cookie)
                .await
                .text()
                .await
                .unwrap();
            assert!(page.contains("Organizers only") && !page.contains("asked at the desk"));
            let res = app
                .post_form(
                    &format!("{EVENT}/teams/move"),
                    &[("user_id", &bob_id), ("reason", "x")],
                    Some(cookie),
                )
                .await;
            assert_eq!(res.status(), 403);
        }
        assert_eq!(app.get(&format!("{EVENT}/teams.csv")).await.status(), 303);
    })
    .await;
}

#[tokio::test]
async fn members_of_another_team_cannot_touch_or_read_a_team() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let ada = app.participant_looking_for_team("ada@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "Europe/Paris")],
            &ada,
        )
        .await;
        let code = code_of(&app, "Nebula").await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        act(&app, "join", &[("code", &code)], &bob).await;
        let eve = app.participant_looking_for_team("eve@example.org").await;
        act(
            &app,
            "create",
            &[("name", "Comet"), ("time_zone", "UTC")],
            &eve,
        )
        .await;
        let bob_id = app.user_id(&bob).await.to_string();

        // Eve is captain of Comet, not Nebula: removing Bob fails.
        let (_, page) = act(&app, "remove", &[("user_id", &bob_id)], &eve).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "That person is not in your team."
        );
        // Her page shows her team, never Nebula's code or members.
        let page = app
            .get_as(&format!("{EVENT}/team"), &eve)
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains(&code) && !page.contains("bob"), "{page}");
        let nebula = app.store.team_by_code(event, &code).await.unwrap().unwrap();
        assert_eq!(nebula.member_count, 2);
        // A forged notice is not shown.
        let page = app
            .get_as(
                &format!("{EVENT}/team?err=Your%20account%20is%20banned&sig=00"),
                &eve,
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains("banned"));
        // Anonymous visitors see no team data at all.
        let page = app
            .get(&format!("{EVENT}/finder"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains("Nebula") && page.contains("to see who is looking"));
    })
    .await;
}

#[tokio::test]
async fn text_a_teammate_typed_cannot_break_out_of_a_form_field() {
    each_app(|app| async move {
        let ada = app.participant_looking_for_team("ada@example.org").await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let evil = "</textarea><script>alert(1)</script> & <b>bold</b>";
        act(
            &app,
            "create",
            &[("name", "Nebula"), ("time_zone", "UTC"), ("description", evil)],
            &ada,
        )
        .await;
        let code = code_of(&app, "Nebula").await;
        let (_, page) = act(&app, "join", &[("code", &code)], &bob).await;
        assert!(!page.contains("<script>alert(1)"), "{page}");
        assert!(
            page.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</textarea>"),
            "the text shows as typed, inside its field"
        );
    })
    .await;
}
