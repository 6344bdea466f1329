//! Registering for an event, withdrawing, and the organizers' registration
//! list (status changes, CSV export). Form endpoints: POST, then a redirect
//! to the page with what happened.

use crate::registrations::actions::{Refusal, RegistrationInput, register_user};
use crate::state::AppState;
use crate::store::{RegisterOutcome, RegistrationFilter, RegistrationStatus, StoreError};
use crate::web::error::ApiPath;
use crate::web::extract::{FormEvent, FormOrganizer, form_page, organizers_form};
use crate::web::forms::Form;
use crate::web::internal;
use crate::web::urlencode;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hackboard_domain::email::EmailAddress;
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/events/{slug}/register",
            post(register).layer(form_page("/events/{slug}/register")),
        )
        .route(
            "/events/{slug}/withdraw",
            post(withdraw).layer(form_page("/events/{slug}/register")),
        )
        .route(
            "/events/{slug}/registrations/status",
            post(change_status).layer(organizers_form(
                "/events/{slug}/registrations",
                "Only the event's organizers can do this.",
            )),
        )
        .route(
            "/events/{slug}/registrations.csv",
            get(export_csv).layer(organizers_form(
                "/events/{slug}/registrations",
                "Only the event's organizers can export registrations.",
            )),
        )
}

async fn register(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath(slug): ApiPath<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/events/{slug}/register");
    let back = |query: String| Redirect::to(&format!("{page}?{query}")).into_response();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &fields {
        if let Some(id) = k.strip_prefix("q_") {
            answers.entry(id.to_owned()).or_default().push(v.clone());
        }
    }
    let input = RegistrationInput {
        accept_rules: field("accept_rules").as_deref() == Some("on"),
        display_name: field("display_name"),
        time_zone: field("time_zone"),
        country: field("country"),
        answers,
        looking_for_team: field("looking_for_team").as_deref() == Some("on"),
        invite: field("invite"),
    };
    match register_user(&state, &event, &user, input).await {
        Ok(Ok(RegisterOutcome::Registered)) => back("done=registered".into()),
        Ok(Ok(RegisterOutcome::Waitlisted(p))) => back(format!("done=waitlisted&position={p}")),
        Ok(Ok(_)) => back("done=already".into()),
        Ok(Err(refusal)) => back(match refusal {
            Refusal::Closed(reason) => format!("error=closed&reason={}", urlencode(&reason)),
            Refusal::Rules => "error=rules".into(),
            Refusal::DisplayName => "error=display_name".into(),
            Refusal::TimeZone => "error=time_zone".into(),
            Refusal::Answers(problems) => {
                let ids: Vec<&str> = problems.iter().map(|(id, _)| id.as_str()).collect();
                format!("error=answers&questions={}", urlencode(&ids.join(",")))
            }
            Refusal::Rejected => "error=rejected".into(),
            Refusal::Invite => "error=invite".into(),
        }),
        Err(e) => internal(e),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath(slug): ApiPath<String>,
) -> Response {
    let page = format!("/events/{slug}/register");
    let now = state.backend.clock.now();
    match state
        .backend
        .store
        .withdraw_registration(event.id, user.id, now)
        .await
    {
        Ok(_) => Redirect::to(&format!("{page}?done=withdrawn")).into_response(),
        Err(StoreError::NotFound) => {
            Redirect::to(&format!("{page}?error=not_registered")).into_response()
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct StatusChange {
    user_id: i64,
    /// `registered` (approve or promote), `rejected`, `waitlisted`.
    to: String,
}

async fn change_status(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(form): Form<StatusChange>,
) -> Response {
    let page = format!("/events/{slug}/registrations");
    let store = &state.backend.store;
    let Some(to) =
        RegistrationStatus::parse(&form.to).filter(|s| *s != RegistrationStatus::Withdrawn)
    else {
        return (StatusCode::BAD_REQUEST, "Unknown status.").into_response();
    };
    let now = state.backend.clock.now();
    let person = match store.user(form.user_id).await {
        Ok(Some(p)) => p,
        Ok(None) => return Redirect::to(&format!("{page}?error=unknown_person")).into_response(),
        Err(e) => return internal(e),
    };
    let mail = match (
        to,
        person
            .email
            .as_deref()
            .and_then(|e| EmailAddress::parse(e).ok()),
    ) {
        (RegistrationStatus::Registered, Some(addr)) => Some(crate::mail::promoted_mail(
            &addr,
            &person.display_name,
            &event.definition.name,
            &format!("{}/events/{slug}", state.config.base_url),
        )),
        _ => None,
    };
    match store
        .set_registration_status(event.id, person.id, to, now, mail.as_ref())
        .await
    {
        Ok(_) => Redirect::to(&format!("{page}?done={}", to.as_str())).into_response(),
        Err(StoreError::Conflict { .. }) => {
            Redirect::to(&format!("{page}?error=full")).into_response()
        }
        Err(StoreError::NotFound) => {
            Redirect::to(&format!("{page}?error=unknown_person")).into_response()
        }
        Err(e) => internal(e),
    }
}

#[derive(Deserialize, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub hf: Option<String>,
    pub looking: Option<String>,
}

impl Filter {
    /// The filter, refusing values it does not know (for the API).
    pub fn parse_strict(&self) -> Result<RegistrationFilter, String> {
        let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        let yes_no = |name: &str, v: &Option<String>| match given(v).as_deref() {
            None => Ok(None),
            Some("yes") => Ok(Some(true)),
            Some("no") => Ok(Some(false)),
            Some(other) => Err(format!("`{name}` is yes or no, not \"{other}\".")),
        };
        let status = match given(&self.status) {
            None => None,
            Some(s) => Some(RegistrationStatus::parse(&s).ok_or_else(|| {
                format!("`status` is registered, waitlisted, rejected or withdrawn, not \"{s}\".")
            })?),
        };
        Ok(RegistrationFilter {
            status,
            in_hf_org: yes_no("hf", &self.hf)?,
            looking_for_team: yes_no("looking", &self.looking)?,
        })
    }

    pub fn to_store(&self) -> RegistrationFilter {
        let yes_no = |v: &Option<String>| match v.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        };
        RegistrationFilter {
            status: self.status.as_deref().and_then(RegistrationStatus::parse),
            in_hf_org: yes_no(&self.hf),
            looking_for_team: yes_no(&self.looking),
        }
    }
}

async fn export_csv(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Query(filter): Query<Filter>,
) -> Response {
    let _page = format!("/events/{slug}/registrations");
    let store = &state.backend.store;
    let rows = match store.registrations(event.id, &filter.to_store()).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let snapshot = match store.hf_snapshot(event.id).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let questions = &event.definition.registration.questions;
    let columns = [
        "position",
        "status",
        "name",
        "email",
        "hugging_face",
        "in_hf_org",
        "in_hf_snapshot",
        "looking_for_team",
        "registered_at",
    ]
    .into_iter()
    .chain(questions.iter().map(|q| q.id.as_str()));
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let answers: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&r.answers).unwrap_or_default();
        let registered = chrono::DateTime::from_timestamp_millis(r.created_at)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default();
        let mut cells = vec![
            r.seq.to_string(),
            r.status.clone(),
            r.display_name.clone(),
            r.email.clone().unwrap_or_default(),
            r.hf_handle.clone().unwrap_or_default(),
            r.in_hf_org.to_string(),
            snapshot
                .as_ref()
                .map(|(_, m)| {
                    crate::registrations::actions::in_snapshot(m, r.hf_handle.as_deref())
                        .to_string()
                })
                .unwrap_or_default(),
            r.looking_for_team.to_string(),
            registered,
        ];
        for q in questions {
            cells.push(match answers.get(&q.id) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                Some(serde_json::Value::Bool(b)) => b.to_string(),
                _ => String::new(),
            });
        }
        lines.push(cells);
    }
    crate::web::csv::download(&format!("{slug}-registrations.csv"), columns, lines)
}
