//! What organizers manage besides registrations: invite links (shown once,
//! stored hashed) and who else organizes or judges. HTML form endpoints:
//! POST, then a redirect to the registrations page saying what happened.

use crate::auth;
use crate::state::AppState;
use crate::store::{RevokeOutcome, Role};
use crate::web::Fields;
use crate::web::error::ApiPath;

use crate::web::extract::{FormOrganizer, organizers_form};
use crate::web::forms::Form;
use crate::web::internal;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use hackboard_domain::email::EmailAddress;
use hackboard_domain::registration::invite_limits;

/// The flash cookie that carries a new invite token to the next page view.
pub const NEW_INVITE_COOKIE: &str = "hb_new_invite";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/invites", post(create_invite))
        .route("/events/{slug}/invites/revoke", post(revoke_invite))
        .route("/events/{slug}/roles", post(grant_role))
        .route("/events/{slug}/roles/revoke", post(revoke_role))
        .layer(organizers_form(
            "/events/{slug}/registrations",
            "Only the event's organizers can do this.",
        ))
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    crate::web::form_field(fields, name).trim()
}

/// An optional whole number: `Ok(None)` when blank, `Err` when not a number.
fn number(fields: &Fields, name: &str) -> Result<Option<i64>, ()> {
    match field(fields, name) {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| ()),
    }
}

fn page(slug: &str) -> String {
    format!("/events/{slug}/registrations")
}

fn back(slug: &str, query: &str) -> Response {
    Redirect::to(&format!("{}?{query}", page(slug))).into_response()
}

async fn create_invite(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let now = state.backend.clock.now();
    let (Ok(max_uses), Ok(days)) = (number(&fields, "max_uses"), number(&fields, "valid_days"))
    else {
        return back(&slug, "error=invite_numbers");
    };
    let limits = match invite_limits(max_uses, days, now) {
        Ok(l) => l,
        Err(_) => return back(&slug, "error=invite_numbers"),
    };
    let token = auth::random_token();
    if let Err(e) = state
        .backend
        .store
        .create_invite(
            event.id,
            &auth::token_hash(&token),
            limits.max_uses,
            limits.expires_at,
            now,
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
    let flash = HeaderValue::from_str(&format!(
        "{NEW_INVITE_COOKIE}={token}; Path={}; HttpOnly; SameSite=Strict; Max-Age=120{secure}",
        page(&slug)
    ));
    match flash {
        Ok(flash) => {
            let mut res = back(&slug, "done=invite_created");
            res.headers_mut().append(header::SET_COOKIE, flash);
            res
        }
        Err(e) => internal(e),
    }
}

async fn revoke_invite(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Ok(Some(id)) = number(&fields, "id") else {
        return back(&slug, "error=invite_unknown");
    };
    let now = state.backend.clock.now();
    match state.backend.store.revoke_invite(event.id, id, now).await {
        Ok(true) => back(&slug, "done=invite_revoked"),
        Ok(false) => back(&slug, "error=invite_unknown"),
        Err(e) => internal(e),
    }
}

async fn grant_role(
    State(state): State<AppState>,
    FormOrganizer { event, user: by }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let Some(role) = Role::parse(field(&fields, "role")) else {
        return back(&slug, "error=role_unknown");
    };
    let Ok(email) = EmailAddress::parse(field(&fields, "email")) else {
        return back(&slug, "error=role_email");
    };
    let store = &state.backend.store;
    let mut users = match store.users_by_email(email.as_str()).await {
        Ok(u) => u,
        Err(e) => return internal(e),
    };
    let user = match users.len() {
        0 => return back(&slug, "error=role_no_account"),
        1 => users.remove(0),
        _ => return back(&slug, "error=role_ambiguous"),
    };
    let now = state.backend.clock.now();
    match store
        .grant_role(event.id, user.id, role, Some(by.id), now)
        .await
    {
        Ok(()) => back(&slug, "done=role_granted"),
        Err(e) => internal(e),
    }
}

async fn revoke_role(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let (Some(role), Ok(Some(user_id))) = (
        Role::parse(field(&fields, "role")),
        number(&fields, "user_id"),
    ) else {
        return back(&slug, "error=role_unknown");
    };
    match state
        .backend
        .store
        .revoke_role(event.id, user_id, role, true)
        .await
    {
        Ok(RevokeOutcome::Revoked) => back(&slug, "done=role_revoked"),
        Ok(RevokeOutcome::NotHeld) => back(&slug, "error=role_not_held"),
        Ok(RevokeOutcome::LastOrganizer) => back(&slug, "error=last_organizer"),
        Err(e) => internal(e),
    }
}
