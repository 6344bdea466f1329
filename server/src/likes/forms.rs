//! Likes over plain HTML forms, for pages without JavaScript: like and
//! withdraw, organizers' voiding and the wild card's confirmation. POST,
//! then back to the page with a signed notice.

use crate::state::AppState;
use crate::web::error::ApiPath;
use crate::web::extract::{FormOrganizer, organizers_form};
use crate::web::forms::Form;
use crate::web::{Fields, form_field as field, internal, notice_url};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/projects/{id}/like", post(like_form))
        .route(
            "/events/{slug}/likes/void",
            post(void_form).layer(organizers_form(
                "/events/{slug}/likes/review",
                "Only the event's organizers can void likes.",
            )),
        )
        .route(
            "/events/{slug}/results/wild-card",
            post(confirm_form).layer(organizers_form(
                "/events/{slug}/results",
                "Only the event's organizers can confirm the wild card.",
            )),
        )
}

async fn like_form(
    State(state): State<AppState>,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/projects/{id}");
    let like = field(&fields, "like") != "false";
    match state
        .backend
        .like_as_viewer(&slug, &headers, id, like)
        .await
    {
        Ok(Some(_)) => Redirect::to(&back).into_response(),
        Ok(None) => Redirect::to(&format!("/sign-in?next={back}")).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong on our side. Please try again.",
        )
            .into_response(),
    }
}

/// Parses "1,2, 3" into ids (at most 10,000), or why not.
fn parse_ids(text: &str) -> Result<Vec<i64>, String> {
    let ids: Result<Vec<i64>, _> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect();
    match ids {
        Ok(ids) if ids.is_empty() => Err("Choose the likes to void.".into()),
        Ok(ids) if ids.len() > 10_000 => Err("Void at most 10,000 likes at once.".into()),
        Ok(ids) => Ok(ids),
        Err(_) => Err("The likes to void are given by their numbers.".into()),
    }
}

pub(crate) fn checked_reason(reason: &str) -> Result<&str, String> {
    let r = reason.trim();
    if r.is_empty() {
        Err("Give a reason: it goes in the audit log.".into())
    } else if r.chars().count() > 500 {
        Err("Keep the reason under 500 characters.".into())
    } else {
        Ok(r)
    }
}

async fn void_form(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/likes/review");
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    let (ids, reason) = match (
        parse_ids(field(&fields, "ids")),
        checked_reason(field(&fields, "reason")),
    ) {
        (Ok(i), Ok(r)) => (i, r),
        (Err(m), _) | (_, Err(m)) => return notice(false, &m).into_response(),
    };
    let now = state.backend.clock.now();
    match state
        .backend
        .store
        .void_likes(event.id, &ids, reason, user.id, now)
        .await
    {
        Ok(n) => {
            state.backend.gallery_cache_clear();
            notice(
                true,
                &format!("{n} like(s) voided; the audit log has the reason."),
            )
            .into_response()
        }
        Err(e) => internal(e),
    }
}

async fn confirm_form(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/results");
    let id = field(&fields, "submission_id").trim().parse().unwrap_or(0);
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    match crate::likes::actions::confirm_wild_card(&state, &event, user.id, id).await {
        Ok(()) => notice(true, "Wild card confirmed.").into_response(),
        Err(crate::web::error::ApiError::Refused(_, _, m)) => notice(false, &m).into_response(),
        Err(e) => e.into_response(),
    }
}
