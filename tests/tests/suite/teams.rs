//! Teams over HTTP, on SQLite and PostgreSQL: the "My team" page and its
//! forms, the finder, organizers' list, moves and CSV, the lock at its
//! boundary, refusals in words, and who may do what.

use chrono::Duration;
use hackboard_domain::MilestoneKind;
use hackboard_tests::{EVENT, TestApp, each_app, notice};

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
    app.team_named(name).await.invite_code
}

/// `cookie` creates team `name` in `zone`: what the team page says.
async fn create_team(app: &TestApp, cookie: &str, name: &str, zone: &str) -> String {
    told(
        app,
        "create",
        &[("name", name), ("time_zone", zone)],
        cookie,
    )
    .await
}

/// What the team page says after `action`.
async fn told(app: &TestApp, action: &str, fields: &[(&str, &str)], cookie: &str) -> String {
    let (_, page) = act(app, action, fields, cookie).await;
    notice(&page, "team-notice")
}

/// An organizer moves `user_id` into `team_id` for `reason`: the page
/// they are shown after.
async fn move_to(
    app: &TestApp,
    organizer: &str,
    user_id: &str,
    team_id: &str,
    reason: &str,
) -> String {
    let to = app
        .leads_to(
            &format!("{EVENT}/teams/move"),
            &[
                ("user_id", user_id),
                ("team_id", team_id),
                ("reason", reason),
            ],
            Some(organizer),
        )
        .await;
    app.page_as(&to, organizer).await
}

/// Ada, looking for a team, creates Nebula (in Paris): her cookie and
/// the team's invite code.
async fn ada_creates_nebula(app: &TestApp) -> (String, String) {
    let ada = app.participant_looking_for_team("ada@example.org").await;
    create_team(app, &ada, "Nebula", "Europe/Paris").await;
    (ada, code_of(app, "Nebula").await)
}

/// `email`, looking for a team, joins the team of `code`: their cookie
/// and the page they are shown.
async fn joins(app: &TestApp, email: &str, code: &str) -> (String, String) {
    let cookie = app.participant_looking_for_team(email).await;
    let (_, page) = act(app, "join", &[("code", code)], &cookie).await;
    (cookie, page)
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
            .page_as(&format!("{EVENT}/team?code={code}"), &bob)
            .await;
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
        let (ada, code) = ada_creates_nebula(&app).await;
        for i in 0..4 {
            joins(&app, &format!("m{i}@example.org"), &code).await;
        }
        let (late, page) = joins(&app, "late@example.org", &code).await;
        assert_eq!(notice(&page, "team-notice"), "Team Nebula is full (5/5).");
        assert_eq!(
            create_team(&app, &late, "nebula", "UTC").await,
            "A team called “nebula” already exists in this event."
        );
        assert_eq!(
            create_team(&app, &late, "   ", "UTC").await,
            "Give the team a name."
        );
        assert_eq!(
            create_team(&app, &late, "Comet", "Mars/Olympus").await,
            "Choose a time zone such as Europe/Paris."
        );
        assert!(
            told(&app, "join", &[("code", "nope")], &late)
                .await
                .starts_with("That invite link or code is not valid")
        );
        assert_eq!(
            create_team(&app, &ada, "Other", "UTC").await,
            "You are already in team Nebula — leave it first."
        );
        assert_eq!(
            told(&app, "tracks", &[("track", "rockets")], &ada).await,
            "There is no track “rockets” in this event."
        );
        assert_eq!(
            told(
                &app,
                "tracks",
                &[("track", "fine-tuning"), ("track", "anything-goes")],
                &ada,
            )
            .await,
            "Choose at most 1 track(s)."
        );
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
        let event = app.demo_event().await;
        let at = app
            .milestone_in(MilestoneKind::TeamFormationLock, chrono_tz::Europe::Paris)
            .await;
        let (ada, code) = ada_creates_nebula(&app).await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let carol = app.participant_looking_for_team("carol@example.org").await;

        app.clock.set(at - Duration::milliseconds(1));
        assert_eq!(
            told(&app, "join", &[("code", &code)], &bob).await,
            "Welcome to team Nebula!"
        );

        app.clock.set(at);
        let said = told(&app, "join", &[("code", &code)], &carol).await;
        assert!(
            said.starts_with("Team changes closed on Saturday 09:00"),
            "{said}"
        );
        assert!(
            told(&app, "leave", &[], &bob)
                .await
                .starts_with("Team changes closed on"),
            "leaving is frozen too"
        );
        // Captaincy and the track still change after the lock.
        let bob_id = app.user_id(&bob).await;
        assert_eq!(
            told(&app, "captain", &[("user_id", &bob_id.to_string())], &ada).await,
            "Captaincy handed over."
        );
        assert_eq!(
            told(&app, "tracks", &[("track", "anything-goes")], &ada).await,
            "Track saved: Anything goes."
        );
        let t = app.store.team_of(event.id, bob_id).await.unwrap().unwrap();
        assert_eq!((t.member_count, t.captain_id), (2, bob_id));
    })
    .await;
}

#[tokio::test]
async fn requests_from_the_finder_and_invitations_by_email_bring_people_in() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let (ada, _) = ada_creates_nebula(&app).await;
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
            .page_as(&format!("{EVENT}/finder?skill=cuda"), &bob)
            .await;
        assert!(finder.contains("Nebula · 1/5"), "{finder}");
        let nebula = app
            .store
            .team_of(event, app.user_id(&ada).await)
            .await
            .unwrap()
            .unwrap()
            .id;
        assert!(
            app.leads_to(
                &format!("{EVENT}/team/ask"),
                &[("team_id", &nebula.to_string()), ("message", "I know CUDA")],
                Some(&bob),
            )
            .await
            .starts_with(&format!("{EVENT}/finder?ok="))
        );
        let page = app.page_as(&format!("{EVENT}/team"), &ada).await;
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
        assert_eq!(
            told(&app, "invite", &[("who", "carol@example.org")], &bob).await,
            "Invitation sent."
        );
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
        assert_eq!(
            told(&app, "invite", &[("who", "carol@example.org")], &ada).await,
            "carol has already been invited or has already asked."
        );
        assert_eq!(
            told(&app, "invite", &[("who", "nobody@example.org")], &ada).await,
            "Nobody with that email address or handle has an account here yet."
        );
        let mine = app.page_as(&format!("{EVENT}/team"), &carol).await;
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
        let finder = app.page_as(&format!("{EVENT}/finder"), &eve).await;
        assert!(!finder.contains(">carol<"), "{finder}");
    })
    .await;
}

#[tokio::test]
async fn a_captain_leaving_hands_over_and_the_last_member_leaving_ends_the_team() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let (ada, code) = ada_creates_nebula(&app).await;
        let (bob, _) = joins(&app, "bob@example.org", &code).await;
        assert_eq!(told(&app, "leave", &[], &ada).await, "You left the team.");
        let bob_id = app.user_id(&bob).await;
        let team = app.store.team_of(event, bob_id).await.unwrap().unwrap();
        assert_eq!(team.captain_id, bob_id);
        assert_eq!(
            told(&app, "leave", &[], &bob).await,
            "You left, and the team, now empty, is gone."
        );
        assert!(app.store.teams(event).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn organizers_see_every_team_move_people_with_a_reason_and_export_csv() {
    each_app(|app| async move {
        let event = app.event_id().await;
        let organizer = app.organizer("org@example.org").await;
        let (ada, nebula) = ada_creates_nebula(&app).await;
        let bob = app.participant_looking_for_team("bob@example.org").await;
        let bob_id = app.user_id(&bob).await.to_string();
        let team_id = app
            .store
            .team_by_code(event, &nebula)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        let page = move_to(&app, &organizer, &bob_id, &team_id, "").await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Say why: organizer changes are recorded with a reason."
        );
        let page = move_to(&app, &organizer, &bob_id, &team_id, "asked at the desk").await;
        assert_eq!(
            notice(&page, "team-notice"),
            "Moved, and recorded in the audit log."
        );
        assert!(page.contains("moved bob"), "{page}");
        assert!(page.contains("asked at the desk"));
        assert!(page.contains("2/5"));

        let csv = app.page_as(&format!("{EVENT}/teams.csv"), &organizer).await;
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
            let page = app.page_as(&format!("{EVENT}/teams"), cookie).await;
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
        let (_, code) = ada_creates_nebula(&app).await;
        let (bob, _) = joins(&app, "bob@example.org", &code).await;
        let eve = app.participant_looking_for_team("eve@example.org").await;
        create_team(&app, &eve, "Comet", "UTC").await;
        let bob_id = app.user_id(&bob).await.to_string();

        // Eve is captain of Comet, not Nebula: removing Bob fails.
        let (_, page) = act(&app, "remove", &[("user_id", &bob_id)], &eve).await;
        assert_eq!(
            notice(&page, "team-notice"),
            "That person is not in your team."
        );
        // Her page shows her team, never Nebula's code or members.
        let page = app.page_as(&format!("{EVENT}/team"), &eve).await;
        assert!(!page.contains(&code) && !page.contains("bob"), "{page}");
        let nebula = app.store.team_by_code(event, &code).await.unwrap().unwrap();
        assert_eq!(nebula.member_count, 2);
        // A forged notice is not shown.
        let page = app
            .page_as(
                &format!("{EVENT}/team?err=Your%20account%20is%20banned&sig=00"),
                &eve,
            )
            .await;
        assert!(!page.contains("banned"));
        // Anonymous visitors see no team data at all.
        let page = app.page(&format!("{EVENT}/finder")).await;
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
