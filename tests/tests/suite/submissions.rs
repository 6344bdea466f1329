//! The submission page over HTTP, on SQLite and PostgreSQL: save a draft,
//! submit, see what to fix with one's own text kept, a conflict shown with
//! both texts, the page closed after the deadline, and nobody else's draft.

use chrono::Duration;
use hackboard_domain::MilestoneKind;
use hackboard_domain::timeline::resolve;
use hackboard_tests::{EVENT, TestApp, each_app, notice};

async fn post(app: &TestApp, fields: &[(&str, &str)], cookie: &str) -> (String, String) {
    app.post_form_and_follow(&format!("{EVENT}/submission"), fields, cookie)
        .await
}

fn form<'a>(base: &'a str, title: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("base_version", base),
        ("title", title),
        ("tagline", "A Breton tutor that listens"),
        (
            "description",
            "We fine-tuned **Mistral 7B** <script>alert(1)</script>",
        ),
        ("track", "fine-tuning"),
        ("github_url", "https://github.com/ada/breton-tutor"),
        (
            "hf_urls",
            "https://huggingface.co/mistral-hackaton-2026/breton-tutor\r\n",
        ),
        ("built_with", "Mistral, W&B"),
        ("action", action),
    ]
}

#[tokio::test]
async fn a_team_saves_a_draft_and_submits_from_the_page() {
    each_app(|app| async move {
        let ada = app.participant("ada@example.org").await;
        app.create_team(&ada, "Nebula", "Europe/Paris").await;
        let page = app.page_as(&format!("{EVENT}/submission"), &ada).await;
        assert!(
            page.contains("Not started") && page.contains("Deadline: Sunday 16:00"),
            "{page}"
        );

        let (_, page) = post(&app, &form("0", "Breton tutor", "draft"), &ada).await;
        assert_eq!(notice(&page, "submission-notice"), "Saved as version 1.");
        assert!(page.contains("Draft · version 1"));
        let (_, page) = post(&app, &form("1", "Breton tutor", "submit"), &ada).await;
        assert!(
            notice(&page, "submission-notice").starts_with("Submitted as version 2."),
            "{}",
            notice(&page, "submission-notice")
        );
        assert!(page.contains("Submitted · version 2"));
        if let Some(i) = page.find("<script>alert") {
            panic!(
                "markdown is sanitized: …{}…",
                &page[i.saturating_sub(300)..(i + 100).min(page.len())]
            );
        }
        let sub = app.store.submissions(app.event_id().await).await.unwrap();
        assert_eq!(sub.len(), 1);
        assert!(sub[0].content.contains("breton-tutor"));
    })
    .await;
}

#[tokio::test]
async fn a_wrong_field_keeps_the_text_and_says_what_to_fix_and_a_conflict_shows_both() {
    each_app(|app| async move {
        let ada = app.participant("ada@example.org").await;
        let bob = app.participant("bob@example.org").await;
        app.create_team(&ada, "Nebula", "UTC").await;
        let event = app.event_id().await;
        let code = app.team_named("Nebula").await.invite_code;
        app.join_team(&bob, &code).await;

        let mut bad = form("0", "My long-worked title", "submit");
        bad[5] = ("github_url", "https://gitlab.com/ada/x");
        let (to, page) = post(&app, &bad, &ada).await;
        assert!(to.contains("attempt="), "{to}");
        assert_eq!(
            notice(&page, "submission-notice"),
            "Nothing was saved: some fields need attention (below)."
        );
        assert!(page.contains("My long-worked title"), "the text is kept");
        assert!(page.contains("id=\"github_url-problem\""));
        assert!(page.contains("That is not a GitHub repository"), "{page}");
        assert!(
            app.store.submissions(event).await.unwrap().is_empty(),
            "nothing saved"
        );

        post(&app, &form("0", "First", "draft"), &ada).await;
        post(&app, &form("1", "Ada's edit", "draft"), &ada).await;
        let (_, page) = post(&app, &form("1", "Bob's edit", "draft"), &bob).await;
        assert_eq!(
            notice(&page, "submission-notice"),
            "Someone in your team saved a newer version first: nothing was overwritten."
        );
        assert!(page.contains("Version 2 was saved by someone else while you edited version 1"));
        assert!(
            page.contains("value=\"Bob&#x27;s edit\"") || page.contains("value=\"Bob's edit\""),
            "Bob's text in the form"
        );
        assert!(page.contains("not applied (made from version 1; kept)"));
        // Another team's member never sees the attempt.
        let eve = app.participant("eve@example.org").await;
        app.create_team(&eve, "Comet", "UTC").await;
        let attempt = to.split("attempt=").nth(1).unwrap();
        let page = app
            .page_as(&format!("{EVENT}/submission?attempt={attempt}"), &eve)
            .await;
        assert!(!page.contains("My long-worked title") && !page.contains("Ada"));
    })
    .await;
}

#[tokio::test]
async fn after_the_deadline_the_page_is_read_only_and_a_save_is_refused() {
    each_app(|app| async move {
        let ada = app.participant("ada@example.org").await;
        app.create_team(&ada, "Nebula", "Asia/Tokyo").await;
        post(&app, &form("0", "On time", "submit"), &ada).await;
        let def = app.definition().await;
        let end = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingEnds)
            .unwrap();
        app.clock
            .set(resolve(&end.time, chrono_tz::Asia::Tokyo) + Duration::seconds(1));
        let (_, page) = post(&app, &form("1", "Late", "submit"), &ada).await;
        assert!(
            notice(&page, "submission-notice").starts_with("Submissions closed on Sunday 16:00"),
            "{}",
            notice(&page, "submission-notice")
        );
        assert!(page.contains("id=\"submission-closed\""));
        assert!(page.contains("<fieldset disabled"), "the form is read-only");
        let event = app.event_id().await;
        let sub = &app.store.submissions(event).await.unwrap()[0];
        assert_eq!((sub.version, sub.title.as_str()), (1, "On time"));
    })
    .await;
}

#[tokio::test]
async fn a_project_page_is_public_only_once_submitted_and_the_gallery_is_open() {
    each_app(|app| async move {
        let ada = app.participant("ada@example.org").await;
        let eve = app.participant("eve@example.org").await;
        app.create_team(&ada, "Nebula", "UTC").await;
        app.create_team(&eve, "Comet", "UTC").await;
        post(&app, &form("0", "Breton tutor", "submit"), &ada).await;
        post(&app, &form("0", "Comet draft", "draft"), &eve).await;
        let event = app.demo_event().await;
        let subs = app.store.submissions(event.id).await.unwrap();
        let (nebula, comet) = (subs[0].id, subs[1].id);
        let status = |cookie: Option<String>, id: i64| {
            let app = &app;
            async move {
                let path = format!("{EVENT}/projects/{id}");
                let res = match cookie {
                    Some(c) => app.get_as(&path, &c).await,
                    None => app.get(&path).await,
                };
                let code = res.status().as_u16();
                (code, res.text().await.unwrap())
            }
        };
        // Before the deadline: the team previews, others see nothing.
        let (code, page) = status(Some(ada.clone()), nebula).await;
        assert_eq!(code, 200);
        assert!(page.contains("id=\"project-preview\"") && page.contains("Breton tutor"));
        assert!(!page.contains("<script>alert"), "sanitized");
        assert_eq!(status(None, nebula).await.0, 404);
        assert_eq!(status(Some(eve.clone()), nebula).await.0, 404);
        // After the deadline everywhere on Earth: submitted projects are public.
        let end = event
            .definition
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingEnds)
            .unwrap();
        app.clock
            .set(hackboard_domain::timeline::utc_spread(&end.time).1);
        let (code, page) = status(None, nebula).await;
        assert_eq!(code, 200);
        assert!(page.contains("Breton tutor") && !page.contains("project-preview"));
        assert!(page.contains("https://github.com/ada/breton-tutor"));
        // A draft is never public; its team still sees it.
        assert_eq!(status(None, comet).await.0, 404);
        assert_eq!(status(Some(ada.clone()), comet).await.0, 404);
        assert_eq!(status(Some(eve.clone()), comet).await.0, 200);
        assert_eq!(status(None, 999_999).await.0, 404);
    })
    .await;
}
