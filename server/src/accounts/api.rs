//! `/api/v1` for the signed-in account.

use crate::state::AppState;
use crate::web::error::{ApiError, NotSignedIn};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The signed-in account (session cookie or personal API token).
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    pub id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub time_zone: String,
    pub github_handle: Option<String>,
    pub hugging_face_handle: Option<String>,
}

/// Who am I? Authenticate with `Authorization: Bearer <personal API token>`.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account", body = MeOut),
        NotSignedIn,
    ))]
pub(crate) async fn me(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Json<MeOut>, ApiError> {
    let user = crate::auth::current_user(
        &state.backend.store,
        &state.config,
        &headers,
        state.backend.clock.now(),
    )
    .await?
    .ok_or(ApiError::Unauthorized)?;
    Ok(Json(MeOut {
        id: user.id,
        display_name: user.display_name,
        email: user.email,
        time_zone: user.time_zone,
        github_handle: user.github_handle,
        hugging_face_handle: user.hf_handle,
    }))
}
