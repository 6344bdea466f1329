//! Registering for an event, withdrawing, and the organizers' registration
//! list (status changes, CSV export). Form endpoints: POST, then a redirect
//! to the page with what happened.

use super::account::urlencode;
use super::{AppState, internal, signed_in};
use crate::auth;
use crate::store::{
    RegisterOutcome, RegistrationFilter, RegistrationStatus, Role, Store, StoreError, StoredEvent,
    User,
};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hackboard_domain::email::EmailAddress;
use hackboard_domain::registration::{registration_window, validate_answers};
use serde::Deserialize;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/register", post(register))
        .route("/events/{slug}/withdraw", post(withdraw))
        .route("/events/{slug}/registrations/status", post(change_status))
        .route("/events/{slug}/registrations.csv", get(export_csv))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is no such event.").into_response()
}

/// The event and the signed-in user, or the response to send instead.
async fn event_and_user(
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
async fn event_and_organizer(
    state: &AppState,
    slug: &str,
    headers: &HeaderMap,
    back: &str,
    refusal: &'static str,
) -> Result<(StoredEvent, User), Response> {
    let (event, user) = event_and_user(state, slug, headers, back).await?;
    match may_organize(&state.backend.store, event.id, &user).await {
        Ok(true) => Ok((event, user)),
        Ok(false) => Err((StatusCode::FORBIDDEN, refusal).into_response()),
        Err(e) => Err(internal(e)),
    }
}

/// Organizers of the event and platform admins may manage it.
pub async fn may_organize(store: &Store, event_id: i64, user: &User) -> Result<bool, StoreError> {
    Ok(user.is_admin
        || store
            .roles_of(event_id, user.id)
            .await?
            .contains(&Role::Organizer))
}

async fn register(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = format!("/events/{slug}/register");
    let (event, user) = match event_and_user(&state, &slug, &headers, &page).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let back = |query: String| Redirect::to(&format!("{page}?{query}")).into_response();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let store = &state.backend.store;
    let now = state.backend.clock.now();
    let def = &event.definition;
    let zone = user.time_zone.parse().unwrap_or(def.home_zone);
    if let Err(reason) = registration_window(&def.milestones, now, zone) {
        return back(format!("error=closed&reason={}", urlencode(&reason)));
    }
    if field("accept_rules").as_deref() != Some("on") {
        return back("error=rules".into());
    }
    let display_name = field("display_name").unwrap_or_default();
    let time_zone = field("time_zone").unwrap_or_default();
    if display_name.is_empty() || display_name.chars().count() > 80 {
        return back("error=display_name".into());
    }
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        return back("error=time_zone".into());
    }
    let mut submitted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &fields {
        if let Some(id) = k.strip_prefix("q_") {
            submitted.entry(id.to_owned()).or_default().push(v.clone());
        }
    }
    let answers = match validate_answers(&def.registration.questions, &submitted) {
        Ok(a) => a,
        Err(problems) => {
            let ids: Vec<&str> = problems.iter().map(|(id, _)| id.as_str()).collect();
            return back(format!(
                "error=answers&questions={}",
                urlencode(&ids.join(","))
            ));
        }
    };
    let answers_json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    let country = field("country").unwrap_or(user.country.clone());
    if let Err(e) = store
        .update_profile(
            user.id,
            &display_name,
            &time_zone,
            &country,
            &user.skills,
            &user.bio,
        )
        .await
    {
        return internal(e);
    }
    let email = user
        .email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok());
    let url = format!("{}/events/{slug}", state.config.base_url);
    let name = def.name.clone();
    let mail_for = move |outcome: &RegisterOutcome| {
        let to = email.as_ref()?;
        match outcome {
            RegisterOutcome::Registered => Some(crate::mail::registration_confirmed_mail(
                to,
                &display_name,
                &name,
                &url,
            )),
            RegisterOutcome::Waitlisted(p) => Some(crate::mail::waitlisted_mail(
                to,
                &display_name,
                &name,
                *p,
                &url,
            )),
            _ => None,
        }
    };
    let invite = field("invite")
        .filter(|t| !t.is_empty())
        .map(|t| auth::token_hash(&t));
    let outcome = store
        .register(
            event.id,
            user.id,
            &answers_json,
            field("looking_for_team").as_deref() == Some("on"),
            invite.as_deref(),
            def.registration.invite_only,
            now,
            &mail_for,
        )
        .await;
    match outcome {
        Ok(RegisterOutcome::Registered) => back("done=registered".into()),
        Ok(RegisterOutcome::Waitlisted(p)) => back(format!("done=waitlisted&position={p}")),
        Ok(RegisterOutcome::Already(_)) => back("done=already".into()),
        Ok(RegisterOutcome::Rejected) => back("error=rejected".into()),
        Ok(RegisterOutcome::InviteInvalid) => back("error=invite".into()),
        Err(e) => internal(e),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let page = format!("/events/{slug}/register");
    let (event, user) = match event_and_user(&state, &slug, &headers, &page).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let now = state.backend.clock.now();
    match state
        .backend
        .store
        .set_registration_status(event.id, user.id, RegistrationStatus::Withdrawn, now, None)
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
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusChange>,
) -> Response {
    let page = format!("/events/{slug}/registrations");
    let (event, _) = match event_and_organizer(
        &state,
        &slug,
        &headers,
        &page,
        "Only the event's organizers can do this.",
    )
    .await
    {
        Ok(v) => v,
        Err(r) => return r,
    };
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

/// One CSV field: quoted when needed, and spreadsheet formulas defused.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

async fn export_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
) -> Response {
    let page = format!("/events/{slug}/registrations");
    let (event, _) = match event_and_organizer(
        &state,
        &slug,
        &headers,
        &page,
        "Only the event's organizers can export registrations.",
    )
    .await
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let store = &state.backend.store;
    let rows = match store.registrations(event.id, &filter.to_store()).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let questions = &event.definition.registration.questions;
    let mut out = String::from(
        "position,status,name,email,hugging_face,in_hf_org,looking_for_team,registered_at",
    );
    for q in questions {
        out.push(',');
        out.push_str(&csv_field(&q.id));
    }
    out.push_str("\r\n");
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
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}-registrations.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
