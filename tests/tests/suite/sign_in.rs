//! Signing in with an email link, sessions, CSRF protection, sign-out,
//! profile and personal API tokens, over HTTP on SQLite and PostgreSQL.

use chrono::Duration;
use hackboard_tests::{TestApp, each_app, location};
use reqwest::StatusCode;

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("hb_session=") && !c.starts_with("hb_session=;"))
}

/// Asks for a sign-in link for `email`: where the answer sends them.
async fn asks_for_a_link(app: &TestApp, email: &str) -> String {
    app.leads_to("/auth/email", &[("email", email)], None).await
}

/// Confirms the sign-in link `token`: where the answer sends them.
async fn confirms(app: &TestApp, token: &str) -> String {
    app.leads_to("/auth/email/confirm", &[("token", token)], None)
        .await
}

#[tokio::test]
async fn a_participant_signs_in_with_an_email_link_and_lands_where_they_were_going() {
    each_app(|app| async move {
        let res = app
            .post_form(
                "/auth/email",
                &[
                    ("email", "Ada@Example.org"),
                    ("next", "/events/mistral-hackathon"),
                ],
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/sign-in/sent");
        let token = app.last_link_token("ada@example.org").await;

        // Opening the link shows a page; it does not use the link up.
        let page = app.get(&format!("/sign-in/confirm?token={token}")).await;
        assert_eq!(page.status(), 200);
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("action=\"/auth/email/confirm\"")
        );

        let res = app
            .post_form("/auth/email/confirm", &[("token", &token)], None)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/events/mistral-hackathon");
        let cookie = session_cookie(&res).unwrap();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain http base URL: {cookie}");
        let cookie = cookie.split(';').next().unwrap().to_owned();

        let me: serde_json::Value = app
            .get_as("/api/v1/me", &cookie)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], "ada@example.org");
        let page = app.page_as("/events/mistral-hackathon", &cookie).await;
        assert!(
            page.contains("href=\"/me\""),
            "the header shows the signed-in person"
        );

        // The link works once.
        let again = app
            .post_form("/auth/email/confirm", &[("token", &token)], None)
            .await;
        assert_eq!(location(&again), "/sign-in?error=link_invalid");
        assert!(session_cookie(&again).is_none());
        let page = app.page("/sign-in?error=link_invalid").await;
        assert!(page.contains("expired or was already used"));
    })
    .await;
}

#[tokio::test]
async fn the_answer_is_the_same_for_a_known_and_an_unknown_address() {
    each_app(|app| async move {
        app.sign_in("known@example.org").await;
        let known = app
            .post_form("/auth/email", &[("email", "known@example.org")], None)
            .await;
        let unknown = app
            .post_form("/auth/email", &[("email", "nobody@example.org")], None)
            .await;
        assert_eq!(known.status(), unknown.status());
        assert_eq!(location(&known), location(&unknown));
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn an_expired_link_or_a_bad_address_creates_no_session_and_says_what_to_do() {
    each_app(|app| async move {
        assert!(
            asks_for_a_link(&app, "not-an-address")
                .await
                .contains("error=invalid_email")
        );
        assert!(app.store.outbox().await.unwrap().is_empty());
        let page = app.page("/sign-in?error=invalid_email").await;
        assert!(page.contains("does not look like an email address"));

        app.post_form("/auth/email", &[("email", "late@example.org")], None)
            .await;
        let token = app.last_link_token("late@example.org").await;
        app.clock.advance(Duration::minutes(15));
        let res = app
            .post_form("/auth/email/confirm", &[("token", &token)], None)
            .await;
        assert_eq!(location(&res), "/sign-in?error=link_invalid");
        assert!(session_cookie(&res).is_none());
        assert_eq!(
            confirms(&app, "forged").await,
            "/sign-in?error=link_invalid"
        );
    })
    .await;
}

#[tokio::test]
async fn sign_in_links_are_rate_limited_per_address() {
    each_app(|app| async move {
        for _ in 0..5 {
            assert_eq!(
                asks_for_a_link(&app, "busy@example.org").await,
                "/sign-in/sent"
            );
        }
        let res = app
            .post_form("/auth/email", &[("email", "busy@example.org")], None)
            .await;
        assert!(
            location(&res).contains("error=rate_limited"),
            "{}",
            location(&res)
        );
        assert_eq!(app.store.outbox().await.unwrap().len(), 5);
        app.clock.advance(Duration::minutes(16));
        assert_eq!(
            asks_for_a_link(&app, "busy@example.org").await,
            "/sign-in/sent"
        );
    })
    .await;
}

#[tokio::test]
async fn next_only_ever_redirects_within_the_site() {
    each_app(|app| async move {
        for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
            app.post_form(
                "/auth/email",
                &[("email", "n@example.org"), ("next", evil)],
                None,
            )
            .await;
            let token = app.last_link_token("n@example.org").await;
            assert_eq!(confirms(&app, &token).await, "/", "{evil}");
        }
    })
    .await;
}

#[tokio::test]
async fn state_changing_requests_from_other_sites_are_refused() {
    each_app(|app| async move {
        let cookie = app.sign_in("csrf@example.org").await;
        // No Origin, no Sec-Fetch-Site: refused.
        let res = app
            .client
            .post(app.url("/auth/sign-out"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_site_request");
        // Another site's Origin: refused, on forms and server functions alike.
        for path in [
            "/auth/sign-out",
            "/me/profile",
            "/sf/profile",
            "/auth/email",
        ] {
            let res = app
                .client
                .post(app.url(path))
                .header("cookie", &cookie)
                .header("origin", "https://evil.example")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        }
        let res = app
            .client
            .post(app.url("/auth/sign-out"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // The session survived all of that.
        let me = app.get_as("/api/v1/me", &cookie).await;
        assert_eq!(me.status(), 200);
        // A browser's same-origin request passes.
        let res = app
            .client
            .post(app.url("/auth/sign-out"))
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn signing_out_ends_this_session_and_everywhere_ends_them_all() {
    each_app(|app| async move {
        let laptop = app.sign_in("out@example.org").await;
        let phone = app.sign_in("out@example.org").await;
        assert_ne!(laptop, phone, "every sign-in gets a new session id");
        let res = app.post_form("/auth/sign-out", &[], Some(&laptop)).await;
        assert!(
            res.headers()
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap().contains("Max-Age=0"))
        );
        let status = |c: String| {
            let app = &app;
            async move { app.get_as("/api/v1/me", &c).await.status() }
        };
        assert_eq!(status(laptop.clone()).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(phone.clone()).await, StatusCode::OK);
        let tablet = app.sign_in("out@example.org").await;
        app.post_form("/auth/sign-out-everywhere", &[], Some(&tablet))
            .await;
        assert_eq!(status(phone).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(tablet).await, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_session_presented_at_sign_in_is_replaced_not_reused() {
    each_app(|app| async move {
        let before = app.sign_in("rot@example.org").await;
        app.post_form("/auth/email", &[("email", "rot@example.org")], None)
            .await;
        let token = app.last_link_token("rot@example.org").await;
        let res = app
            .post_form("/auth/email/confirm", &[("token", &token)], Some(&before))
            .await;
        let after = session_cookie(&res).unwrap();
        assert!(!after.starts_with(&before));
        let old = app.get_as("/api/v1/me", &before).await;
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_personal_api_token_is_shown_once_works_as_bearer_and_stops_when_revoked() {
    each_app(|app| async move {
        let cookie = app.sign_in("tok@example.org").await;
        let res = app
            .post_form("/me/tokens", &[("name", "laptop script")], Some(&cookie))
            .await;
        assert_eq!(location(&res), "/me");
        let flash = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("hb_new_token="))
            .unwrap();
        assert!(flash.contains("HttpOnly") && flash.contains("Path=/me"));
        let flash = flash.split(';').next().unwrap().to_owned();
        let token = flash.trim_start_matches("hb_new_token=").to_owned();
        let page = app
            .client
            .get(app.url("/me"))
            .header("cookie", format!("{cookie}; {flash}"))
            .send()
            .await
            .unwrap();
        assert!(
            page.headers()
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("hb_new_token=;"))
        );
        let html = page.text().await.unwrap();
        assert!(html.contains(&token), "shown once on the profile");
        let html = app.page_as("/me", &cookie).await;
        assert!(!html.contains(&token), "and not again");
        assert!(html.contains("laptop script"));

        let me = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        // A bearer-only request carries no ambient credentials: no CSRF check.
        let tokens = app
            .store
            .api_tokens_of(
                me.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_i64()
                    .unwrap(),
            )
            .await
            .unwrap();
        let id = tokens[0].id.to_string();
        app.post_form("/me/tokens/revoke", &[("id", &id)], Some(&cookie))
            .await;
        let me = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        let body: serde_json::Value = me.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
    })
    .await;
}

/// Saves the profile with a display name and a time zone: where the
/// answer sends them.
async fn profile_saved(app: &TestApp, name: &str, zone: &str, cookie: Option<&str>) -> String {
    app.leads_to(
        "/me/profile",
        &[("display_name", name), ("time_zone", zone)],
        cookie,
    )
    .await
}

#[tokio::test]
async fn the_profile_saves_valid_fields_and_explains_invalid_ones() {
    each_app(|app| async move {
        let cookie = app.sign_in("prof@example.org").await;
        assert_eq!(
            app.leads_to(
                "/me/profile",
                &[
                    ("display_name", "Ada L."),
                    ("time_zone", "Europe/Paris"),
                    ("country", "France"),
                    ("skills", "rust, fine-tuning"),
                    ("bio", "Hi"),
                ],
                Some(&cookie),
            )
            .await,
            "/me?saved=1"
        );
        let me: serde_json::Value = app
            .get_as("/api/v1/me", &cookie)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (me["display_name"].as_str(), me["time_zone"].as_str()),
            (Some("Ada L."), Some("Europe/Paris"))
        );
        let html = app.page_as("/me", &cookie).await;
        assert!(html.contains("rust, fine-tuning"));
        assert_eq!(
            profile_saved(&app, "Ada", "Mars/Olympus", Some(&cookie)).await,
            "/me?error=time_zone"
        );
        assert_eq!(
            profile_saved(&app, "  ", "UTC", Some(&cookie)).await,
            "/me?error=display_name"
        );
        // Anonymous: sent to sign in, nothing saved.
        assert_eq!(
            profile_saved(&app, "X", "UTC", None).await,
            "/sign-in?next=/me"
        );
        let anon = app.page("/me").await;
        assert!(anon.contains("Sign in to see your profile"));
    })
    .await;
}

#[tokio::test]
async fn cached_anonymous_pages_are_never_personal_and_never_older_than_a_second() {
    each_app(|app| async move {
        let anonymous = app.page("/events/mistral-hackathon").await;
        assert!(anonymous.contains("href=\"/sign-in?next=/events/mistral-hackathon\""));
        let cookie = app.sign_in("cache@example.org").await;
        let mine = app.page_as("/events/mistral-hackathon", &cookie).await;
        assert!(
            mine.contains("href=\"/me\""),
            "the signed-in view is rendered for them"
        );
        let again = app.page("/events/mistral-hackathon").await;
        assert!(
            !again.contains("href=\"/me\""),
            "and never shown to anyone else"
        );

        // An organizer renames the event: within the same second the cached
        // page may be served; a second later the page is fresh.
        app.change_event(|def| def.name = "Mistral AI Hackathon, renamed".into())
            .await;
        app.clock.advance(Duration::seconds(1));
        let fresh = app.page("/events/mistral-hackathon").await;
        assert!(fresh.contains("Mistral AI Hackathon, renamed"));
    })
    .await;
}
