//! Team forms: every action a participant takes on the "My team" page and
//! the team finder, and organizers' moves and CSV export. POST, then a
//! redirect to the page with a signed notice saying what happened.

use crate::state::AppState;
use crate::store::Left;
use crate::teams::actions::{ActionError, ActionResult, Actor};
use crate::web::error::ApiPath;
use crate::web::extract::{FormEvent, FormOrganizer, form_page, organizers_form};
use crate::web::{Fields, form_field as field};

use crate::web::forms::Form;
use crate::web::{internal, notice_url};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/events/{slug}/team/{action}",
            post(team_form).layer(form_page("/events/{slug}/team")),
        )
        .route(
            "/events/{slug}/team/ask",
            post(ask_form).layer(form_page("/events/{slug}/finder")),
        )
        .route(
            "/events/{slug}/team/finder",
            post(finder_form).layer(form_page("/events/{slug}/finder")),
        )
        .route(
            "/events/{slug}/teams/move",
            post(organizer_move).layer(organizers_form(
                "/events/{slug}/teams",
                "Only the event's organizers can move people between teams.",
            )),
        )
        .route(
            "/events/{slug}/teams.csv",
            get(export_csv).layer(organizers_form(
                "/events/{slug}/teams",
                "Only the event's organizers can export teams.",
            )),
        )
}

fn id(fields: &Fields, name: &str) -> Option<i64> {
    field(fields, name).trim().parse().ok()
}

fn finish(state: &AppState, back: &str, result: ActionResult<String>) -> Response {
    match result {
        Ok(message) => {
            Redirect::to(&notice_url(&state.config, back, true, &message)).into_response()
        }
        Err(ActionError::Refused(e)) => {
            Redirect::to(&notice_url(&state.config, back, false, &e.to_string())).into_response()
        }
        Err(ActionError::Forbidden(m)) => (StatusCode::FORBIDDEN, m).into_response(),
        Err(ActionError::Store(e)) => internal(e),
    }
}

/// A form of the "My team" page.
async fn team_form(
    State(state): State<AppState>,
    who: FormEvent,
    ApiPath((slug, action)): ApiPath<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    team_action(
        &state,
        who,
        &format!("/events/{slug}/team"),
        &action,
        fields,
    )
    .await
}

/// "Ask to join" on the team finder.
async fn ask_form(
    State(state): State<AppState>,
    who: FormEvent,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    team_action(
        &state,
        who,
        &format!("/events/{slug}/finder"),
        "ask",
        fields,
    )
    .await
}

/// The finder's "looking for a team" settings.
async fn finder_form(
    State(state): State<AppState>,
    who: FormEvent,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    team_action(
        &state,
        who,
        &format!("/events/{slug}/finder"),
        "finder",
        fields,
    )
    .await
}

/// Runs the team action `action` and goes back to `back` saying what
/// happened.
async fn team_action(
    state: &AppState,
    FormEvent { event, user }: FormEvent,
    back: &str,
    action: &str,
    fields: Fields,
) -> Response {
    let actor = Actor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let bad_id = || {
        Err(ActionError::Refused(
            hackboard_domain::team::TeamError::UnknownRequest,
        ))
    };
    let result: ActionResult<String> = match action {
        "create" => actor
            .create(
                field(&fields, "name"),
                field(&fields, "description"),
                Some(field(&fields, "time_zone")),
            )
            .await
            .map(|_| "Team created. Share the invite link below with your teammates.".into()),
        "join" => actor
            .join_by_code(field(&fields, "code"))
            .await
            .map(|t| format!("Welcome to team {}!", t.name)),
        "leave" => actor.leave().await.map(|left| match left {
            Left::TeamDeleted => "You left, and the team, now empty, is gone.".into(),
            _ => "You left the team.".into(),
        }),
        "remove" => match id(&fields, "user_id") {
            Some(u) => actor
                .remove(u)
                .await
                .map(|_| "Removed from the team.".into()),
            None => bad_id(),
        },
        "captain" => match id(&fields, "user_id") {
            Some(u) => actor
                .make_captain(u)
                .await
                .map(|_| "Captaincy handed over.".into()),
            None => bad_id(),
        },
        "update" => actor
            .update(
                field(&fields, "description"),
                field(&fields, "time_zone"),
                !field(&fields, "looking_for_members").is_empty(),
                field(&fields, "wanted_skills"),
            )
            .await
            .map(|_| "Team details saved.".into()),
        "code" => actor
            .new_code()
            .await
            .map(|_| "New invite link made: the old one no longer works.".into()),
        "tracks" => {
            let chosen: Vec<String> = fields
                .iter()
                .filter(|(k, _)| k == "track")
                .map(|(_, v)| v.clone())
                .collect();
            actor.set_tracks(&chosen).await.map(|t| {
                let names: Vec<&str> = t
                    .iter()
                    .filter_map(|s| {
                        event
                            .definition
                            .tracks
                            .iter()
                            .find(|x| x.slug.as_str() == s)
                            .map(|x| x.name.as_str())
                    })
                    .collect();
                format!("Track saved: {}.", names.join(", "))
            })
        }
        "invite" => actor
            .invite(field(&fields, "who"))
            .await
            .map(|_| "Invitation sent.".into()),
        "ask" => match id(&fields, "team_id") {
            Some(t) => actor
                .ask(t, field(&fields, "message"))
                .await
                .map(|_| "Request sent: a member of the team will answer.".into()),
            None => bad_id(),
        },
        "accept" => match id(&fields, "id") {
            Some(r) => actor
                .accept(r)
                .await
                .map(|_| "Accepted: the team has a new member.".into()),
            None => bad_id(),
        },
        "decline" => match id(&fields, "id") {
            Some(r) => actor.decline(r).await.map(|_| "Declined.".into()),
            None => bad_id(),
        },
        "finder" => {
            let track = field(&fields, "track");
            actor
                .set_finder(
                    !field(&fields, "looking").is_empty(),
                    field(&fields, "idea"),
                    Some(track),
                )
                .await
                .map(|_| "Saved.".into())
        }
        _ => return crate::web::not_found(),
    };
    finish(state, back, result)
}

async fn organizer_move(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/teams");
    let actor = Actor {
        store: &state.backend.store,
        config: &state.config,
        event: &event,
        user: &user,
        now: state.backend.clock.now(),
    };
    let result = match id(&fields, "user_id") {
        Some(person) => actor
            .organizer_move(person, id(&fields, "team_id"), field(&fields, "reason"))
            .await
            .map(|_| "Moved, and recorded in the audit log.".to_owned()),
        None => Err(ActionError::Refused(
            hackboard_domain::team::TeamError::UnknownPerson,
        )),
    };
    finish(&state, &back, result)
}

async fn export_csv(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
) -> Response {
    let _back = format!("/events/{slug}/teams");
    let store = &state.backend.store;
    let (teams, members, tracks) = match tokio::try_join!(
        store.teams(event.id),
        store.event_team_members(event.id),
        store.event_team_tracks(event.id)
    ) {
        Ok(v) => v,
        Err(e) => return internal(e),
    };
    let columns = [
        "team",
        "time_zone",
        "tracks",
        "members",
        "captain",
        "member",
        "email",
        "github",
        "hugging_face",
    ];
    let mut lines = Vec::with_capacity(members.len());
    for t in &teams {
        let track_list: Vec<&str> = tracks
            .iter()
            .filter(|(id, _)| *id == t.id)
            .map(|(_, s)| s.as_str())
            .collect();
        for m in members.iter().filter(|m| m.team_id == t.id) {
            let cells = [
                t.name.clone(),
                t.time_zone.clone(),
                track_list.join("; "),
                t.member_count.to_string(),
                (m.user_id == t.captain_id).to_string(),
                m.display_name.clone(),
                m.email.clone().unwrap_or_default(),
                m.github_handle.clone().unwrap_or_default(),
                m.hf_handle.clone().unwrap_or_default(),
            ];
            lines.push(cells);
        }
    }
    crate::web::csv::download(&format!("{slug}-teams.csv"), columns, lines)
}
