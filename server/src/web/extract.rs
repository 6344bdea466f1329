//! What handlers take from a request before they act: the signed-in
//! account, the event named in the path, an organizer of that event.

use crate::state::AppState;
use crate::store::{StoredEvent, User};
use crate::web::error::ApiError;
use crate::web::forms::internal;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn signed_in_user(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<crate::store::User, ApiError> {
    crate::auth::current_user(
        &state.backend.store,
        &state.config,
        headers,
        state.backend.clock.now(),
    )
    .await?
    .ok_or(ApiError::Unauthorized)
}

/// The event, from the revision-checked cache (one small query).
pub async fn event_named(
    state: &AppState,
    slug: &str,
) -> Result<std::sync::Arc<crate::store::StoredEvent>, ApiError> {
    state
        .backend
        .stored_event(slug)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No event has the slug \"{slug}\".")))
}

pub async fn organizer_of(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    slug: &str,
) -> Result<(crate::store::StoredEvent, crate::store::User), ApiError> {
    let user = signed_in_user(state, headers).await?;
    let event = event_named(state, slug).await?;
    if crate::auth::may_organize(&state.backend.store, event.id, &user).await? {
        Ok(((*event).clone(), user))
    } else {
        Err(ApiError::Refused(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only the event's organizers can do this.".into(),
        ))
    }
}

/// The signed-in user of a form request, or a redirect to sign in that
/// comes back to `back`.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    back: &str,
) -> Result<crate::store::User, Response> {
    let now = state.backend.clock.now();
    match crate::auth::current_user(&state.backend.store, &state.config, headers, now).await {
        Ok(Some(user)) => Ok(user),
        // Slashes stay readable; everything else in the path is encoded.
        Ok(None) => Err(axum::response::Redirect::to(&format!(
            "/sign-in?next={}",
            super::urlencode(back).replace("%2F", "/")
        ))
        .into_response()),
        Err(e) => Err(internal(e)),
    }
}

pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is no such event.").into_response()
}

/// The event and the signed-in user, or the response to send instead.
pub(crate) async fn event_and_user(
    state: &AppState,
    slug: &str,
    headers: &HeaderMap,
    back: &str,
) -> Result<(StoredEvent, User), Response> {
    let event = match state.backend.store.event_by_slug(slug).await {
        Ok(Some(e)) => e,
        Ok(None) => return Err(not_found()),
        Err(e) => return Err(internal(e)),
    };
    Ok((event, signed_in(state, headers, back).await?))
}

/// The event and its signed-in organizer, or the response to send instead
/// (sign in, or 403 saying `refusal`).
pub(crate) async fn event_and_organizer(
    state: &AppState,
    slug: &str,
    headers: &HeaderMap,
    back: &str,
    refusal: &'static str,
) -> Result<(StoredEvent, User), Response> {
    let (event, user) = event_and_user(state, slug, headers, back).await?;
    match crate::auth::may_organize(&state.backend.store, event.id, &user).await {
        Ok(true) => Ok((event, user)),
        Ok(false) => Err((StatusCode::FORBIDDEN, refusal).into_response()),
        Err(e) => Err(internal(e)),
    }
}
