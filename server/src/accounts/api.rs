//! `/api/v1` for the signed-in account.

use crate::state::AppState;
use crate::web::error::{ApiError, ApiPath, ErrorBody, NotSignedIn};
use crate::web::extract::SignedIn;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(tokens))
        .routes(routes!(revoke_token))
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

/// One personal API token (never its secret, which is shown once, when
/// it is made on the account page).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// Set once revoked: the token no longer signs anyone in.
    pub revoked_at: Option<DateTime<Utc>>,
}

fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The caller's personal API tokens, revoked ones included.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's tokens, oldest first", body = Vec<TokenOut>),
        NotSignedIn,
    ))]
pub(crate) async fn tokens(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Vec<TokenOut>>, ApiError> {
    let tokens = state.backend.store.api_tokens_of(user.id).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenOut {
                id: t.id,
                name: t.name,
                created_at: instant(t.created_at),
                last_used_at: t.last_used_at.map(instant),
                revoked_at: t.revoked_at.map(instant),
            })
            .collect(),
    ))
}

/// Revoke one of the caller's tokens (it may be the one making the call).
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "account",
    params(("id" = i64, Path, description = "The token's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        NotSignedIn,
        (status = 404, description = "No live token of the caller's has this id", body = ErrorBody),
    ))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::http::StatusCode, ApiError> {
    let now = state.backend.clock.now();
    if state
        .backend
        .store
        .revoke_api_token(user.id, id, now)
        .await?
    {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(
            "You have no live token with this id.".into(),
        ))
    }
}
