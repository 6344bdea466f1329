//! `/api/v1` for submissions: the caller's team's submission with its
//! history, saving it from a version (field errors and conflicts in the
//! API's error shape, with details), and organizers' extensions.

use crate::state::AppState;
use crate::submissions::actions::{SubmitActor, SubmitFail};
use crate::web::error::{
    ApiError, ApiJson, ApiPath, ErrorBody, NoSuchEvent, NotOrganizer, NotSignedIn,
};
use crate::web::extract::{EventPath, Organizer, SignedIn};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hackboard_domain::submission::SubmissionContent;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine, save))
        .routes(routes!(extend))
        .routes(routes!(all))
}

/// A submission's fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ContentIo {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub tagline: String,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// Track slugs.
    #[serde(default)]
    pub tracks: Vec<String>,
    /// `https://github.com/<owner>/<repo>`; required to submit.
    #[serde(default)]
    pub github_url: String,
    /// Hugging Face models, datasets or Spaces.
    #[serde(default)]
    pub hf_urls: Vec<String>,
    #[serde(default)]
    pub demo_video_url: String,
    #[serde(default)]
    pub live_demo_url: String,
    #[serde(default)]
    pub built_with: Vec<String>,
}

impl From<ContentIo> for SubmissionContent {
    fn from(c: ContentIo) -> Self {
        SubmissionContent {
            title: c.title,
            tagline: c.tagline,
            description: c.description,
            tracks: c.tracks,
            github_url: c.github_url,
            hf_urls: c.hf_urls,
            demo_video_url: c.demo_video_url,
            live_demo_url: c.live_demo_url,
            built_with: c.built_with,
        }
    }
}

impl From<SubmissionContent> for ContentIo {
    fn from(c: SubmissionContent) -> Self {
        ContentIo {
            title: c.title,
            tagline: c.tagline,
            description: c.description,
            tracks: c.tracks,
            github_url: c.github_url,
            hf_urls: c.hf_urls,
            demo_video_url: c.demo_video_url,
            live_demo_url: c.live_demo_url,
            built_with: c.built_with,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    pub version: i64,
    /// False for a save that lost a race (its text is kept here).
    pub accepted: bool,
    pub status: String,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
    pub hash: String,
    pub content: ContentIo,
}

/// The team's submission (version 0 and status `none` before the first save).
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionOut {
    pub team: String,
    /// The submission's id (also its project's), once saved.
    pub id: Option<i64>,
    /// The project's page (public once the gallery opens), once saved.
    pub project_url: Option<String>,
    pub version: i64,
    /// `none`, `draft` or `submitted`.
    pub status: String,
    pub content: ContentIo,
    pub hash: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether the team can still save, and why not.
    pub open: bool,
    pub closed_because: Option<String>,
    pub history: Vec<VersionOut>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SaveIn {
    /// The version this text was edited from (0 for the first save).
    pub base_version: i64,
    /// Submit (not only save a draft).
    #[serde(default)]
    pub submit: bool,
    pub content: ContentIo,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SaveOut {
    /// The submission's id (also its project's).
    pub id: i64,
    /// The project's page (public once the gallery opens).
    pub project_url: String,
    pub version: i64,
    pub status: String,
    /// SHA-256 of the saved content (the receipt's).
    pub hash: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtensionIn {
    /// Wall-clock time in the team's zone: `YYYY-MM-DD HH:MM`.
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionOut {
    pub until: DateTime<Utc>,
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The caller's team's submission, with every version.
#[utoipa::path(get, path = "/api/v1/events/{slug}/submission", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The team's submission", body = SubmissionOut),
        NotSignedIn, NoSuchEvent,
        (status = 409, description = "Not registered, or in no team", body = ErrorBody),
    ))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
) -> Response {
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let (team, sub) = match actor.current().await {
        Ok(v) => v,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let closed_because = match actor.open(&team).await {
        Ok(()) => None,
        Err(SubmitFail::Refused(m)) => Some(m),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let history = match &sub {
        Some(s) => match state.backend.store.submission_versions(s.id).await {
            Ok(v) => v
                .into_iter()
                .map(|v| VersionOut {
                    version: v.version,
                    accepted: v.accepted,
                    status: v.status,
                    saved_by: v.saved_by,
                    saved_at: at(v.saved_at),
                    hash: v.content_hash,
                    content: SubmissionContent::from_json(&v.content).into(),
                })
                .collect(),
            Err(e) => return ApiError::Internal(e).into_response(),
        },
        None => vec![],
    };
    Json(SubmissionOut {
        team: team.name,
        id: sub.as_ref().map(|s| s.id),
        project_url: sub
            .as_ref()
            .map(|s| project_url(&state, &event.definition.slug, s.id)),
        version: sub.as_ref().map_or(0, |s| s.version),
        status: sub.as_ref().map_or("none".into(), |s| s.status.clone()),
        content: sub
            .as_ref()
            .map(|s| SubmissionContent::from_json(&s.content))
            .unwrap_or_default()
            .into(),
        hash: sub.as_ref().map(|s| s.content_hash.clone()),
        submitted_at: sub.as_ref().and_then(|s| s.submitted_at).map(at),
        open: closed_because.is_none(),
        closed_because,
        history,
    })
    .into_response()
}

/// The project page's address, absolute (the configured base URL).
fn project_url(state: &AppState, slug: &impl std::fmt::Display, id: i64) -> String {
    format!(
        "{}/events/{slug}/projects/{id}",
        state.config.base_url.trim_end_matches('/')
    )
}

/// Save the team's submission from `base_version`; `submit` submits it
/// (every member gets a receipt with the content's hash).
#[utoipa::path(put, path = "/api/v1/events/{slug}/submission", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = SaveIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = SaveOut),
        NotSignedIn,
        (status = 409, description = "`conflict`: someone saved first (`current` holds their version; yours is kept in the history); `refused`: after the deadline, not registered or in no team", body = ErrorBody),
        (status = 422, description = "`invalid`: `fields` lists each field and what is wrong; nothing saved", body = ErrorBody),
    ))]
pub(crate) async fn save(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiJson(input): ApiJson<SaveIn>,
) -> Response {
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let saved = actor
        .save(
            &input.content.into(),
            input.base_version.max(0),
            input.submit,
        )
        .await;
    if saved.is_ok() {
        state.backend.checks.wake();
    }
    match saved {
        Ok(d) => Json(SaveOut {
            id: d.id,
            project_url: project_url(&state, &event.definition.slug, d.id),
            version: d.version,
            status: d.status,
            hash: d.hash,
        })
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Extend one team's submission deadline, with a reason (organizers).
#[utoipa::path(post, path = "/api/v1/events/{slug}/teams/{id}/extension", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The team's id")),
    request_body = ExtensionIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Extended until this instant", body = ExtensionOut),
        NotOrganizer,
        (status = 409, description = "No such team, no reason, a time in the past or not a time", body = ErrorBody),
    ))]
pub(crate) async fn extend(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<ExtensionIn>,
) -> Response {
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    match actor.extend(id, &input.until, &input.reason).await {
        Ok(until) => Json(ExtensionOut { until }).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// One team's submission, for organizers.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionItem {
    pub team_id: Option<i64>,
    pub team: Option<String>,
    pub version: i64,
    pub status: String,
    pub content: ContentIo,
    pub hash: String,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The team's extension, if granted.
    pub extended_until: Option<DateTime<Utc>>,
}

/// Every submission of the event, drafts included (organizers).
#[utoipa::path(get, path = "/api/v1/events/{slug}/submissions", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submissions, oldest first", body = [SubmissionItem]),
        NotSignedIn, NotOrganizer, NoSuchEvent,
    ))]
pub(crate) async fn all(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
) -> Result<Json<Vec<SubmissionItem>>, ApiError> {
    Ok(Json(submission_items(&state, event.id).await?))
}

pub(crate) async fn submission_items(
    state: &AppState,
    event_id: i64,
) -> Result<Vec<SubmissionItem>, ApiError> {
    let store = &state.backend.store;
    let teams = store.teams(event_id).await?;
    let mut out = Vec::new();
    for s in store.submissions(event_id).await? {
        let extended_until = match s.team_id {
            Some(t) => store.extension_of(event_id, t).await?,
            None => None,
        };
        out.push(SubmissionItem {
            team: s
                .team_id
                .and_then(|t| teams.iter().find(|x| x.id == t))
                .map(|t| t.name.clone()),
            team_id: s.team_id,
            version: s.version,
            status: s.status,
            content: SubmissionContent::from_json(&s.content).into(),
            hash: s.content_hash,
            updated_at: at(s.updated_at),
            submitted_at: s.submitted_at.map(at),
            extended_until,
        });
    }
    Ok(out)
}

/// A failure in the API's error shape; field errors and conflicts carry
/// their details next to `code` and `message`.
impl From<SubmitFail> for ApiError {
    fn from(fail: SubmitFail) -> Self {
        let details = |value: serde_json::Value| match value {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        match fail {
            SubmitFail::Fields(fields) => ApiError::Detailed(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Some fields need attention; nothing was saved.".into(),
                details(serde_json::json!({
                    "fields": fields
                        .iter()
                        .map(|f| serde_json::json!({"field": f.field, "message": f.message}))
                        .collect::<Vec<_>>(),
                })),
            ),
            SubmitFail::Conflict(current) => ApiError::Detailed(
                StatusCode::CONFLICT,
                "conflict",
                "Someone in your team saved a newer version first. Your text was kept in the history; merge it into the current version and save again.".into(),
                details(serde_json::json!({
                    "current": {
                        "version": current.version,
                        "status": current.status,
                        "content": ContentIo::from(
                            hackboard_domain::submission::SubmissionContent::from_json(&current.content),
                        ),
                    },
                })),
            ),
            SubmitFail::Refused(m) => ApiError::Refused(StatusCode::CONFLICT, "refused", m),
            SubmitFail::Forbidden(m) => ApiError::Refused(StatusCode::FORBIDDEN, "forbidden", m.into()),
            SubmitFail::Store(e) => ApiError::Internal(e),
        }
    }
}
