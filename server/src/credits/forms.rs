//! Credit forms: a participant's claim, and organizers' import,
//! distribution, revocation, reassignment and CSV export. POST, then a
//! redirect to the credits page with a signed notice. A code never goes
//! into a URL or a notice: the page shows it to its owner.

use crate::credits::actions::{CreditActor, CreditFail, CreditResult, failure_words};
use crate::state::AppState;
use crate::store::{StoredEvent, User};
use crate::web::error::ApiPath;
use crate::web::extract::{FormEvent, FormOrganizer, organizers_form};
use crate::web::forms::Form;
use crate::web::{Fields, form_field as field};
use crate::web::{internal, notice_url};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hackboard_domain::credits::CreditError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events/{slug}/credits/{offer}/claim", post(claim))
        .route("/events/{slug}/credits/{offer}/import", post(import))
        .route(
            "/events/{slug}/credits/{offer}/distribute",
            post(distribute),
        )
        .route("/events/{slug}/credits/{offer}/reassign", post(reassign))
        .route("/events/{slug}/credits/codes/{id}/revoke", post(revoke))
        .route("/events/{slug}/credits/offers", post(save_offer))
        .route(
            "/events/{slug}/credits/{offer}/assignments.csv",
            get(export_csv),
        )
        .layer(organizers_form(
            "/events/{slug}/credits",
            "Only the event's organizers can manage credits.",
        ))
}

fn finish(state: &AppState, back: &str, result: CreditResult<String>) -> Response {
    match result {
        Ok(message) => {
            Redirect::to(&notice_url(&state.config, back, true, &message)).into_response()
        }
        Err(CreditFail::Forbidden(m)) => (StatusCode::FORBIDDEN, m).into_response(),
        Err(CreditFail::Store(e)) => internal(e),
        Err(e) => Redirect::to(&notice_url(&state.config, back, false, &failure_words(&e)))
            .into_response(),
    }
}

fn actor<'a>(state: &'a AppState, event: &'a StoredEvent, user: &'a User) -> CreditActor<'a> {
    CreditActor {
        store: &state.backend.store,
        config: &state.config,
        event,
        user,
        now: state.backend.clock.now(),
    }
}

async fn claim(
    State(state): State<AppState>,
    FormEvent { event, user }: FormEvent,
    ApiPath((slug, offer)): ApiPath<(String, String)>,
) -> Response {
    let back = format!("/events/{slug}/credits");
    let result = actor(&state, &event, &user).claim(&offer).await.map(|c| {
        if c.new {
            "Here is your code, below; it was also sent to you by email.".to_owned()
        } else {
            "You already have a code for this offer: it is below.".to_owned()
        }
    });
    finish(&state, &back, result)
}

async fn import(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath((slug, offer)): ApiPath<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = actor(&state, &event, &user)
        .import(&offer, field(&fields, "csv"))
        .await
        .map(|n| format!("Imported {n} codes."));
    finish(&state, &format!("/events/{slug}/credits"), result)
}

async fn distribute(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath((slug, offer)): ApiPath<(String, String)>,
) -> Response {
    let result = actor(&state, &event, &user)
        .distribute(&offer)
        .await
        .map(|d| {
            let mut words = format!("Sent {} codes; {} already had one.", d.assigned, d.already);
            if !d.waiting.is_empty() {
                words.push_str(&format!(
                    " No code left for {}: import more and send again.",
                    d.waiting.len()
                ));
            }
            words
        });
    finish(&state, &format!("/events/{slug}/credits"), result)
}

async fn save_offer(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath(slug): ApiPath<String>,
    Form(input): Form<hackboard_domain::credits::OfferInput>,
) -> Response {
    let result = actor(&state, &event, &user)
        .save_offer(&input)
        .await
        .map(|new| if new { "Offer added." } else { "Offer saved." }.to_owned());
    finish(&state, &format!("/events/{slug}/credits"), result)
}

async fn revoke(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath((slug, id)): ApiPath<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let result = match id.parse::<i64>() {
        Ok(id) => actor(&state, &event, &user)
            .revoke(id, field(&fields, "reason"))
            .await
            .map(|_| "Revoked, and recorded in the audit log.".to_owned()),
        Err(_) => Err(CreditError::UnknownCode.into()),
    };
    finish(&state, &format!("/events/{slug}/credits"), result)
}

async fn reassign(
    State(state): State<AppState>,
    FormOrganizer { event, user }: FormOrganizer,
    ApiPath((slug, offer)): ApiPath<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    let back = format!("/events/{slug}/credits");
    let Ok(code_id) = field(&fields, "code_id")
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
    else {
        return finish(&state, &back, Err(CreditError::UnknownCode.into()));
    };
    let to = match person(&state, field(&fields, "to")).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return finish(
                &state,
                &back,
                Err(CreditError::NotEligible(
                    "Nobody has that email address or account id.".into(),
                )
                .into()),
            );
        }
        Err(r) => return r,
    };
    let result = actor(&state, &event, &user)
        .reassign(&offer, code_id, to, field(&fields, "reason"))
        .await
        .map(|_| "Reassigned, mailed to the new holder and recorded in the audit log.".to_owned());
    finish(&state, &back, result)
}

/// An account by `#id` or email address (when exactly one account has it).
async fn person(state: &AppState, who: &str) -> Result<Option<i64>, Response> {
    let who = who.trim();
    let store = &state.backend.store;
    if let Some(id) = who.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
        return match store.user(id).await {
            Ok(u) => Ok(u.map(|u| u.id)),
            Err(e) => Err(internal(e)),
        };
    }
    match store.users_by_email(who).await {
        Ok(users) if users.len() == 1 => Ok(Some(users[0].id)),
        Ok(_) => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

async fn export_csv(
    State(state): State<AppState>,
    FormOrganizer { event, .. }: FormOrganizer,
    ApiPath((slug, offer)): ApiPath<(String, String)>,
) -> Response {
    let store = &state.backend.store;
    let offer_id = match store.offer_id(event.id, &offer).await {
        Ok(Some(id)) => id,
        Ok(None) => return crate::web::not_found(),
        Err(e) => return internal(e),
    };
    let rows = match store.assignments(offer_id).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let when = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default()
    };
    let columns = [
        "code",
        "value",
        "expires_at",
        "state",
        "person",
        "email",
        "team",
        "assigned_at",
        "revoked_reason",
    ];
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let state_word = match (&r.revoked_at, &r.assigned_at) {
            (Some(_), _) => "revoked",
            (None, Some(_)) => "assigned",
            _ => "free",
        };
        let cells = [
            r.code,
            r.value.unwrap_or_default(),
            when(r.expires_at),
            state_word.to_owned(),
            r.person.unwrap_or_default(),
            r.email.unwrap_or_default(),
            r.team.unwrap_or_default(),
            when(r.assigned_at),
            r.revoked_reason.unwrap_or_default(),
        ];
        lines.push(cells);
    }
    crate::web::csv::download(&format!("{slug}-{offer}-codes.csv"), columns, lines)
}
