//! Likes over plain forms and `/api/v1`: like and withdraw (the island
//! uses its server function; these serve pages without JavaScript and API
//! clients), the gallery, results and snapshot as JSON, organizers'
//! voiding (audited) and wild-card confirmation. Also the layer that tells
//! handlers the connection's peer address.

use crate::likes::actions::standings;
use crate::state::AppState;
use crate::web::error::{ApiError, ApiJson, ErrorBody};
use crate::web::event_and_organizer;
use crate::web::peer::PEER_HEADER;
use crate::web::{Fields, form_field as field, internal, notice_url};
use axum::Form;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hackboard_app::wire::{GalleryView, LikeOut, ProjectView, ResultsView};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/projects/{id}/like", post(like_form))
        .route("/events/{slug}/likes/void", post(void_form))
        .route("/events/{slug}/results/wild-card", post(confirm_form))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/gallery", get(gallery))
        .route("/events/{slug}/projects/{id}", get(project))
        .route(
            "/events/{slug}/projects/{id}/like",
            axum::routing::put(like).delete(unlike),
        )
        .route("/events/{slug}/results", get(results))
        .route("/events/{slug}/likes/void", post(void))
        .route("/events/{slug}/wild-card", post(confirm))
}

async fn like_form(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
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

fn checked_reason(reason: &str) -> Result<&str, String> {
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
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/likes/review");
    let (event, user) = match event_and_organizer(
        &state,
        &slug,
        &headers,
        &back,
        "Only the event's organizers can void likes.",
    )
    .await
    {
        Ok(v) => v,
        Err(r) => return r,
    };
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

/// Confirms the wild card: only the proposed project, only once the counts
/// are frozen, only once.
async fn confirm_wild_card(
    state: &AppState,
    event: &crate::store::StoredEvent,
    actor: i64,
    submission_id: i64,
) -> Result<(), ApiError> {
    let now = state.backend.clock.now();
    let store = &state.backend.store;
    if store.like_snapshot(event.id).await?.is_none() {
        return Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "The counts are not frozen yet: the wild card is confirmed after the likes extraction."
                .into(),
        ));
    }
    let report = crate::eligibility::actions::report(store, event.id).await?;
    let (rows, proposed) = standings(store, event, &report, now).await?;
    if proposed != Some(submission_id) {
        return Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "That is not the proposed wild card (the most-liked eligible project).".into(),
        ));
    }
    let likes = rows
        .iter()
        .find(|r| r.submission_id == submission_id)
        .map_or(0, |r| r.likes);
    if !store
        .confirm_wild_card(event.id, submission_id, likes, actor, now)
        .await?
    {
        return Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "The wild card was already confirmed.".into(),
        ));
    }
    Ok(())
}

async fn confirm_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/results");
    let (event, user) = match event_and_organizer(
        &state,
        &slug,
        &headers,
        &back,
        "Only the event's organizers can confirm the wild card.",
    )
    .await
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let id = field(&fields, "submission_id").trim().parse().unwrap_or(0);
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    match confirm_wild_card(&state, &event, user.id, id).await {
        Ok(()) => notice(true, "Wild card confirmed.").into_response(),
        Err(ApiError::Refused(_, _, m)) => notice(false, &m).into_response(),
        Err(e) => e.into_response(),
    }
}

fn query_pairs(q: BTreeMap<String, String>) -> Vec<(String, String)> {
    q.into_iter().collect()
}

/// The gallery: public projects, filtered by `track` and `q`, in `sort`
/// order (`random` per visitor, `likes`, `newest`), 24 a page.
#[utoipa::path(get, path = "/api/v1/events/{slug}/gallery", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug"),
           ("track" = Option<String>, Query, description = "A track's slug"),
           ("q" = Option<String>, Query, description = "Text to search"),
           ("sort" = Option<String>, Query, description = "random, likes or newest"),
           ("page" = Option<usize>, Query, description = "From 1")),
    responses(
        (status = 200, description = "The page of projects", body = GalleryView),
        (status = 404, description = "No such event", body = ErrorBody),
    ))]
pub(crate) async fn gallery(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<GalleryView>, ApiError> {
    state
        .backend
        .gallery_view(&slug, &headers, &query_pairs(q))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("There is no such event.".into()))
}

/// A project: public once submitted and the gallery is open; before that
/// only for its team and organizers.
#[utoipa::path(get, path = "/api/v1/events/{slug}/projects/{id}", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project, with its like count and the caller's like", body = ProjectView),
        (status = 404, description = "No such project, or not visible to the caller", body = ErrorBody),
    ))]
pub(crate) async fn project(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<Json<ProjectView>, ApiError> {
    state
        .backend
        .project_view(&slug, id, &headers)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("There is no such project to show.".into()))
}

/// Like a project (idempotent).
#[utoipa::path(put, path = "/api/v1/events/{slug}/projects/{id}/like", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The project's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Liked: the count now", body = LikeOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such submitted project", body = ErrorBody),
        (status = 409, description = "Refused in words (own project, closed, not registered); the count unchanged", body = ErrorBody),
        (status = 429, description = "Too many likes in a minute", body = ErrorBody),
    ))]
pub(crate) async fn like(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    set(&state, &slug, id, &headers, true).await
}

/// Withdraw a like (before the likes extraction).
#[utoipa::path(delete, path = "/api/v1/events/{slug}/projects/{id}/like", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The project's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn: the count now", body = LikeOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "Refused in words (closed)", body = ErrorBody),
    ))]
pub(crate) async fn unlike(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    set(&state, &slug, id, &headers, false).await
}

async fn set(state: &AppState, slug: &str, id: i64, headers: &HeaderMap, like: bool) -> Response {
    let user = match crate::web::signed_in_user(state, headers).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let event = match state.backend.event_for_like(slug).await {
        Ok(Some(e)) => e,
        Ok(None) => {
            return ApiError::NotFound(format!("No event has the slug \"{slug}\"."))
                .into_response();
        }
        Err(e) => return ApiError::Internal(e).into_response(),
    };
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    use crate::likes::actions::LikeFail;
    let peer = header(PEER_HEADER);
    let agent = header("user-agent");
    match state
        .backend
        .like_as(event, &user, id, like, peer, agent)
        .await
    {
        Ok(s) => Json(LikeOut {
            likes: s.likes,
            liked: s.liked,
            error: None,
        })
        .into_response(),
        Err(LikeFail::NoProject) => {
            ApiError::NotFound("There is no such submitted project in this event.".into())
                .into_response()
        }
        Err(LikeFail::RateLimited) => ApiError::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            LikeFail::RateLimited.to_string(),
        )
        .into_response(),
        Err(LikeFail::Refused(m)) => {
            ApiError::Refused(StatusCode::CONFLICT, "refused", m).into_response()
        }
        Err(e @ LikeFail::Changed) => {
            ApiError::Refused(StatusCode::CONFLICT, "changed", e.to_string()).into_response()
        }
        Err(LikeFail::Store(e)) => ApiError::Internal(e).into_response(),
    }
}

/// The likes results: frozen counts with the snapshot's SHA-256 and
/// canonical JSON, adjustments, the wild-card rule, proposal and
/// confirmation.
#[utoipa::path(get, path = "/api/v1/events/{slug}/results", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug")),
    responses(
        (status = 200, description = "The results", body = ResultsView),
        (status = 404, description = "No such event, or the gallery is not open", body = ErrorBody),
    ))]
pub(crate) async fn results(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ResultsView>, ApiError> {
    state
        .backend
        .results_view(&slug, &headers, &[])
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("There are no results to show yet.".into()))
}

/// Likes to void, with the reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoidIn {
    pub ids: Vec<i64>,
    pub reason: String,
}

/// How many likes were voided.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoidOut {
    pub voided: u64,
}

/// Void likes with a reason (organizers; audited; never deleted).
#[utoipa::path(post, path = "/api/v1/events/{slug}/likes/void", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = VoidIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Voided", body = VoidOut),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 409, description = "No reason or no likes given", body = ErrorBody),
    ))]
pub(crate) async fn void(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<VoidIn>,
) -> Result<Json<VoidOut>, ApiError> {
    let (event, user) = crate::web::organizer_of(&state, &headers, &slug).await?;
    let reason = checked_reason(&input.reason)
        .map_err(|m| ApiError::Refused(StatusCode::CONFLICT, "refused", m))?;
    if input.ids.is_empty() || input.ids.len() > 10_000 {
        return Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "Give 1 to 10,000 likes to void.".into(),
        ));
    }
    let now = state.backend.clock.now();
    let voided = state
        .backend
        .store
        .void_likes(event.id, &input.ids, reason, user.id, now)
        .await?;
    state.backend.gallery_cache_clear();
    Ok(Json(VoidOut { voided }))
}

/// The project to confirm as the wild card.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WildCardIn {
    pub submission_id: i64,
}

/// Confirm the proposed wild card (organizers; after the likes extraction;
/// once).
#[utoipa::path(post, path = "/api/v1/events/{slug}/wild-card", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = WildCardIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed: the results", body = ResultsView),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 409, description = "Not frozen yet, not the proposed project, or already confirmed", body = ErrorBody),
    ))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<WildCardIn>,
) -> Result<Json<ResultsView>, ApiError> {
    let (event, user) = crate::web::organizer_of(&state, &headers, &slug).await?;
    confirm_wild_card(&state, &event, user.id, input.submission_id).await?;
    state
        .backend
        .results_view(&slug, &headers, &[])
        .await?
        .map(Json)
        .ok_or(ApiError::Logged)
}
