//! Sign-in by email link, sign-out (here and everywhere), profile and
//! personal API tokens: HTML form endpoints (POST, then redirect to a page)
//! that work without JavaScript. The pages themselves are Leptos routes.

use crate::auth::{self, SIGN_IN_LINK_MINUTES};
use crate::state::AppState;
use crate::store::accounts::NewIdentity;
use crate::web::extract::{FormUser, form_page};
use crate::web::forms::Form;
use crate::web::{internal, urlencode};
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Duration;
use hackboard_domain::email::EmailAddress;
use serde::Deserialize;
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/email", post(request_link))
        .route("/auth/email/confirm", post(confirm_link))
        .route("/auth/sign-out", post(sign_out))
        .route("/auth/sign-out-everywhere", post(sign_out_everywhere))
        .route("/me/profile", post(save_profile).layer(form_page("/me")))
        .route("/me/tokens", post(create_token).layer(form_page("/me")))
        .route(
            "/me/tokens/revoke",
            post(revoke_token).layer(form_page("/me")),
        )
}

/// A redirect after a form, with extra headers (cookies).
fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut res = Redirect::to(to).into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

fn with_query(path: &str, key: &str, value: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{key}={}", urlencode(value))
}

#[derive(Deserialize)]
pub struct LinkRequest {
    email: String,
    next: Option<String>,
}

/// Sends a single-use sign-in link. The answer is the same whether or not
/// the address has an account (a first sign-in creates one).
async fn request_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LinkRequest>,
) -> Response {
    let next = auth::safe_next(form.next.as_deref());
    let back = |error: &str| {
        see_other(
            &with_query(&with_query("/sign-in", "next", &next), "error", error),
            vec![],
        )
    };
    let Ok(email) = EmailAddress::parse(&form.email) else {
        return back("invalid_email");
    };
    let store = &state.backend.store;
    let now = state.backend.clock.now();
    let window = Duration::minutes(15);
    let per_address = auth::within_rate_limit(
        store,
        &format!("sign-in:addr:{}", email.as_str()),
        5,
        window,
        now,
    )
    .await;
    let per_client =
        auth::within_rate_limit(store, &format!("sign-in:ip:{}", peer.ip()), 30, window, now).await;
    match (per_address, per_client) {
        (Ok(true), Ok(true)) => {}
        (Ok(_), Ok(_)) => return back("rate_limited"),
        (Err(e), _) | (_, Err(e)) => return internal(e),
    }
    let token = auth::random_token();
    let link = format!("{}/sign-in/confirm?token={token}", state.config.base_url);
    let mail = crate::mail::sign_in_mail(&email, &link, SIGN_IN_LINK_MINUTES as u32, None);
    let result = store
        .create_login_token(
            &auth::token_hash(&token),
            email.as_str(),
            Some(&next),
            now,
            now + Duration::minutes(SIGN_IN_LINK_MINUTES),
            &mail,
        )
        .await;
    match result {
        Ok(()) => see_other("/sign-in/sent", vec![]),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct Confirm {
    token: String,
}

/// Uses a sign-in link (a POST from the confirmation page, so mail scanners
/// that open links do not use them up).
async fn confirm_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Confirm>,
) -> Response {
    let store = &state.backend.store;
    let now = state.backend.clock.now();
    let used = match store
        .consume_login_token(&auth::token_hash(form.token.trim()), now)
        .await
    {
        Ok(u) => u,
        Err(e) => return internal(e),
    };
    let Some((email, next)) = used else {
        return see_other("/sign-in?error=link_invalid", vec![]);
    };
    let identity = NewIdentity {
        provider: "email".into(),
        subject: email.clone(),
        login: Some(email.clone()),
        display_name: email.split('@').next().unwrap_or("participant").to_owned(),
        email: Some(email.clone()),
        ..Default::default()
    };
    let user_id = match store.user_for_identity(&identity, now).await {
        Ok((id, _)) => id,
        Err(e) => return internal(e),
    };
    // Rotate: whatever session the browser had is ended.
    if let Some(old) = auth::session_token(&state.config, &headers) {
        let _ = store.delete_session(&auth::token_hash(old)).await;
    }
    match auth::start_session(store, &state.config, user_id, now).await {
        Ok(cookie) => see_other(&auth::safe_next(next.as_deref()), vec![cookie]),
        Err(e) => internal(e),
    }
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = auth::session_token(&state.config, &headers)
        && let Err(e) = state
            .backend
            .store
            .delete_session(&auth::token_hash(token))
            .await
    {
        return internal(e);
    }
    see_other("/", vec![auth::clear_cookie(&state.config)])
}

async fn sign_out_everywhere(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let now = state.backend.clock.now();
    match auth::current_user(&state.backend.store, &state.config, &headers, now).await {
        Ok(Some(user)) => match state.backend.store.delete_user_sessions(user.id).await {
            Ok(_) => see_other("/", vec![auth::clear_cookie(&state.config)]),
            Err(e) => internal(e),
        },
        Ok(None) => see_other("/sign-in", vec![]),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct Profile {
    display_name: String,
    time_zone: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    bio: String,
}

async fn save_profile(
    State(state): State<AppState>,
    FormUser(user): FormUser,
    Form(form): Form<Profile>,
) -> Response {
    let name = form.display_name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return see_other("/me?error=display_name", vec![]);
    }
    if form.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return see_other("/me?error=time_zone", vec![]);
    }
    if form.country.chars().count() > 80
        || form.bio.chars().count() > 2000
        || form.skills.chars().count() > 500
    {
        return see_other("/me?error=too_long", vec![]);
    }
    let skills: Vec<String> = form
        .skills
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let skills = serde_json::to_string(&skills).unwrap_or_else(|_| "[]".into());
    match state
        .backend
        .store
        .update_profile(
            user.id,
            name,
            form.time_zone.trim(),
            form.country.trim(),
            &skills,
            form.bio.trim(),
        )
        .await
    {
        Ok(()) => see_other("/me?saved=1", vec![]),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct NewToken {
    name: String,
}

/// Creates a personal API token. Its value is shown once, on the next page
/// view, from a short-lived HttpOnly cookie scoped to `/me`.
async fn create_token(
    State(state): State<AppState>,
    FormUser(user): FormUser,
    Form(form): Form<NewToken>,
) -> Response {
    let now = state.backend.clock.now();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return see_other("/me?error=token_name", vec![]);
    }
    let token = format!("hb_{}", auth::random_token());
    if let Err(e) = state
        .backend
        .store
        .create_api_token(user.id, name, &auth::token_hash(&token), now)
        .await
    {
        return internal(e);
    }
    let secure = if state.config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let flash = HeaderValue::from_str(&format!(
        "hb_new_token={token}; Path=/me; HttpOnly; SameSite=Strict; Max-Age=120{secure}"
    ));
    match flash {
        Ok(flash) => see_other("/me", vec![flash]),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct RevokeToken {
    id: i64,
}

async fn revoke_token(
    State(state): State<AppState>,
    FormUser(user): FormUser,
    Form(form): Form<RevokeToken>,
) -> Response {
    let now = state.backend.clock.now();
    match state
        .backend
        .store
        .revoke_api_token(user.id, form.id, now)
        .await
    {
        Ok(true) => see_other("/me?revoked=1", vec![]),
        Ok(false) => (StatusCode::NOT_FOUND, "You have no such token.").into_response(),
        Err(e) => internal(e),
    }
}
