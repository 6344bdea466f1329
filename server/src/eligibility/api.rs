//! `/api/v1` for eligibility and cover images: a team's checklist and
//! "check again", its cover image upload; organizers' report, re-checks and
//! decisions (audited).

use crate::eligibility::actions::{DecisionFail, ReportRow, decide, report};
use crate::state::AppState;
use crate::submissions::actions::SubmitActor;
use crate::web::error::{ApiError, ApiPath, ErrorBody, NotOrganizer, NotSignedIn};
use crate::web::extract::{EventPath, Organizer, SignedIn};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hackboard_domain::eligibility::Checklist;
use hackboard_domain::submission::MAX_COVER_BYTES;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine))
        .routes(routes!(check_mine))
        .routes(routes!(all))
        .routes(routes!(check_one))
        .routes(routes!(decision))
        // Larger than the image limit, so an oversized image gets a clear
        // answer from the handler rather than a bare 413.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(cover))
                .layer(DefaultBodyLimit::max(4 * MAX_COVER_BYTES)),
        )
}

/// One checklist item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    /// Stable key (`github.public`, `hf.<id>.public`, `track.model_in_org`, `project`…).
    pub key: String,
    pub label: String,
    /// `pass`, `review`, `pending` or `fail`.
    pub status: String,
    /// What to fix, or what was found.
    pub message: String,
    /// The provider's fields seen.
    pub evidence: BTreeMap<String, String>,
}

/// A project's checklist with organizers' decisions applied.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistOut {
    pub submission_id: i64,
    /// `pass`, `review`, `pending`, `fail`, or `unchecked` before the first check.
    pub status: String,
    pub checked_at: Option<DateTime<Utc>>,
    /// A check was asked for since this one (a save, "check again").
    pub check_queued: bool,
    pub items: Vec<ItemOut>,
}

/// An organizer's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub key: String,
    pub status: String,
    pub reason: String,
    pub decided_by: Option<String>,
    pub decided_at: DateTime<Utc>,
}

/// One project in the organizers' report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItemOut {
    pub team: Option<String>,
    pub title: String,
    /// `draft` or `submitted`.
    pub submission_status: String,
    pub eligibility: ChecklistOut,
    pub decisions: Vec<DecisionOut>,
}

/// An organizer's decision on an item (or `project` for the whole project).
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionIn {
    pub key: String,
    /// `pass`, `review`, `fail`, or `clear` to withdraw an earlier decision.
    pub status: String,
    pub reason: String,
}

/// A stored cover image.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverOut {
    pub content_type: String,
    pub sha256: String,
    pub url: String,
}

/// Acknowledges a queued check.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuedOut {
    pub queued: bool,
}

fn at(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

fn checklist_out(r: &ReportRow) -> ChecklistOut {
    let items = r
        .decided
        .as_ref()
        .map(|c: &Checklist| {
            c.items
                .iter()
                .map(|i| ItemOut {
                    key: i.key.clone(),
                    label: i.label.clone(),
                    status: i.status.as_str().to_owned(),
                    message: i.message.clone(),
                    evidence: i.evidence.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    ChecklistOut {
        submission_id: r.submission.id,
        status: r.status().to_owned(),
        checked_at: r.check.as_ref().and_then(|c| c.checked_at).and_then(at),
        check_queued: r
            .check
            .as_ref()
            .is_some_and(|c| c.due_at.is_some() && c.attempts == 0),
        items,
    }
}

fn report_item(r: &ReportRow) -> ReportItemOut {
    ReportItemOut {
        team: r.team.clone(),
        title: hackboard_domain::submission::SubmissionContent::from_json(&r.submission.content)
            .title,
        submission_status: r.submission.status.clone(),
        eligibility: checklist_out(r),
        decisions: r
            .overrides
            .iter()
            .map(|o| DecisionOut {
                key: o.item_key.clone(),
                status: o.status.clone(),
                reason: o.reason.clone(),
                decided_by: o.decided_by.clone(),
                decided_at: at(o.decided_at).unwrap_or_default(),
            })
            .collect(),
    }
}

/// The caller's team's submission and its report row.
async fn my_row(
    state: &AppState,
    event: &crate::store::StoredEvent,
    user: &crate::store::User,
) -> Result<ReportRow, Response> {
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event,
        user,
        now: state.backend.clock.now(),
    };
    let (_, sub) = actor
        .current()
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    let Some(sub) = sub else {
        return Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "Save your project first: then it is checked.".into(),
        )
        .into_response());
    };
    let rows = report(&state.backend.store, event.id)
        .await
        .map_err(|e| ApiError::Internal(e).into_response())?;
    let row = rows
        .into_iter()
        .find(|r| r.submission.id == sub.id)
        .ok_or_else(|| {
            ApiError::NotFound("There is no such project in this event.".into()).into_response()
        })?;
    Ok(row)
}

/// The team's eligibility checklist.
#[utoipa::path(get, path = "/api/v1/events/{slug}/submission/eligibility", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The checklist", body = ChecklistOut),
        NotSignedIn,
        (status = 409, description = "Not registered, in no team, or nothing saved yet", body = ErrorBody),
    ))]
pub(crate) async fn mine(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
) -> Response {
    match my_row(&state, &event, &user).await {
        Ok(row) => Json(checklist_out(&row)).into_response(),
        Err(r) => r,
    }
}

/// Ask for a new check of the team's submission.
#[utoipa::path(post, path = "/api/v1/events/{slug}/submission/eligibility/check", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued", body = QueuedOut),
        NotSignedIn,
        (status = 409, description = "Not registered, in no team, or nothing saved yet", body = ErrorBody),
    ))]
pub(crate) async fn check_mine(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
) -> Response {
    let row = match my_row(&state, &event, &user).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    queue(&state, event.id, row.submission.id).await
}

async fn queue(state: &AppState, event_id: i64, id: i64) -> Response {
    let now = state.backend.clock.now();
    match state.backend.store.request_check(event_id, id, now).await {
        Ok(true) => {
            state.backend.checks.wake();
            (StatusCode::ACCEPTED, Json(QueuedOut { queued: true })).into_response()
        }
        Ok(false) => {
            ApiError::NotFound("There is no such project in this event.".into()).into_response()
        }
        Err(e) => ApiError::Internal(e).into_response(),
    }
}

/// Upload the team's cover image: the raw bytes of a PNG, JPEG, GIF or
/// WebP image (recognised by content), at most 2 MB.
#[utoipa::path(put, path = "/api/v1/events/{slug}/submission/cover", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Stored", body = CoverOut),
        NotSignedIn,
        (status = 409, description = "Not an image, too large, after the deadline, or nothing saved yet", body = ErrorBody),
    ))]
pub(crate) async fn cover(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    body: Bytes,
) -> Response {
    if let Err(e) = crate::eligibility::forms::put_cover(&state, &event, &user, body.to_vec()).await
    {
        return ApiError::from(e).into_response();
    }
    let store = &state.backend.store;
    let sub = match store.team_of(event.id, user.id).await {
        Ok(Some(t)) => store.submission_of_team(event.id, t.id).await,
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match sub {
        Ok(Some(s)) => match store.cover(s.id).await {
            Ok(Some(c)) => Json(CoverOut {
                url: crate::submissions::actions::cover_path(
                    event.definition.slug.as_str(),
                    s.id,
                    &c.sha256,
                ),
                content_type: c.content_type,
                sha256: c.sha256,
            })
            .into_response(),
            Ok(None) => ApiError::Logged.into_response(),
            Err(e) => ApiError::Internal(e).into_response(),
        },
        Ok(None) => ApiError::Logged.into_response(),
        Err(e) => ApiError::Internal(e).into_response(),
    }
}

/// The eligibility report: every project with its checklist and the
/// organizers' decisions (organizers).
#[utoipa::path(get, path = "/api/v1/events/{slug}/eligibility", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every project, oldest first", body = [ReportItemOut]),
        NotSignedIn, NotOrganizer,
    ))]
pub(crate) async fn all(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
) -> Result<Json<Vec<ReportItemOut>>, ApiError> {
    let rows = report(&state.backend.store, event.id).await?;
    Ok(Json(rows.iter().map(report_item).collect()))
}

/// Ask for a new check of one project (organizers).
#[utoipa::path(post, path = "/api/v1/events/{slug}/submissions/{id}/eligibility/check", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The submission's id")),
    security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued", body = QueuedOut),
        NotOrganizer,
        (status = 404, description = "No such project", body = ErrorBody),
    ))]
pub(crate) async fn check_one(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
) -> Response {
    queue(&state, event.id, id).await
}

/// Decide on a checklist item or the whole project (`key` = `project`),
/// with a reason; `status` `clear` withdraws a decision. Audited.
#[utoipa::path(post, path = "/api/v1/events/{slug}/submissions/{id}/eligibility/decisions", tag = "submissions",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The submission's id")),
    request_body = DecisionIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded; the project's report row", body = ReportItemOut),
        NotOrganizer,
        (status = 409, description = "No reason, an unknown item or status, or no such project", body = ErrorBody),
    ))]
pub(crate) async fn decision(
    State(state): State<AppState>,
    Organizer { event, user }: Organizer,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    crate::web::error::ApiJson(input): crate::web::error::ApiJson<DecisionIn>,
) -> Result<Json<ReportItemOut>, ApiError> {
    let now = state.backend.clock.now();
    match decide(
        &state.backend.store,
        event.id,
        id,
        input.key.trim(),
        input.status.trim(),
        &input.reason,
        user.id,
        now,
    )
    .await
    {
        Ok(()) => {}
        Err(DecisionFail::Refused(m)) => {
            return Err(ApiError::Refused(StatusCode::CONFLICT, "refused", m));
        }
        Err(DecisionFail::Store(e)) => return Err(ApiError::Internal(e)),
    }
    let rows = report(&state.backend.store, event.id).await?;
    rows.iter()
        .find(|r| r.submission.id == id)
        .map(|r| Json(report_item(r)))
        .ok_or(ApiError::Logged)
}
