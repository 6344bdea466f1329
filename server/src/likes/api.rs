//! `/api/v1` for likes: the gallery, a project, like and withdraw, the
//! results with the frozen snapshot, organizers' voiding (audited) and the
//! wild card's confirmation.

use crate::state::AppState;
use crate::web::error::{
    ApiError, ApiJson, ApiPath, ErrorBody, NoSuchEvent, NotOrganizer, NotSignedIn,
};
use crate::web::extract::{Organizer, SignedIn};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::web::peer::PEER_HEADER;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use hackboard_app::wire::{GalleryView, LikeOut, ProjectView, ResultsView};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(gallery))
        .routes(routes!(project))
        .routes(routes!(like, unlike))
        .routes(routes!(results))
        .routes(routes!(void))
        .routes(routes!(confirm))
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
        NoSuchEvent,
    ))]
pub(crate) async fn gallery(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
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
    ApiPath((slug, id)): ApiPath<(String, i64)>,
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
        NotSignedIn,
        (status = 404, description = "No such submitted project", body = ErrorBody),
        (status = 409, description = "Refused in words (own project, closed, not registered); the count unchanged", body = ErrorBody),
        (status = 429, description = "Too many likes in a minute", body = ErrorBody),
    ))]
pub(crate) async fn like(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
) -> Result<Json<LikeOut>, ApiError> {
    set(&state, &user, &slug, id, &headers, true).await
}

/// Withdraw a like (before the likes extraction).
#[utoipa::path(delete, path = "/api/v1/events/{slug}/projects/{id}/like", tag = "likes",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The project's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn: the count now", body = LikeOut),
        NotSignedIn,
        (status = 409, description = "Refused in words (closed)", body = ErrorBody),
    ))]
pub(crate) async fn unlike(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
) -> Result<Json<LikeOut>, ApiError> {
    set(&state, &user, &slug, id, &headers, false).await
}

async fn set(
    state: &AppState,
    user: &crate::store::User,
    slug: &str,
    id: i64,
    headers: &HeaderMap,
    like: bool,
) -> Result<Json<LikeOut>, ApiError> {
    let event = state
        .backend
        .event_for_like(slug)
        .await?
        .ok_or_else(|| ApiError::no_event(slug))?;
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let done = state
        .backend
        .like_as(
            event,
            user,
            id,
            like,
            header(PEER_HEADER),
            header("user-agent"),
        )
        .await?;
    Ok(Json(LikeOut {
        likes: done.likes,
        liked: done.liked,
        error: None,
    }))
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
    ApiPath(slug): ApiPath<String>,
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
        NotOrganizer,
        (status = 409, description = "No reason or no likes given", body = ErrorBody),
    ))]
pub(crate) async fn void(
    State(state): State<AppState>,
    Organizer { event, user }: Organizer,
    ApiJson(input): ApiJson<VoidIn>,
) -> Result<Json<VoidOut>, ApiError> {
    let reason = crate::likes::forms::checked_reason(&input.reason)
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
        NotOrganizer,
        (status = 409, description = "Not frozen yet, not the proposed project, or already confirmed", body = ErrorBody),
    ))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Organizer { event, user }: Organizer,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<WildCardIn>,
) -> Result<Json<ResultsView>, ApiError> {
    crate::likes::actions::confirm_wild_card(&state, &event, user.id, input.submission_id).await?;
    state
        .backend
        .results_view(&slug, &headers, &[])
        .await?
        .map(Json)
        .ok_or(ApiError::Logged)
}
