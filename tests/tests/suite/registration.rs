//! Registering for an event over HTTP, on SQLite and PostgreSQL: answers,
//! the registration window, capacity and waitlist, organizers' actions, CSV,
//! and who may do what (the authorization table).

use chrono::Duration;
use hackboard::store::Role;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::Clock;
use hackboard_tests::{EVENT, each_app, location, set_cookie};

fn full_form(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("display_name", name),
        ("time_zone", "Europe/Paris"),
        ("country", "France"),
        ("q_experience", "Shipped something"),
        ("q_idea", "A tutor that speaks Breton"),
        ("q_code_of_conduct", "yes"),
        ("looking_for_team", "on"),
        ("accept_rules", "on"),
    ]
}

#[tokio::test]
async fn a_signed_in_participant_registers_with_answers_and_gets_a_confirmation_mail() {
    each_app(|app| async move {
        let anon = app.page(&format!("{EVENT}/register")).await;
        assert!(anon.contains("Sign in to register"));
        let cookie = app.sign_in("ada@example.org").await;
        let form = app.page_as(&format!("{EVENT}/register"), &cookie).await;
        for needle in [
            "How much have you built with LLMs?",
            "name=\"q_experience\"",
            "accept_rules",
            "0 of 400 places taken",
        ] {
            assert!(form.contains(needle), "{needle}");
        }
        let to = app.register(&cookie, &full_form("Ada")).await;
        assert_eq!(to, format!("{EVENT}/register?done=registered"));
        let page = app.page_as(&to, &cookie).await;
        assert!(page.contains("You are registered"));
        assert!(page.contains("Your registration: registered"));
        let mail = app.store.outbox().await.unwrap();
        let confirmed = mail
            .iter()
            .find(|m| m.kind == "registered")
            .expect("a confirmation");
        assert_eq!(confirmed.recipient, "ada@example.org");
        assert!(confirmed.subject.contains("Mistral AI Hackathon"));
        let regs = app
            .store
            .registrations(app.event_id().await, &Default::default())
            .await
            .unwrap();
        assert_eq!(regs.len(), 1);
        assert!(regs[0].looking_for_team);
        assert!(regs[0].answers.contains("Breton"));
        assert_eq!(regs[0].display_name, "Ada");
        // Registering again changes nothing.
        assert_eq!(
            app.register(&cookie, &full_form("Ada")).await,
            format!("{EVENT}/register?done=already")
        );
    })
    .await;
}

#[tokio::test]
async fn missing_answers_or_rules_are_named_and_nothing_is_registered() {
    each_app(|app| async move {
        let cookie = app.sign_in("bob@example.org").await;
                let to = app.leads_to(&format!("{EVENT}/register"), &[("display_name", "Bob"), ("time_zone", "UTC"), ("accept_rules", "on")], Some(&cookie)).await;
        assert!(to.contains("error=answers"), "{to}");
        let page = app.page_as(&to, &cookie).await;
        assert!(page.contains("Please answer: “How much have you built with LLMs?”, “I have read and accept the code of conduct”"), "{page}");
        let mut no_rules = full_form("Bob");
        no_rules.retain(|(k, _)| *k != "accept_rules");
                assert!(app.leads_to(&format!("{EVENT}/register"), &no_rules, Some(&cookie)).await.ends_with("error=rules"));
        let mut bad_choice = full_form("Bob");
        bad_choice[3] = ("q_experience", "Wrote a compiler");
                assert!(app.leads_to(&format!("{EVENT}/register"), &bad_choice, Some(&cookie)).await.contains("error=answers"));
        let id = app.user_id(&cookie).await;
        assert_eq!(app.store.registration_status(app.event_id().await, id).await.unwrap(), None);
        assert!(app.store.outbox().await.unwrap().iter().all(|m| m.kind == "sign_in"));
    })
    .await;
}

#[tokio::test]
async fn registration_is_refused_outside_its_window() {
    each_app(|app| async move {
        let cookie = app.sign_in("late@example.org").await;
        app.clock
            .set(app.milestone(MilestoneKind::RegistrationCloses).await);
        let to = app
            .leads_to(
                &format!("{EVENT}/register"),
                &full_form("Late"),
                Some(&cookie),
            )
            .await;
        assert!(to.contains("error=closed"), "{to}");
        let page = app.page_as(&to, &cookie).await;
        assert!(page.contains("Registration closed on Fri"), "{page}");
        assert!(!page.contains("id=\"registration-form\""));
        assert_eq!(
            app.store
                .registration_status(app.event_id().await, app.user_id(&cookie).await)
                .await
                .unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn a_full_event_waitlists_and_an_organizer_promotes_with_an_email() {
    each_app(|app| async move {
        app.change_event(|def| def.registration.capacity = Some(1))
            .await;
        let first = app.sign_in("first@example.org").await;
        let second = app.sign_in("second@example.org").await;
        let organizer = app.organizer("org@example.org").await;
        assert!(
            app.register(&first, &full_form("First"))
                .await
                .ends_with("done=registered")
        );
        assert!(
            app.register(&second, &full_form("Second"))
                .await
                .ends_with("done=waitlisted&position=1")
        );
        assert!(
            app.store
                .outbox()
                .await
                .unwrap()
                .iter()
                .any(|m| m.kind == "waitlisted" && m.recipient == "second@example.org")
        );

        let list = app
            .page_as(&format!("{EVENT}/registrations"), &organizer)
            .await;
        assert!(
            list.contains("First")
                && list.contains("Second")
                && list.contains("1 of 1 places taken"),
            "{list}"
        );
        let second_id = app.user_id(&second).await.to_string();
        let status = format!("{EVENT}/registrations/status");
        assert!(
            app.leads_to(
                &status,
                &[("user_id", &second_id), ("to", "registered")],
                Some(&organizer),
            )
            .await
            .ends_with("error=full")
        );
        assert!(
            app.leads_to(&format!("{EVENT}/withdraw"), &[], Some(&first))
                .await
                .ends_with("done=withdrawn")
        );
        assert!(
            app.leads_to(
                &status,
                &[("user_id", &second_id), ("to", "registered")],
                Some(&organizer),
            )
            .await
            .ends_with("done=registered")
        );
        let promoted = app.store.outbox().await.unwrap();
        assert!(
            promoted
                .iter()
                .any(|m| m.kind == "promoted" && m.recipient == "second@example.org")
        );
        let filtered = app
            .page_as(
                &format!("{EVENT}/registrations?status=withdrawn"),
                &organizer,
            )
            .await;
        assert!(filtered.contains("First") && !filtered.contains(">Second<"));
    })
    .await;
}

#[tokio::test]
async fn organizers_export_registrations_as_csv_with_answers() {
    each_app(|app| async move {
        let ada = app.sign_in("ada@example.org").await;
        app.register(&ada, &full_form("=Ada, \"the first\"")).await;
        let organizer = app.organizer("org@example.org").await;
        let res = app.get_as(&format!("{EVENT}/registrations.csv"), &organizer).await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = res.text().await.unwrap();
        let mut lines = csv.split("\r\n");
        assert_eq!(lines.next().unwrap(), "position,status,name,email,hugging_face,in_hf_org,in_hf_snapshot,looking_for_team,registered_at,experience,idea,on_site,code_of_conduct");
        let row = lines.next().unwrap();
        assert!(row.starts_with("1,registered,\"'=Ada, \"\"the first\"\"\",ada@example.org,,false,,true,"), "{row}");
        assert!(row.ends_with(",Shipped something,A tutor that speaks Breton,false,true"), "{row}");
    })
    .await;
}

/// Who gets what, for every endpoint that touches registrations or
/// accounts: anonymous, a participant, a participant of another event, a
/// judge, an organizer, and an organizer of another event.
#[tokio::test]
async fn the_authorization_table_holds_for_every_role() {
    each_app(|app| async move {
        let now = app.clock.now();
        let event = app.event_id().await;
        let other_event = app.other_event().await;

        let participant = app.sign_in("p@example.org").await;
        app.register(&participant, &full_form("P")).await;
        let outsider = app.sign_in("o@example.org").await;
        assert!(
            app.leads_to(
                "/events/other-hackathon/register",
                &full_form("O"),
                Some(&outsider),
            )
            .await
            .ends_with("done=registered")
        );
        let judge = app.sign_in("j@example.org").await;
        app.store
            .grant_role(event, app.user_id(&judge).await, Role::Judge, None, now)
            .await
            .unwrap();
        let organizer = app.organizer("org@example.org").await;
        let other_org = app.sign_in("other-org@example.org").await;
        app.store
            .grant_role(
                other_event,
                app.user_id(&other_org).await,
                Role::Organizer,
                None,
                now,
            )
            .await
            .unwrap();
        let target = app.user_id(&participant).await.to_string();

        let who: Vec<(&str, Option<&str>)> = vec![
            ("anonymous", None),
            ("participant", Some(&participant)),
            ("other event's participant", Some(&outsider)),
            ("judge", Some(&judge)),
            ("organizer", Some(&organizer)),
            ("other event's organizer", Some(&other_org)),
        ];
        // (what, expected per person: status code and, for redirects, where)
        let csv = format!("{EVENT}/registrations.csv");
        let status = format!("{EVENT}/registrations/status");
        for (i, (name, cookie)) in who.iter().enumerate() {
            let get = |path: String| {
                let app = &app;
                let cookie = *cookie;
                async move {
                    let mut req = app.client.get(app.url(&path));
                    if let Some(c) = cookie {
                        req = req.header("cookie", c);
                    }
                    req.send().await.unwrap()
                }
            };
            let me = get("/api/v1/me".into()).await.status().as_u16();
            assert_eq!(me, if i == 0 { 401 } else { 200 }, "{name}: /api/v1/me");

            let hf = get("/api/v1/events/mistral-hackathon/hf-org".into())
                .await
                .status()
                .as_u16();
            let expected = match i {
                0 => 401,
                4 => 200,
                _ => 403,
            };
            assert_eq!(hf, expected, "{name}: /api/v1/events/…/hf-org");

            let export = get(csv.clone()).await;
            let expected = match i {
                0 => 303,
                4 => 200,
                _ => 403,
            };
            assert_eq!(export.status().as_u16(), expected, "{name}: CSV");

            let list = get(format!("{EVENT}/registrations"))
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(
                list.contains("p@example.org"),
                i == 4,
                "{name}: registration list"
            );

            let change = app
                .post_form(
                    &status,
                    &[("user_id", &target), ("to", "rejected")],
                    *cookie,
                )
                .await;
            let code = change.status().as_u16();
            match i {
                0 => assert!(
                    code == 303 && location(&change).starts_with("/sign-in"),
                    "{name}: status change"
                ),
                4 => assert_eq!(
                    location(&change),
                    format!("{EVENT}/registrations?done=rejected")
                ),
                _ => assert_eq!(code, 403, "{name}: status change"),
            }
            if i == 4 {
                // Undo, so the next people see the same state.
                app.post_form(
                    &status,
                    &[("user_id", &target), ("to", "registered")],
                    *cookie,
                )
                .await;
            }

            for (path, form) in [
                (format!("{EVENT}/invites"), vec![("max_uses", "3")]),
                (
                    format!("{EVENT}/roles"),
                    vec![("email", "j@example.org"), ("role", "judge")],
                ),
            ] {
                let res = app.post_form(&path, &form, *cookie).await;
                match i {
                    0 => assert!(
                        res.status() == 303 && location(&res).starts_with("/sign-in"),
                        "{name}: {path}"
                    ),
                    4 => assert!(location(&res).contains("done="), "{name}: {path}"),
                    _ => assert_eq!(res.status(), 403, "{name}: {path}"),
                }
            }

            let profile = app
                .post_form(
                    "/me/profile",
                    &[("display_name", "X"), ("time_zone", "UTC")],
                    *cookie,
                )
                .await;
            assert_eq!(
                location(&profile),
                if i == 0 {
                    "/sign-in?next=/me"
                } else {
                    "/me?saved=1"
                },
                "{name}: profile"
            );

            let sf = app
                .client
                .post(app.url("/sf/registrations"))
                .header("origin", &app.base)
                .header("cookie", cookie.unwrap_or(""))
                .form(&[("slug", "mistral-hackathon")])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert_eq!(
                sf.contains("p@example.org"),
                i == 4,
                "{name}: registrations server function"
            );
        }
        // Nobody but the organizer changed anything.
        let regs = app
            .store
            .registrations(event, &Default::default())
            .await
            .unwrap();
        assert_eq!(regs.len(), 1);
        assert_eq!(regs[0].status, "registered");
        let _ = Duration::zero();
    })
    .await;
}

#[tokio::test]
async fn organizers_make_invite_links_on_the_registrations_page_and_each_admits_its_uses() {
    each_app(|app| async move {
        let event = app.event_id().await;
        app.change_event(|def| def.registration.invite_only = true)
            .await;
        let organizer = app.organizer("org@example.org").await;

        let res = app
            .post_form(
                &format!("{EVENT}/invites"),
                &[("max_uses", "many"), ("valid_days", "")],
                Some(&organizer),
            )
            .await;
        assert_eq!(
            location(&res),
            format!("{EVENT}/registrations?error=invite_numbers")
        );
        let page = app.page_as(&location(&res), &organizer).await;
        assert!(
            page.contains("An invite link can be used 1 to 100 000 times"),
            "{page}"
        );

        let res = app
            .post_form(
                &format!("{EVENT}/invites"),
                &[("max_uses", "1"), ("valid_days", "2")],
                Some(&organizer),
            )
            .await;
        assert_eq!(
            location(&res),
            format!("{EVENT}/registrations?done=invite_created")
        );
        let flash = set_cookie(&res, "hb_new_invite").expect("the link travels in a flash cookie");
        let page = app
            .page_as(&location(&res), &format!("{organizer}; {flash}"))
            .await;
        let prefix = format!("{}{EVENT}/register?invite=", app.base);
        let at = page.find(&prefix).expect("the new link is shown") + prefix.len();
        let token = page[at..at + 64].to_owned();
        assert!(page.contains("0 of 1 used"), "{page}");
        // Without the flash cookie the link is not shown again.
        let again = app.page_as(&location(&res), &organizer).await;
        assert!(!again.contains(&token));

        let first = app.sign_in("first@example.org").await;
        let mut form = full_form("First");
        form.push(("invite", &token));
        let res = app
            .post_form(&format!("{EVENT}/register"), &form, Some(&first))
            .await;
        assert!(
            location(&res).ends_with("done=registered"),
            "{}",
            location(&res)
        );
        let second = app.sign_in("second@example.org").await;
        let res = app
            .post_form(&format!("{EVENT}/register"), &form, Some(&second))
            .await;
        assert!(
            location(&res).ends_with("error=invite"),
            "{}",
            location(&res)
        );
        let page = app
            .page_as(&format!("{EVENT}/registrations"), &organizer)
            .await;
        assert!(page.contains("1 of 1 used"), "{page}");

        // Ending a link: it stops working at once.
        let res = app
            .post_form(
                &format!("{EVENT}/invites"),
                &[("max_uses", "5")],
                Some(&organizer),
            )
            .await;
        let flash = set_cookie(&res, "hb_new_invite").unwrap();
        let token = flash.split_once('=').unwrap().1.to_owned();
        let id = app.store.invites(event).await.unwrap()[0].id.to_string();
        assert_eq!(
            app.leads_to(
                &format!("{EVENT}/invites/revoke"),
                &[("id", &id)],
                Some(&organizer),
            )
            .await,
            format!("{EVENT}/registrations?done=invite_revoked")
        );
        let mut form = full_form("Second");
        form.push(("invite", &token));
        let res = app
            .post_form(&format!("{EVENT}/register"), &form, Some(&second))
            .await;
        assert!(
            location(&res).ends_with("error=invite"),
            "{}",
            location(&res)
        );
    })
    .await;
}

#[tokio::test]
async fn organizers_grant_and_remove_roles_on_the_registrations_page_but_never_the_last_organizer()
{
    each_app(|app| async move {
        let now = app.clock.now();
        let event = app.event_id().await;
        let organizer = app.sign_in("org@example.org").await;
        let org_id = app.user_id(&organizer).await;
        app.store
            .grant_role(event, org_id, Role::Organizer, None, now)
            .await
            .unwrap();
        let judge = app.sign_in("judge@example.org").await;
        let judge_id = app.user_id(&judge).await;

        let grant = |email: &'static str, role: &'static str| {
            let app = &app;
            let organizer = organizer.clone();
            async move {
                app.leads_to(
                    &format!("{EVENT}/roles"),
                    &[("email", email), ("role", role)],
                    Some(&organizer),
                )
                .await
            }
        };
        assert!(
            grant("judge@example.org", "judge")
                .await
                .ends_with("done=role_granted")
        );
        assert_eq!(
            app.store.roles_of(event, judge_id).await.unwrap(),
            vec![Role::Judge]
        );
        assert!(
            grant("nobody@example.org", "judge")
                .await
                .ends_with("error=role_no_account")
        );
        assert!(
            grant("not an address", "judge")
                .await
                .ends_with("error=role_email")
        );
        assert!(
            grant("judge@example.org", "admin")
                .await
                .ends_with("error=role_unknown")
        );

        let page = app
            .page_as(&format!("{EVENT}/registrations"), &organizer)
            .await;
        assert!(
            page.contains("judge@example.org · judge") || page.contains("· judge"),
            "{page}"
        );
        assert!(page.contains("(you) · organizer"), "{page}");

        let revoke = |user_id: i64, role: &'static str| {
            let app = &app;
            let organizer = organizer.clone();
            async move {
                app.leads_to(
                    &format!("{EVENT}/roles/revoke"),
                    &[("user_id", &user_id.to_string()), ("role", role)],
                    Some(&organizer),
                )
                .await
            }
        };
        let to = revoke(org_id, "organizer").await;
        assert!(to.ends_with("error=last_organizer"), "{to}");
        let page = app.page_as(&to, &organizer).await;
        assert!(
            page.contains("An event keeps at least one organizer"),
            "{page}"
        );
        assert!(
            revoke(judge_id, "judge")
                .await
                .ends_with("done=role_revoked")
        );
        assert!(
            revoke(judge_id, "judge")
                .await
                .ends_with("error=role_not_held")
        );
        assert!(
            app.store
                .roles_of(event, judge_id)
                .await
                .unwrap()
                .is_empty()
        );
        // The judge-to-be cannot grant themselves anything.
        let res = app
            .post_form(
                &format!("{EVENT}/roles"),
                &[("email", "judge@example.org"), ("role", "organizer")],
                Some(&judge),
            )
            .await;
        assert_eq!(res.status(), 403);
    })
    .await;
}
