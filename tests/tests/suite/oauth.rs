//! Sign in with GitHub and Hugging Face against a local provider that speaks
//! OAuth 2.0 (authorize, token with PKCE S256 and single-use codes, GitHub's
//! `/user`, Hugging Face's OpenID Connect userinfo), on both databases.

use base64::Engine as _;
use hackboard_tests::{AppOptions, TestApp, each_app_and, location, set_cookie, spawn_app};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Provider {
    /// code → (PKCE challenge, used)
    codes: Mutex<HashMap<String, (String, bool)>>,
    deny: Mutex<bool>,
    /// Corrupts the stored challenge, as if the verifier sent were wrong.
    wrong_challenge: Mutex<bool>,
    next: Mutex<u32>,
}

/// Starts the fake provider; returns its base URL.
async fn start_provider() -> (String, Arc<Provider>) {
    use axum::extract::{Form, Query, State};
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::{get, post};
    let provider = Arc::new(Provider::default());
    async fn authorize(
        State(p): State<Arc<Provider>>,
        Query(q): Query<HashMap<String, String>>,
    ) -> axum::response::Response {
        let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
        let state = q.get("state").cloned().unwrap_or_default();
        assert_eq!(
            q.get("code_challenge_method").map(String::as_str),
            Some("S256")
        );
        assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
        if *p.deny.lock().unwrap() {
            return Redirect::to(&format!("{redirect}?error=access_denied&state={state}"))
                .into_response();
        }
        let code = {
            let mut n = p.next.lock().unwrap();
            *n += 1;
            format!("code{n}")
        };
        let mut challenge = q.get("code_challenge").cloned().unwrap_or_default();
        if *p.wrong_challenge.lock().unwrap() {
            challenge.push('x');
        }
        p.codes
            .lock()
            .unwrap()
            .insert(code.clone(), (challenge, false));
        Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
    }
    async fn token(
        State(p): State<Arc<Provider>>,
        Form(f): Form<HashMap<String, String>>,
    ) -> axum::response::Response {
        let code = f.get("code").cloned().unwrap_or_default();
        let verifier = f.get("code_verifier").cloned().unwrap_or_default();
        let mut codes = p.codes.lock().unwrap();
        let ok = match codes.get_mut(&code) {
            Some((challenge, used)) if !*used => {
                *used = true;
                let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                computed == *challenge
            }
            _ => false,
        };
        if ok {
            axum::Json(
                serde_json::json!({"access_token": format!("tok-{code}"), "token_type": "bearer"}),
            )
            .into_response()
        } else {
            (
                axum::http::StatusCode::BAD_REQUEST,
                axum::Json(serde_json::json!({"error": "invalid_grant"})),
            )
                .into_response()
        }
    }
    let app = axum::Router::new()
        .route("/login/oauth/authorize", get(authorize))
        .route("/oauth/authorize", get(authorize))
        .route("/login/oauth/access_token", post(token))
        .route("/oauth/token", post(token))
        .route("/user", get(|| async { axum::Json(serde_json::json!({"id": 4242, "login": "octocat", "name": "Octo Cat", "email": "Octo@Example.org"})) }))
        .route("/oauth/userinfo", get(|| async {
            // As Hugging Face answers (../shared/EXTERNAL-APIS.md): every org
            // entry carries both `name` and `preferred_username`, and more.
            axum::Json(serde_json::json!({
                "sub": "hf-123", "name": "Ada", "preferred_username": "hf-ada",
                "profile": "https://huggingface.co/hf-ada", "picture": "https://cdn.example/ada.png",
                "website": "https://ada.example", "email": "ada@hf.example", "email_verified": true,
                "isPro": false, "canPay": false,
                "orgs": [{
                    "sub": "o1", "name": "Mistral Hackaton 2026", "preferred_username": "mistral-hackaton-2026",
                    "picture": "https://cdn.example/org.png", "isEnterprise": false, "canPay": false,
                    "roleInOrg": "read", "pendingSSO": false, "missingMFA": false
                }]
            }))
        }))
        .with_state(provider.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, provider)
}

/// Starts a flow: (the flow cookie, the provider's redirect back to us).
async fn start_flow(app: &TestApp, provider: &str) -> (String, String) {
    let res = app
        .get(&format!(
            "/auth/{provider}/start?next=/events/mistral-hackathon"
        ))
        .await;
    assert_eq!(res.status(), 303);
    let flow = set_cookie(&res, "hb_oauth").expect("the flow cookie");
    let authorize = location(&res);
    let back = app.client.get(&authorize).send().await.unwrap();
    (flow, location(&back))
}

async fn finish(app: &TestApp, callback: &str, flow: &str) -> reqwest::Response {
    app.client
        .get(callback)
        .header("cookie", flow)
        .send()
        .await
        .unwrap()
}

/// A fake provider to sign in with, and the server configured against it.
async fn with_provider() -> (AppOptions, Arc<Provider>) {
    let (base, provider) = start_provider().await;
    let options = AppOptions {
        oauth_base: Some(base),
        ..Default::default()
    };
    (options, provider)
}

/// Finishes the flow and expects it refused with `error`, and no session.
async fn finish_refused(app: &TestApp, callback: &str, flow: &str, error: &str) {
    let res = finish(app, callback, flow).await;
    assert_eq!(location(&res), format!("/sign-in?error={error}"));
    assert!(set_cookie(&res, "hb_session").is_none());
}

#[tokio::test]
async fn signing_in_with_github_creates_an_account_keyed_by_githubs_id() {
    each_app_and(with_provider, |app, _| async move {
        let (flow, callback) = start_flow(&app, "github").await;
        assert!(
            callback.starts_with(&app.url("/auth/github/callback?code=")),
            "{callback}"
        );
        let res = finish(&app, &callback, &flow).await;
        assert_eq!(location(&res), "/events/mistral-hackathon");
        let session = set_cookie(&res, "hb_session").expect("signed in");
        let me: serde_json::Value = app
            .get_as("/api/v1/me", &session)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["display_name"], "Octo Cat");
        assert_eq!(me["github_handle"], "octocat");
        assert_eq!(me["email"], "octo@example.org");
        // Signing in again finds the same account.
        let (flow, callback) = start_flow(&app, "github").await;
        let again = set_cookie(&finish(&app, &callback, &flow).await, "hb_session").unwrap();
        let me2: serde_json::Value = app.get_as("/api/v1/me", &again).await.json().await.unwrap();
        assert_eq!(me["id"], me2["id"]);
    })
    .await;
}

#[tokio::test]
async fn signing_in_with_hugging_face_records_the_event_org_membership() {
    each_app_and(with_provider, |app, _| async move {
        let (flow, callback) = start_flow(&app, "huggingface").await;
        let res = finish(&app, &callback, &flow).await;
        let session = set_cookie(&res, "hb_session").expect("signed in");
        let me: serde_json::Value = app
            .get_as("/api/v1/me", &session)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["hugging_face_handle"], "hf-ada");
        let event = app.event_id().await;
        app.store
            .take_hf_snapshot(event, chrono::Utc::now())
            .await
            .unwrap();
        let (_, members) = app.store.hf_snapshot(event).await.unwrap().unwrap();
        assert_eq!(members, vec!["hf-ada"]);
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_person_links_github_to_their_account() {
    each_app_and(with_provider, |app, _| async move {
        let cookie = app.sign_in("ada@example.org").await;
        let res = app.get_as("/auth/github/start", &cookie).await;
        let flow = set_cookie(&res, "hb_oauth").unwrap();
        let back = app.client.get(location(&res)).send().await.unwrap();
        let res = finish(&app, &location(&back), &format!("{cookie}; {flow}")).await;
        let session = set_cookie(&res, "hb_session").unwrap();
        let me: serde_json::Value = app
            .get_as("/api/v1/me", &session)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (me["email"].as_str(), me["github_handle"].as_str()),
            (Some("ada@example.org"), Some("octocat"))
        );
    })
    .await;
}

#[tokio::test]
async fn a_state_mismatch_creates_no_session() {
    each_app_and(with_provider, |app, _| async move {
        let (_, callback) = start_flow(&app, "github").await;
        let (other_flow, _) = start_flow(&app, "github").await;
        finish_refused(&app, &callback, &other_flow, "oauth_state").await;
        let res = app.client.get(&callback).send().await.unwrap();
        assert_eq!(
            location(&res),
            "/sign-in?error=oauth_state",
            "no cookie at all"
        );
        let page = app.page("/sign-in?error=oauth_state").await;
        assert!(page.contains("did not match"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused_by_the_provider_and_no_session_is_made() {
    each_app_and(with_provider, |app, provider| async move {
        *provider.wrong_challenge.lock().unwrap() = true;
        let (flow, callback) = start_flow(&app, "github").await;
        finish_refused(&app, &callback, &flow, "oauth_exchange").await;
    })
    .await;
}

#[tokio::test]
async fn a_denied_consent_says_so_and_creates_no_session() {
    each_app_and(with_provider, |app, provider| async move {
        *provider.deny.lock().unwrap() = true;
        let (flow, callback) = start_flow(&app, "huggingface").await;
        assert!(callback.contains("error=access_denied"));
        finish_refused(&app, &callback, &flow, "oauth_denied").await;
        let page = app.page("/sign-in?error=oauth_denied").await;
        assert!(page.contains("permission"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_replayed_callback_is_refused() {
    each_app_and(with_provider, |app, _| async move {
        let (flow, callback) = start_flow(&app, "github").await;
        assert!(set_cookie(&finish(&app, &callback, &flow).await, "hb_session").is_some());
        finish_refused(&app, &callback, &flow, "oauth_expired").await;
    })
    .await;
}

#[tokio::test]
async fn an_unconfigured_provider_is_not_offered() {
    let app = spawn_app(hackboard::store::Engine::Sqlite, AppOptions::default()).await;
    let res = app.get("/auth/github/start").await;
    assert_eq!(location(&res), "/sign-in?error=oauth_unavailable");
    let page = app.page("/sign-in").await;
    assert!(!page.contains("/auth/github/start"));
}
