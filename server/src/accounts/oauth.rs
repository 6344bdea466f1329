//! Sign in with GitHub and Hugging Face: OAuth 2.0 authorization code with
//! `state` and PKCE (S256), one callback per provider.
//!
//! - `state` is random, stored hashed with the flow and also set in an
//!   HttpOnly cookie scoped to `/auth`: the callback must present both, so a
//!   flow started in one browser cannot be finished in another.
//! - A flow is used once (one `UPDATE … RETURNING`) and expires in ten
//!   minutes; a replayed callback finds nothing.
//! - The HTTP client never follows redirects and times out.
//! - Accounts are identified by (provider, the provider's immutable id):
//!   GitHub's numeric `id`, Hugging Face's `sub`. A signed-in person who
//!   starts a flow links the identity to their account instead.
//! - Hugging Face's userinfo lists the person's organizations: membership of
//!   an event's organization is recorded.

use crate::auth;
use crate::config::OAuthProvider;
use crate::state::AppState;
use crate::store::accounts::NewIdentity;
use crate::web::error::ApiPath;
use crate::web::internal;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Duration;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

const FLOW_COOKIE: &str = "hb_oauth";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/{provider}/start", get(start))
        .route("/auth/{provider}/callback", get(callback))
}

fn provider<'a>(state: &'a AppState, id: &str) -> Option<&'a OAuthProvider> {
    match id {
        "github" => state.config.github.as_ref(),
        "huggingface" => state.config.huggingface.as_ref(),
        _ => None,
    }
}

fn failed(code: &str) -> Response {
    let mut res = Redirect::to(&format!("/sign-in?error=oauth_{code}")).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("hb_oauth=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    res
}

fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .user_agent("Hackboard")
        .build()
}

#[derive(Deserialize)]
pub struct Start {
    next: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    Query(q): Query<Start>,
) -> Response {
    let Some(p) = provider(&state, &id) else {
        return failed("unavailable");
    };
    let (Ok(auth_url), Ok(redirect)) = (
        AuthUrl::new(p.authorize_url.clone()),
        RedirectUrl::new(format!("{}/auth/{id}/callback", state.config.base_url)),
    ) else {
        return failed("unavailable");
    };
    let now = state.backend.clock.now();
    let linking = match auth::current_user(&state.backend.store, &state.config, &headers, now).await
    {
        Ok(u) => u.map(|u| u.id),
        Err(e) => return internal(e),
    };
    let client = BasicClient::new(ClientId::new(p.client_id.clone()))
        .set_auth_uri(auth_url)
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let scopes: &[&str] = if id == "github" {
        &["read:user", "user:email"]
    } else {
        &["openid", "profile", "email"]
    };
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .set_pkce_challenge(challenge)
        .url();
    let next = auth::safe_next(q.next.as_deref());
    if let Err(e) = state
        .backend
        .store
        .create_oauth_flow(
            &auth::token_hash(csrf.secret()),
            &id,
            verifier.secret(),
            &next,
            linking,
            now,
            now + Duration::minutes(10),
        )
        .await
    {
        return internal(e);
    }
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let mut res = Redirect::to(url.as_str()).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{FLOW_COOKIE}={}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=600{secure}",
        csrf.secret()
    )) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct GithubUser {
    id: i64,
    login: String,
    name: Option<String>,
    email: Option<String>,
}

/// An organization in Hugging Face's userinfo answer. Each entry carries
/// both `name` (the display name) and `preferred_username` (the handle we
/// match on), and more we do not read; an alias of one to the other made
/// serde refuse every org member's answer ("duplicate field").
#[derive(Deserialize)]
struct HfOrg {
    preferred_username: Option<String>,
}

#[derive(Deserialize)]
struct HfUser {
    sub: String,
    preferred_username: Option<String>,
    name: Option<String>,
    email: Option<String>,
    #[serde(default)]
    orgs: Vec<HfOrg>,
}

async fn callback(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Response {
    let Some(p) = provider(&state, &id) else {
        return failed("unavailable");
    };
    let Some(returned_state) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return failed("state");
    };
    if crate::auth::cookie(&headers, FLOW_COOKIE) != Some(returned_state) {
        return failed("state");
    }
    let now = state.backend.clock.now();
    let store = &state.backend.store;
    let flow = match store
        .consume_oauth_flow(&auth::token_hash(returned_state), &id, now)
        .await
    {
        Ok(Some(f)) => f,
        Ok(None) => return failed("expired"),
        Err(e) => return internal(e),
    };
    let (verifier, next, linking) = flow;
    if let Some(error) = q.error.as_deref() {
        tracing::info!(provider = %id, error = %error, "OAuth sign-in refused at the provider");
        return failed(if error == "access_denied" {
            "denied"
        } else {
            "provider"
        });
    }
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return failed("provider");
    };
    let (Ok(token_url), Ok(redirect), Ok(http)) = (
        TokenUrl::new(p.token_url.clone()),
        RedirectUrl::new(format!("{}/auth/{id}/callback", state.config.base_url)),
        http_client(),
    ) else {
        return failed("unavailable");
    };
    let client = BasicClient::new(ClientId::new(p.client_id.clone()))
        .set_client_secret(ClientSecret::new(p.client_secret.expose().to_owned()))
        .set_token_uri(token_url)
        .set_redirect_uri(redirect);
    let token = match client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
    {
        Ok(t) => t.access_token().secret().to_owned(),
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "OAuth code exchange failed");
            return failed("exchange");
        }
    };
    let identity = match fetch_identity(&http, &id, p, &token).await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(provider = %id, error = %e, "OAuth profile fetch failed");
            return failed("profile");
        }
    };
    let (identity, orgs) = identity;
    let user_id = match linking {
        Some(user_id) => match store.link_identity(user_id, &identity, now).await {
            Ok(()) => user_id,
            Err(crate::store::StoreError::Conflict { .. }) => return failed("linked_elsewhere"),
            Err(e) => return internal(e),
        },
        None => match store.user_for_identity(&identity, now).await {
            Ok((id, _)) => id,
            Err(e) => return internal(e),
        },
    };
    if let Some(username) = identity.hf_handle.as_deref()
        && let Err(e) = record_org_memberships(&state, username, &orgs).await
    {
        return internal(e);
    }
    if let Some(old) = auth::session_token(&state.config, &headers) {
        let _ = store.delete_session(&auth::token_hash(old)).await;
    }
    match auth::start_session(store, &state.config, user_id, now).await {
        Ok(cookie) => {
            let mut res = Redirect::to(&auth::safe_next(next.as_deref())).into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie);
            res.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "hb_oauth=; Path=/auth; HttpOnly; SameSite=Lax; Max-Age=0",
                ),
            );
            res
        }
        Err(e) => internal(e),
    }
}

async fn fetch_identity(
    http: &reqwest::Client,
    id: &str,
    p: &OAuthProvider,
    token: &str,
) -> Result<(NewIdentity, Vec<String>), reqwest::Error> {
    if id == "github" {
        let u: GithubUser = http
            .get(format!("{}/user", p.user_url))
            .bearer_auth(token)
            .header(header::ACCEPT, "application/vnd.github+json")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok((
            NewIdentity {
                provider: "github".into(),
                subject: u.id.to_string(),
                login: Some(u.login.clone()),
                display_name: u
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| u.login.clone()),
                email: u.email.map(|e| e.to_lowercase()),
                github_handle: Some(u.login),
                hf_handle: None,
            },
            vec![],
        ))
    } else {
        let u: HfUser = http
            .get(&p.user_url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let handle = u
            .preferred_username
            .clone()
            .unwrap_or_else(|| u.sub.clone());
        Ok((
            NewIdentity {
                provider: "huggingface".into(),
                subject: u.sub,
                login: Some(handle.clone()),
                display_name: u
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| handle.clone()),
                email: u.email.map(|e| e.to_lowercase()),
                github_handle: None,
                hf_handle: Some(handle),
            },
            u.orgs
                .into_iter()
                .filter_map(|o| o.preferred_username)
                .collect(),
        ))
    }
}

/// Records the person as a member of every event organization they belong to.
async fn record_org_memberships(
    state: &AppState,
    username: &str,
    orgs: &[String],
) -> Result<(), crate::store::StoreError> {
    if orgs.is_empty() {
        return Ok(());
    }
    let now = state.backend.clock.now();
    for event in state.backend.store.list_events().await? {
        if let Some(org) = &event.definition.hf_org
            && orgs.iter().any(|o| o.eq_ignore_ascii_case(org))
        {
            state
                .backend
                .store
                .add_hf_org_member(event.id, username, now)
                .await?;
        }
    }
    Ok(())
}
