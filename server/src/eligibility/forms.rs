//! Eligibility and cover images over plain HTML forms: a team's "check
//! again", organizers' decisions, re-checks and CSV export; uploading a
//! cover image (checked by its content) and serving it with headers that
//! keep a browser from treating it as anything but an image.

use crate::eligibility::actions::{DecisionFail, decide, report};
use crate::state::AppState;
use crate::store::eligibility::Cover;
use crate::submissions::actions::{SubmitActor, SubmitFail};
use crate::web::error::ApiPath;
use crate::web::extract::{FormEvent, FormOrganizer, form_page, organizers_form};
use crate::web::forms::Form;
use crate::web::{Fields, form_field as field, internal, notice_url};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hackboard_domain::submission::{MAX_COVER_BYTES, SubmissionContent, cover_type};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/events/{slug}/submission/check",
            post(check_mine).layer(form_page("/events/{slug}/submission")),
        )
        .route(
            "/events/{slug}/submission/cover",
            // Larger than the image limit, so an oversized image gets a
            // clear answer from the handler rather than a bare 413.
            post(upload_cover).layer((
                form_page("/events/{slug}/submission"),
                DefaultBodyLimit::max(4 * MAX_COVER_BYTES),
            )),
        )
        .route("/events/{slug}/projects/{id}/cover", get(cover))
        .route(
            "/events/{slug}/eligibility/{id}/check",
            post(check_one).layer(organizers_form(
                "/events/{slug}/eligibility",
                "Only the event's organizers can ask for checks of other teams' projects.",
            )),
        )
        .route(
            "/events/{slug}/eligibility/{id}/decision",
            post(decision).layer(organizers_form(
                "/events/{slug}/eligibility",
                "Only the event's organizers can decide on eligibility.",
            )),
        )
        .route(
            "/events/{slug}/eligibility.csv",
            get(export_csv).layer(organizers_form(
                "/events/{slug}",
                "Only the event's organizers can export the eligibility report.",
            )),
        )
}

/// The team's "check again".
async fn check_mine(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath(slug): ApiPath<String>,
) -> Response {
    let back = format!("/events/{slug}/submission");
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    match actor.current().await {
        Ok((_, Some(sub))) => {
            match state
                .backend
                .store
                .request_check(event.id, sub.id, actor.now)
                .await
            {
                Ok(_) => {
                    state.backend.checks.wake();
                    notice(
                        true,
                        "A new check is on its way: this page shows it in a moment.",
                    )
                    .into_response()
                }
                Err(e) => internal(e),
            }
        }
        Ok((_, None)) => {
            notice(false, "Save your project first: then it is checked.").into_response()
        }
        Err(SubmitFail::Refused(m)) => notice(false, &m).into_response(),
        Err(SubmitFail::Store(e)) => internal(e),
        Err(_) => (StatusCode::FORBIDDEN, "Not allowed.").into_response(),
    }
}

/// An organizer's "check again" for one project.
async fn check_one(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> Response {
    let back = format!("/events/{slug}/eligibility");
    let now = state.backend.clock.now();
    match state.backend.store.request_check(event.id, id, now).await {
        Ok(true) => {
            state.backend.checks.wake();
            Redirect::to(&notice_url(
                &state.config,
                &back,
                true,
                "A new check is on its way.",
            ))
            .into_response()
        }
        Ok(false) => Redirect::to(&notice_url(
            &state.config,
            &back,
            false,
            "There is no such project in this event.",
        ))
        .into_response(),
        Err(e) => internal(e),
    }
}

/// An organizer's decision on an item or the whole project.
async fn decision(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/eligibility");
    let now = state.backend.clock.now();
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    match decide(
        &state.backend.store,
        event.id,
        id,
        field(&fields, "key").trim(),
        field(&fields, "status").trim(),
        field(&fields, "reason"),
        user.id,
        now,
    )
    .await
    {
        Ok(()) => notice(true, "Decision recorded (and in the audit log).").into_response(),
        Err(DecisionFail::Refused(m)) => notice(false, &m).into_response(),
        Err(DecisionFail::Store(e)) => internal(e),
    }
}

/// The whole report as CSV, one line per project.
async fn export_csv(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
) -> Response {
    let rows = match report(&state.backend.store, event.id).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let columns = [
        "submission_id",
        "team",
        "title",
        "submission_status",
        "eligibility",
        "checked_at",
        "to_fix",
        "to_review",
        "pending",
        "decisions",
    ];
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        let content = SubmissionContent::from_json(&r.submission.content);
        let of = |status: hackboard_domain::eligibility::Status| {
            r.decided
                .as_ref()
                .map(|c| {
                    c.items
                        .iter()
                        .filter(|i| i.status == status)
                        .map(|i| format!("{}: {}", i.key, i.message))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .unwrap_or_default()
        };
        use hackboard_domain::eligibility::Status;
        let checked = r
            .check
            .as_ref()
            .and_then(|c| c.checked_at)
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        let decisions = r
            .overrides
            .iter()
            .map(|o| format!("{} → {}: {}", o.item_key, o.status, o.reason))
            .collect::<Vec<_>>()
            .join(" | ");
        let cells = [
            r.submission.id.to_string(),
            r.team.clone().unwrap_or_default(),
            content.title,
            r.submission.status.clone(),
            r.status().to_owned(),
            checked,
            of(Status::Fail),
            of(Status::Review),
            of(Status::Pending),
            decisions,
        ];
        lines.push(cells);
    }
    crate::web::csv::download(&format!("{slug}-eligibility.csv"), columns, lines)
}

/// Reads the `cover` field of the form, refusing more than the limit
/// without reading further.
async fn cover_bytes(mut form: Multipart) -> Result<Vec<u8>, String> {
    let too_big =
        || "The image is larger than 2 MB: make it smaller and upload it again.".to_owned();
    loop {
        let Some(mut part) = form.next_field().await.map_err(|_| too_big())? else {
            return Err("Choose an image file.".into());
        };
        if part.name() != Some("cover") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = part.chunk().await.map_err(|_| too_big())? {
            if bytes.len() + chunk.len() > MAX_COVER_BYTES {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
}

async fn upload_cover(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath(slug): ApiPath<String>,
    form: Multipart,
) -> Response {
    let back = format!("/events/{slug}/submission");
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    let bytes = match cover_bytes(form).await {
        Ok(b) => b,
        Err(m) => return notice(false, &m).into_response(),
    };
    match put_cover(&state, &event, &user, bytes).await {
        Ok(()) => notice(true, "Cover image saved.").into_response(),
        Err(SubmitFail::Refused(m)) => notice(false, &m).into_response(),
        Err(SubmitFail::Store(e)) => internal(e),
        Err(_) => (StatusCode::FORBIDDEN, "Not allowed.").into_response(),
    }
}

/// Stores a team's cover image: members only, while the submission is
/// open, checked by content.
pub(crate) async fn put_cover(
    state: &AppState,
    event: &crate::store::StoredEvent,
    user: &crate::store::User,
    bytes: Vec<u8>,
) -> Result<(), SubmitFail> {
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event,
        user,
        now: state.backend.clock.now(),
    };
    let (team, sub) = actor.current().await?;
    actor.open(&team).await?;
    let Some(sub) = sub else {
        return Err(SubmitFail::Refused(
            "Save your project first, then add its cover image.".into(),
        ));
    };
    let kind = cover_type(&bytes).map_err(SubmitFail::Refused)?;
    let cover = Cover {
        content_type: kind.to_owned(),
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        bytes,
    };
    state
        .backend
        .store
        .put_cover(sub.id, &cover, user.id, actor.now)
        .await?;
    Ok(())
}

/// A project's cover, to whoever may see the project.
async fn cover(
    State(state): State<AppState>,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    match state.backend.project_view(&slug, id, &headers).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::NOT_FOUND, "No such image.").into_response(),
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side.",
            )
                .into_response();
        }
    }
    match state.backend.store.cover(id).await {
        Ok(Some(c)) => {
            let mut res = c.bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&c.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"cover\""),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=300"),
            );
            res
        }
        Ok(None) => (StatusCode::NOT_FOUND, "No such image.").into_response(),
        Err(e) => internal(e),
    }
}
