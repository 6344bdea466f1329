//! Sponsor credits over HTTP and the API, on SQLite and PostgreSQL:
//! claiming (once, idempotent, sold out, not eligible, outside the window),
//! organizers' import with bad rows by line, distribution of team codes,
//! revocation, the CSV export, and who may see which code.

use hackboard_domain::timeline::Clock;
use hackboard_tests::{EVENT, TestApp, each_app, location, notice};
use serde_json::{Value, json};

/// The part of the page about one offer.
fn offer<'a>(page: &'a str, slug: &str) -> &'a str {
    let at = page
        .find(&format!("id=\"offer-{slug}\""))
        .unwrap_or_else(|| panic!("no offer {slug}"));
    let end = page[at..]
        .find("</li>")
        .map(|i| at + i)
        .unwrap_or(page.len());
    &page[at..end]
}

async fn page(app: &TestApp, cookie: &str) -> String {
    app.page_as(&format!("{EVENT}/credits"), cookie).await
}

/// Posts a form of the credits page (`path` below it, such as
/// `mistral-api/claim`) and follows it: where it led and the page there.
async fn on_credits(
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> (String, String) {
    app.post_form_and_follow(&format!("{EVENT}/credits/{path}"), fields, cookie)
        .await
}

#[tokio::test]
async fn a_participant_claims_a_code_once_sees_only_their_own_and_is_told_when_none_are_left() {
    each_app(|app| async move {
        let org = app.organizer("org@example.org").await;
        let (_, page_after) = on_credits(
            &app,
            "mistral-api/import",
            &[("csv", "code,value\nMIS-AAA,$15\nMIS-BBB,$15\n")],
            &org,
        )
        .await;
        assert_eq!(notice(&page_after, "credits-notice"), "Imported 2 codes.");

        let ada = app.participant("ada@example.org").await;
        let (to, p) = on_credits(&app, "mistral-api/claim", &[], &ada).await;
        assert!(!to.contains("MIS-"), "a code never goes into a URL: {to}");
        assert_eq!(
            notice(&p, "credits-notice"),
            "Here is your code, below; it was also sent to you by email."
        );
        assert!(offer(&p, "mistral-api").contains("MIS-AAA"));
        let mail = app
            .store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.kind == "credit_code")
            .expect("the code is mailed");
        assert_eq!(mail.recipient, "ada@example.org");
        assert!(mail.text_body.contains("MIS-AAA") && !mail.subject.contains("MIS-"));

        // Claiming again gives the same code.
        let (_, p) = on_credits(&app, "mistral-api/claim", &[], &ada).await;
        assert_eq!(
            notice(&p, "credits-notice"),
            "You already have a code for this offer: it is below."
        );
        assert!(offer(&p, "mistral-api").contains("MIS-AAA"));

        let bob = app.participant("bob@example.org").await;
        let (_, p) = on_credits(&app, "mistral-api/claim", &[], &bob).await;
        assert!(offer(&p, "mistral-api").contains("MIS-BBB"));
        assert!(!p.contains("MIS-AAA"), "Bob never sees Ada's code");

        let cy = app.participant("cy@example.org").await;
        let p = page(&app, &cy).await;
        assert!(offer(&p, "mistral-api").contains("All 2 codes have been claimed."));
        assert!(!offer(&p, "mistral-api").contains("Claim my code"));
        let (_, p) = on_credits(&app, "mistral-api/claim", &[], &cy).await;
        assert_eq!(
            notice(&p, "credits-notice"),
            "All 2 codes have been claimed."
        );
        assert!(!p.contains("MIS-"), "{p}");

        // Not registered: told what is missing.
        let stranger = app.sign_in("stranger@example.org").await;
        let (_, p) = on_credits(&app, "mistral-api/claim", &[], &stranger).await;
        assert_eq!(
            notice(&p, "credits-notice"),
            "Register for the event first."
        );
        assert!(offer(&p, "hf-jobs").contains("Register for the event first."));
        // The Hugging Face credit names the org and its deadline.
        let p = page(&app, &cy).await;
        let hf = offer(&p, "hf-jobs").to_owned();
        assert!(
            hf.contains(
                "Join the Hugging Face org mistral-hackaton-2026 before Friday 20:00 Paris time"
            ),
            "{hf}"
        );
        // ElevenLabs opens when hacking starts.
        assert!(
            offer(&p, "elevenlabs").contains("These credits can be claimed from Saturday"),
            "{}",
            offer(&p, "elevenlabs")
        );
        // Anonymous visitors see offers, never codes.
        let anon = app.page(&format!("{EVENT}/credits")).await;
        assert!(!anon.contains("MIS-") && anon.contains("Sign in to receive credits"));
    })
    .await;
}

#[tokio::test]
async fn organizers_import_send_team_codes_revoke_and_export_and_nobody_else_can() {
    each_app(|app| async move {
        let org = app.organizer("org@example.org").await;
        let ada = app.participant("ada@example.org").await;
        let bob = app.participant("bob@example.org").await;
        let cy = app.participant("cy@example.org").await;
        app.participant("dee@example.org").await;

        // Bad rows: every one by line; nothing imported.
        let (_, p) = on_credits(&app, "aws/import",
            &[("csv", "code,expires_at\nAWS-1,2027-01-01\n,\nAWS-1,\nAWS-2,tomorrow\n")],
            &org,
        )
        .await;
        assert_eq!(
            notice(&p, "credits-notice"),
            "Nothing was imported. line 3: the code is empty; line 4: the code is already on line 2; line 5: “tomorrow” is not an expiry date (use 2026-12-31 or 2026-12-31T23:59:00Z)."
        );
        let (_, p) = on_credits(&app, "aws/import",
            &[("csv", "AWS-1\nAWS-2\n")],
            &org,
        )
        .await;
        assert_eq!(notice(&p, "credits-notice"), "Imported 2 codes.");

        // Two teams: Nebula (Ada, Bob) and Comet (Cy); Dee is in none.
        app.create_team(&ada, "Nebula", "UTC").await;
        let event = app.event_id().await;
        let code = app.team_named("Nebula").await.invite_code;
        app.join_team(&bob, &code).await;
        app.create_team(&cy, "Comet", "UTC").await;

        // The AWS credit is sent by the organizers, per team.
        let p = page(&app, &ada).await;
        assert!(offer(&p, "aws").contains("the organizers will send your code by email"));
        let (_, p) = on_credits(&app, "aws/distribute", &[], &org).await;
        assert_eq!(notice(&p, "credits-notice"), "Sent 2 codes; 0 already had one.");
        let (_, p) = on_credits(&app, "aws/distribute", &[], &org).await;
        assert_eq!(notice(&p, "credits-notice"), "Sent 0 codes; 2 already had one.");
        let ada_page = page(&app, &ada).await;
        let bob_page = page(&app, &bob).await;
        let cy_page = page(&app, &cy).await;
        let nebula_code = if offer(&ada_page, "aws").contains("AWS-1") { "AWS-1" } else { "AWS-2" };
        let comet_code = if nebula_code == "AWS-1" { "AWS-2" } else { "AWS-1" };
        assert!(offer(&bob_page, "aws").contains(nebula_code), "one code for the team");
        assert!(offer(&cy_page, "aws").contains(comet_code));
        assert!(!cy_page.contains(nebula_code));
        let mails: Vec<String> = app
            .store
            .outbox()
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.kind == "credit_code")
            .map(|m| m.recipient)
            .collect();
        assert_eq!(mails.len(), 3, "every member of both teams: {mails:?}");

        // Participants cannot import, send, revoke or export.
        for path in [
            format!("{EVENT}/credits/aws/import"),
            format!("{EVENT}/credits/aws/distribute"),
            format!("{EVENT}/credits/codes/1/revoke"),
        ] {
            let res = app
                .post_form(&path, &[("csv", "X"), ("reason", "x")], Some(&ada))
                .await;
            assert_eq!(res.status(), 403, "{path}");
        }
        let res = app
            .get_as(&format!("{EVENT}/credits/aws/assignments.csv"), &ada)
            .await;
        assert_eq!(res.status(), 403);
        assert!(!page(&app, &ada).await.contains("Manage credits"));

        // Revoking needs a reason; it is audited and shown.
        let p = page(&app, &org).await;
        assert!(p.contains("Manage credits"));
        let id = app
            .store
            .assignments(app.store.offer_id(event, "aws").await.unwrap().unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.code == nebula_code)
            .unwrap()
            .id;
        let (_, p) = on_credits(&app, &format!("codes/{id}/revoke"), &[("reason", " ")], &org).await;
        assert_eq!(notice(&p, "credits-notice"), "Say why, for the audit log.");
        let (_, p) = on_credits(&app, &format!("codes/{id}/revoke"),
            &[("reason", "shared on Discord")],
            &org,
        )
        .await;
        assert_eq!(notice(&p, "credits-notice"), "Revoked, and recorded in the audit log.");
        assert!(p.contains("revoked: shared on Discord"));
        assert!(!offer(&page(&app, &bob).await, "aws").contains(nebula_code));
        let csv = app
            .page_as(&format!("{EVENT}/credits/aws/assignments.csv"), &org).await;
        assert!(csv.starts_with("code,value,expires_at,state,person,email,team,assigned_at,revoked_reason\r\n"));
        assert!(csv.contains(&format!("{nebula_code},,,revoked,,,Nebula,")), "{csv}");
        assert!(csv.contains("shared on Discord"));
        assert!(csv.contains(&format!("{comet_code},,,assigned,,,Comet,")), "{csv}");
    })
    .await;
}

#[tokio::test]
async fn the_credits_api_claims_imports_and_refuses_with_clear_errors() {
    each_app(|app| async move {
        let org = app.organizer("org@example.org").await;
        let (_, org) = app.api_token_of(&org).await;
        let ada = app.participant("ada@example.org").await;
        let (_, ada) = app.api_token_of(&ada).await;

        let (status, body) = app
            .event_api(
                "POST",
                "/credits/mistral-api/codes",
                &ada,
                Some(json!({"csv": "X"})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden"))
        );
        let (status, body) = app
            .event_api(
                "POST",
                "/credits/mistral-api/codes",
                &org,
                Some(json!({"csv": "A\nA\n"})),
            )
            .await;
        assert_eq!(status, 422);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("line 2: the code is already on line 1")
        );
        let (status, body) = app
            .event_api(
                "POST",
                "/credits/mistral-api/codes",
                &org,
                Some(json!({"csv": "A\nB\n"})),
            )
            .await;
        assert_eq!((status, body["imported"].as_u64()), (200, Some(2)));

        let (status, body) = app
            .event_api("POST", "/credits/mistral-api/claim", &ada, None)
            .await;
        assert_eq!(
            (status, body["code"].as_str(), body["new"].as_bool()),
            (200, Some("A"), Some(true))
        );
        let (_, body) = app
            .event_api("POST", "/credits/mistral-api/claim", &ada, None)
            .await;
        assert_eq!(
            (body["code"].as_str(), body["new"].as_bool()),
            (Some("A"), Some(false))
        );
        let (status, body) = app
            .event_api("POST", "/credits/hf-jobs/claim", &ada, None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("not_claimable")),
            "{body}"
        );
        let stranger = app.sign_in("stranger@example.org").await;
        let (_, stranger) = app.api_token_of(&stranger).await;
        let (status, body) = app
            .event_api("POST", "/credits/mistral-api/claim", &stranger, None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("not_eligible")),
            "{body}"
        );
        assert_eq!(body["error"]["message"], "Register for the event first.");
        let (status, body) = app
            .event_api("POST", "/credits/nope/claim", &ada, None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (404, Some("not_found"))
        );
        let (status, body) = app
            .event_api("POST", "/credits/aws/claim", &ada, None)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("not_claimable")),
            "{body}"
        );

        let (status, body) = app.event_api("GET", "/credits", &ada, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["organizer"], false);
        assert!(body["stock"].as_array().unwrap().is_empty());
        let (_, body) = app.event_api("GET", "/credits", &org, None).await;
        assert_eq!(body["organizer"], true);
        let stock = body["stock"].as_array().unwrap();
        let mistral = stock.iter().find(|s| s["slug"] == "mistral-api").unwrap();
        assert_eq!(
            (mistral["imported"].as_i64(), mistral["left"].as_i64()),
            (Some(2), Some(1))
        );

        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(doc["paths"]["/api/v1/events/{slug}/credits/{offer}/claim"]["post"].is_object());
        assert!(doc["components"]["schemas"]["CreditsView"].is_object());
    })
    .await;
}

#[tokio::test]
async fn the_hugging_face_credit_follows_the_snapshot_taken_at_the_deadline() {
    each_app(|app| async move {
            let now = app.clock.now();
            // Ada's account carries her Hugging Face handle (as after signing
            // in with Hugging Face); Bob's does not.
            app.store
                .user_for_identity(
                    &hackboard::store::accounts::NewIdentity {
                        provider: "email".into(),
                        subject: "ada@example.org".into(),
                        display_name: "ada".into(),
                        email: Some("ada@example.org".into()),
                        hf_handle: Some("Ada-HF".into()),
                        ..Default::default()
                    },
                    now,
                )
                .await
                .unwrap();
            let ada = app.participant("ada@example.org").await;
            let bob = app.participant("bob@example.org").await;
            let org = app.organizer("org@example.org").await;
            let event = app.event_id().await;
            // Before the deadline: both are told to join in time.
            assert!(
                offer(&page(&app, &ada).await, "hf-jobs")
                    .contains("Join the Hugging Face org mistral-hackaton-2026 before")
            );
            app.store.add_hf_org_member(event, "ada-hf", now).await.unwrap();
            app.store.take_hf_snapshot(event, now).await.unwrap();
            // After it, the snapshot decides.
            assert!(
                offer(&page(&app, &ada).await, "hf-jobs")
                    .contains("You are eligible: the sponsor grants this credit directly.")
            );
            let bob_page = page(&app, &bob).await;
            assert!(
                offer(&bob_page, "hf-jobs").contains(
                    "This credit went to members of the Hugging Face org mistral-hackaton-2026 at its deadline"
                ),
                "{}",
                offer(&bob_page, "hf-jobs")
            );
            // Organizers see who is eligible for the directly granted credit.
            let org_page = page(&app, &org).await;
            assert!(org_page.contains("granted directly by the sponsor to: ada"), "{org_page}");
        })
        .await;
}

#[tokio::test]
async fn organizers_add_and_change_offers_on_the_page_and_through_the_api() {
    each_app(|app| async move {
            let org = app.organizer("org@example.org").await;
            let ada = app.participant("ada@example.org").await;
            let (_, p) = on_credits(&app, "offers",
                &[
                    ("slug", "wandb"),
                    ("sponsor", "Weights & Biases"),
                    ("value", "W&B Pro for a month"),
                    ("per", "team"),
                    ("redeem", "Apply the code in **Billing**."),
                    ("eligible", "track:fine-tuning"),
                    ("delivery", "claim"),
                    ("opens", ""),
                    ("closes", "finals"),
                ],
                &org,
            )
            .await;
        assert_eq!(notice(&p, "credits-notice"), "Offer added.");
        // A participant sees it, with what stands in the way.
        let p = page(&app, &ada).await;
        assert!(
            offer(&p, "wandb").contains("This credit is per team: join or create a team first."),
            "{}",
            offer(&p, "wandb")
        );
        // Bad input is refused in words, and nothing changes.
        let (_, p) = on_credits(&app, "offers",
            &[
                ("slug", "knits"),
                ("sponsor", "X"),
                ("value", "X"),
                ("per", "team"),
                ("eligible", "track:knitting"),
            ],
            &org,
        )
        .await;
        assert_eq!(notice(&p, "credits-notice"), "The event has no track “knitting”.");
        assert!(!p.contains("id=\"offer-knits\""));
        // Participants cannot define offers.
        let res = app
            .post_form(
                &format!("{EVENT}/credits/offers"),
                &[("slug", "mine"), ("sponsor", "Me"), ("value", "$1"), ("per", "person")],
                Some(&ada),
            )
            .await;
        assert_eq!(res.status(), 403);

        // Through the API: change the offer (same slug); it stays in place.
        let (_, token) = app.api_token_of(&org).await;
        let (status, body) = app
            .event_api(
                "POST",
                "/credits/offers",
                &token,
                Some(json!({"slug": "wandb", "sponsor": "Weights & Biases", "value": "W&B Pro for two months", "per": "team", "delivery": "organizer"})),
            )
            .await;
        assert_eq!((status, body["message"].as_str()), (200, Some("Offer saved.")), "{body}");
        let (status, body) = app
            .event_api(
                "POST",
                "/credits/offers",
                &token,
                Some(json!({"slug": "bad", "sponsor": "", "value": "v", "per": "team"})),
            )
            .await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid")));
        let def = app.definition().await;
        let wandb = def.offers.iter().find(|o| o.slug.as_str() == "wandb").unwrap();
        assert_eq!(wandb.value, "W&B Pro for two months");
        assert_eq!(def.offers.len(), 5);
        // The event file export carries it.
        let text = hackboard_domain::event_file::to_event_file(&def);
        assert!(text.contains("slug = \"wandb\"") && text.contains("delivery = \"organizer\""));

        // Claiming outside the window is refused in words.
        let (_, p) = on_credits(&app, "elevenlabs/claim", &[], &ada).await;
        assert!(
            notice(&p, "credits-notice").starts_with("These credits can be claimed from Saturday"),
            "{}",
            notice(&p, "credits-notice")
        );
    })
    .await;
}

#[tokio::test]
async fn a_credit_for_submitted_projects_reaches_teams_once_they_submit() {
    each_app(|app| async move {
        let org = app.organizer("org@example.org").await;
        let ada = app.participant("ada@example.org").await;
        on_credits(
            &app,
            "offers",
            &[
                ("slug", "finisher"),
                ("sponsor", "Mistral AI"),
                ("value", "$50 for finishers"),
                ("per", "team"),
                ("eligible", "submitted"),
                ("delivery", "claim"),
            ],
            &org,
        )
        .await;
        on_credits(&app, "finisher/import", &[("csv", "FIN-1\n")], &org).await;
        app.create_team(&ada, "Nebula", "UTC").await;
        let (_, p) = on_credits(&app, "finisher/claim", &[], &ada).await;
        assert_eq!(
            notice(&p, "credits-notice"),
            "This credit is for teams that have submitted their project: submit it first."
        );
        let res = app
            .post_form(
                &format!("{EVENT}/submission"),
                &[
                    ("base_version", "0"),
                    ("title", "Tutor"),
                    ("tagline", "A tutor"),
                    ("track", "anything-goes"),
                    ("github_url", "https://github.com/ada/tutor"),
                    ("action", "submit"),
                ],
                Some(&ada),
            )
            .await;
        assert!(location(&res).contains("ok="), "{}", location(&res));
        let (_, p) = on_credits(&app, "finisher/claim", &[], &ada).await;
        assert!(
            offer(&p, "finisher").contains("FIN-1"),
            "{}",
            offer(&p, "finisher")
        );
    })
    .await;
}
