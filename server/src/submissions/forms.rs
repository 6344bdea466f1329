//! The submission form: save a draft or submit, then back to the page with
//! a signed notice. A save that cannot be applied (a field is wrong, or
//! someone saved first) is kept and the page shows the person's own text
//! again with what to fix.

use crate::state::AppState;
use crate::submissions::actions::{SubmitActor, SubmitFail};
use crate::web::Fields;
use crate::web::error::ApiPath;
use crate::web::extract::{FormEvent, FormOrganizer, form_page, organizers_form};

use crate::web::forms::Form;
use crate::web::{internal, notice_url};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use hackboard_domain::submission::SubmissionContent;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/events/{slug}/submission",
            post(save).layer(form_page("/events/{slug}/submission")),
        )
        .route(
            "/events/{slug}/submissions.csv",
            axum::routing::get(export_csv).layer(organizers_form(
                "/events/{slug}",
                "Only the event's organizers can export submissions.",
            )),
        )
}

/// Every submission as CSV, for organizers (drafts included).
async fn export_csv(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
) -> Response {
    let items = match crate::submissions::api::submission_items(&state, event.id).await {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let columns = [
        "team",
        "status",
        "version",
        "title",
        "tagline",
        "tracks",
        "github_url",
        "hf_urls",
        "demo_video_url",
        "live_demo_url",
        "built_with",
        "sha256",
        "updated_at",
        "submitted_at",
        "extended_until",
    ];
    let mut lines = Vec::with_capacity(items.len());
    let time =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    for i in items {
        let cells = [
            i.team.unwrap_or_default(),
            i.status,
            i.version.to_string(),
            i.content.title,
            i.content.tagline,
            i.content.tracks.join("; "),
            i.content.github_url,
            i.content.hf_urls.join(" "),
            i.content.demo_video_url,
            i.content.live_demo_url,
            i.content.built_with.join("; "),
            i.hash,
            time(Some(i.updated_at)),
            time(i.submitted_at),
            time(i.extended_until),
        ];
        lines.push(cells);
    }
    crate::web::csv::download(&format!("{slug}-submissions.csv"), columns, lines)
}

fn field(fields: &Fields, name: &str) -> String {
    crate::web::form_field(fields, name).to_owned()
}

/// The form's fields as a submission: links one per line, tags by comma.
fn content(fields: &Fields) -> SubmissionContent {
    SubmissionContent {
        title: field(fields, "title"),
        tagline: field(fields, "tagline"),
        description: field(fields, "description"),
        tracks: fields
            .iter()
            .filter(|(k, _)| k == "track")
            .map(|(_, v)| v.clone())
            .collect(),
        github_url: field(fields, "github_url"),
        hf_urls: field(fields, "hf_urls")
            .lines()
            .map(str::to_owned)
            .collect(),
        demo_video_url: field(fields, "demo_video_url"),
        live_demo_url: field(fields, "live_demo_url"),
        built_with: field(fields, "built_with")
            .split(',')
            .map(str::to_owned)
            .collect(),
    }
}

async fn save(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/submission");
    let actor = SubmitActor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let submit = field(&fields, "action") == "submit";
    let base: i64 = field(&fields, "base_version").trim().parse().unwrap_or(0);
    let typed = content(&fields);
    let notice = |ok: bool, m: &str| Redirect::to(&notice_url(&state.config, &back, ok, m));
    let saved = actor.save(&typed, base, submit).await;
    if saved.is_ok() {
        state.backend.checks.wake();
    }
    match saved {
        Ok(done) if done.status == "submitted" && submit => notice(
            true,
            &format!(
                "Submitted as version {}. A receipt is on its way to every member (SHA-256 {}).",
                done.version, done.hash
            ),
        )
        .into_response(),
        Ok(done) => notice(true, &format!("Saved as version {}.", done.version)).into_response(),
        Err(e @ (SubmitFail::Fields(_) | SubmitFail::Conflict(_))) => {
            let message = match &e {
                SubmitFail::Fields(_) => "Nothing was saved: some fields need attention (below).",
                _ => "Someone in your team saved a newer version first: nothing was overwritten.",
            };
            let team = match actor.team().await {
                Ok(t) => t,
                Err(_) => return notice(false, message).into_response(),
            };
            let json = serde_json::to_string(&typed).unwrap_or_default();
            match state
                .backend
                .store
                .keep_attempt(event.id, team.id, user.id, base, submit, &json, actor.now)
                .await
            {
                Ok(id) => {
                    let url = notice_url(&state.config, &back, false, message);
                    Redirect::to(&format!("{url}&attempt={id}")).into_response()
                }
                Err(e) => internal(e),
            }
        }
        Err(SubmitFail::Refused(m)) => notice(false, &m).into_response(),
        Err(SubmitFail::Forbidden(m)) => (StatusCode::FORBIDDEN, m).into_response(),
        Err(SubmitFail::Store(e)) => internal(e),
    }
}
