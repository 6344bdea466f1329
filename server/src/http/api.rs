//! `/api/v1`: the versioned JSON API, documented with OpenAPI at
//! `/api/v1/openapi.json`. Handlers are thin: extract, call, map.

use super::AppState;
use super::error::{ApiError, ApiJson, ApiQuery, ErrorBody};
use crate::store::RevokeOutcome;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{DateTime, Utc};
use hackboard_domain::timeline::{self, EventStatus, Phase};
use hackboard_domain::{EventDefinition, MilestoneTime};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// Routes relative to `/api/v1` (nested there by `http::router`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events))
        .route("/events/{slug}", get(get_event))
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route(
            "/events/{slug}/registration",
            axum::routing::post(register).delete(withdraw),
        )
        .route("/events/{slug}/registrations", get(registrations))
        .route("/events/{slug}/hf-org", get(hf_org))
        .route(
            "/events/{slug}/roles",
            get(list_roles).post(grant_role).delete(revoke_role),
        )
        .route(
            "/events/{slug}/invites",
            get(list_invites).post(create_invite),
        )
        .route(
            "/events/{slug}/invites/{id}",
            axum::routing::delete(end_invite),
        )
        .merge(super::api_teams::router())
        .merge(super::api_credits::router())
        .merge(super::api_submissions::router())
        .merge(super::api_eligibility::router())
        .merge(super::likes::api_router())
        .fallback(unknown_endpoint)
}

/// An event in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    pub slug: String,
    pub name: String,
    /// `online`, `on_site` or `hybrid`.
    pub format: String,
    /// `upcoming`, `live` or `past`.
    pub status: String,
    /// The phase in the event's home zone.
    pub phase: String,
    pub url: String,
}

/// A milestone. `type` says how to read the time: `instant` (one moment
/// for everyone: `at` in UTC, and the `zone` and wall-clock `local_time` it
/// was defined in) or `local` (reached at `local_time` in each team's zone;
/// `earliest`/`latest` bound the UTC instants over all zones on Earth).
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneOut {
    pub kind: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind_of_time: String,
    pub local_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackOut {
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub description: String,
    pub sponsor: Option<String>,
    pub requirements: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferOut {
    pub slug: String,
    pub sponsor: String,
    pub value: String,
    /// Markdown.
    pub redeem: String,
    /// `person` or `team`.
    pub per: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamSizeOut {
    pub min: u32,
    pub max: u32,
}

/// The next milestone (for local-time milestones, in the event's home zone).
#[derive(Debug, Serialize, ToSchema)]
pub struct NextOut {
    pub kind: String,
    pub title: String,
    pub at: DateTime<Utc>,
    pub seconds_left: i64,
}

/// One event with everything that defines it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub slug: String,
    pub name: String,
    /// Markdown.
    pub description: String,
    pub format: String,
    pub home_zone: String,
    pub hugging_face_org: Option<String>,
    pub team_size: TeamSizeOut,
    pub status: String,
    pub phase: String,
    pub next: Option<NextOut>,
    pub milestones: Vec<MilestoneOut>,
    pub tracks: Vec<TrackOut>,
    pub credits: Vec<OfferOut>,
    pub links: Vec<LinkOut>,
    /// Markdown.
    pub rules: String,
    pub calendar_url: String,
}

fn status_key(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Upcoming => "upcoming",
        EventStatus::Live => "live",
        EventStatus::Past => "past",
    }
}

fn phase_key(p: Phase) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn summary(def: &EventDefinition, now: DateTime<Utc>, base: &str) -> EventSummary {
    EventSummary {
        slug: def.slug.to_string(),
        name: def.name.clone(),
        format: def.format.as_str().to_owned(),
        status: status_key(timeline::status_at(&def.milestones, now)).to_owned(),
        phase: phase_key(timeline::phase_at(&def.milestones, now, def.home_zone)),
        url: format!("{base}/events/{}", def.slug),
    }
}

pub fn event_out(def: &EventDefinition, now: DateTime<Utc>, base: &str) -> EventOut {
    let next = timeline::upcoming(&def.milestones, now, def.home_zone)
        .into_iter()
        .next()
        .map(|u| NextOut {
            kind: def.milestones[u.index].kind.key().to_owned(),
            title: def.milestones[u.index].title.clone(),
            at: u.at,
            seconds_left: u.remaining.num_seconds(),
        });
    EventOut {
        slug: def.slug.to_string(),
        name: def.name.clone(),
        description: def.description.clone(),
        format: def.format.as_str().to_owned(),
        home_zone: def.home_zone.name().to_owned(),
        hugging_face_org: def.hf_org.clone(),
        team_size: TeamSizeOut {
            min: def.team_size.min,
            max: def.team_size.max,
        },
        status: status_key(timeline::status_at(&def.milestones, now)).to_owned(),
        phase: phase_key(timeline::phase_at(&def.milestones, now, def.home_zone)),
        next,
        milestones: def
            .milestones
            .iter()
            .map(|m| {
                let (earliest, latest) = timeline::utc_spread(&m.time);
                match &m.time {
                    MilestoneTime::Instant { utc, zone } => MilestoneOut {
                        kind: m.kind.key().to_owned(),
                        title: m.title.clone(),
                        kind_of_time: "instant".to_owned(),
                        local_time: utc
                            .with_timezone(zone)
                            .naive_local()
                            .format("%Y-%m-%dT%H:%M:%S")
                            .to_string(),
                        zone: Some(zone.name().to_owned()),
                        at: Some(*utc),
                        earliest,
                        latest,
                    },
                    MilestoneTime::Local { local } => MilestoneOut {
                        kind: m.kind.key().to_owned(),
                        title: m.title.clone(),
                        kind_of_time: "local".to_owned(),
                        local_time: local.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        zone: None,
                        at: None,
                        earliest,
                        latest,
                    },
                }
            })
            .collect(),
        tracks: def
            .tracks
            .iter()
            .map(|t| TrackOut {
                slug: t.slug.to_string(),
                name: t.name.clone(),
                description: t.description.clone(),
                sponsor: t.sponsor.clone(),
                requirements: t.requirements.clone(),
            })
            .collect(),
        credits: def
            .offers
            .iter()
            .map(|o| OfferOut {
                slug: o.slug.to_string(),
                sponsor: o.sponsor.clone(),
                value: o.value.clone(),
                redeem: o.redeem.clone(),
                per: o.per.as_str().to_owned(),
            })
            .collect(),
        links: def
            .links
            .iter()
            .map(|l| LinkOut {
                label: l.label.clone(),
                url: l.url.clone(),
            })
            .collect(),
        rules: def.rules.clone(),
        calendar_url: format!("{base}/events/{}/calendar.ics", def.slug),
    }
}

/// List every event on this platform.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, description = "All events, oldest first", body = [EventSummary])))]
async fn list_events(State(state): State<AppState>) -> Result<Json<Vec<EventSummary>>, ApiError> {
    let now = state.backend.clock.now();
    let events = state.backend.store.list_events().await?;
    Ok(Json(
        events
            .iter()
            .map(|e| summary(&e.definition, now, &state.config.base_url))
            .collect(),
    ))
}

/// One event with its timeline, tracks and credit offers.
#[utoipa::path(get, path = "/api/v1/events/{slug}", tag = "events",
    params(("slug" = String, Path, description = "The event's slug")),
    responses(
        (status = 200, description = "The event", body = EventOut),
        (status = 404, description = "No event has this slug", body = ErrorBody),
    ))]
async fn get_event(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<EventOut>, ApiError> {
    let def = state
        .backend
        .event_definition(&slug)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No event has the slug \"{slug}\".")))?;
    Ok(Json(event_out(
        &def,
        state.backend.clock.now(),
        &state.config.base_url,
    )))
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
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
async fn me(
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

/// A registration, as sent by a participant.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct RegistrationIn {
    /// Must be true: the rules and code of conduct are accepted.
    pub accept_rules: bool,
    /// Profile fields to confirm; the profile's values when absent.
    pub display_name: Option<String>,
    pub time_zone: Option<String>,
    pub country: Option<String>,
    /// Question id → a string, a list of choices, or a boolean (checkbox).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub answers: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub looking_for_team: bool,
    /// The invite token, for invite-only events.
    pub invite: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationOut {
    /// `registered`, `waitlisted`, `withdrawn`, or `already_registered`.
    pub status: String,
    /// 1 = next in line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waitlist_position: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationItem {
    pub user_id: i64,
    pub position: i64,
    pub name: String,
    pub email: Option<String>,
    pub hugging_face: Option<String>,
    pub in_hf_org: bool,
    /// In the org-joining deadline snapshot; absent before it is taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_hf_snapshot: Option<bool>,
    pub looking_for_team: bool,
    pub status: String,
    pub registered_at: Option<DateTime<Utc>>,
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
}

/// A role change, by account id or by email.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct RoleIn {
    pub user_id: Option<i64>,
    pub email: Option<String>,
    /// `organizer` or `judge`.
    pub role: String,
}

pub(super) async fn signed_in_user(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<crate::store::User, ApiError> {
    crate::auth::current_user(
        &state.backend.store,
        &state.config,
        headers,
        state.backend.clock.now(),
    )
    .await?
    .ok_or(ApiError::Unauthorized)
}

/// The event, from the revision-checked cache (one small query).
pub(super) async fn event_named(
    state: &AppState,
    slug: &str,
) -> Result<std::sync::Arc<crate::store::StoredEvent>, ApiError> {
    state
        .backend
        .stored_event(slug)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No event has the slug \"{slug}\".")))
}

pub(super) async fn organizer_of(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    slug: &str,
) -> Result<(crate::store::StoredEvent, crate::store::User), ApiError> {
    let user = signed_in_user(state, headers).await?;
    let event = event_named(state, slug).await?;
    if super::registration::may_organize(&state.backend.store, event.id, &user).await? {
        Ok(((*event).clone(), user))
    } else {
        Err(ApiError::Refused(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Only the event's organizers can do this.".into(),
        ))
    }
}

/// Register the signed-in person for the event (or waitlist them when full).
#[utoipa::path(post, path = "/api/v1/events/{slug}/registration", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = RegistrationIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Registered, waitlisted or already registered", body = RegistrationOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Invite-only without a valid invite, or declined", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "Registration is not open", body = ErrorBody),
        (status = 422, description = "Rules not accepted, bad profile field or answers", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<RegistrationIn>,
) -> Result<Json<RegistrationOut>, ApiError> {
    let user = signed_in_user(&state, &headers).await?;
    let event = event_named(&state, &slug).await?;
    let answers = input
        .answers
        .into_iter()
        .map(|(id, v)| {
            let values = match v {
                serde_json::Value::String(s) => vec![s],
                serde_json::Value::Array(a) => a
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                serde_json::Value::Bool(true) => vec!["yes".to_owned()],
                _ => vec![],
            };
            (id, values)
        })
        .collect();
    let form = super::registration::RegistrationInput {
        accept_rules: input.accept_rules,
        display_name: input.display_name,
        time_zone: input.time_zone,
        country: input.country,
        answers,
        looking_for_team: input.looking_for_team,
        invite: input.invite,
    };
    use super::registration::Refusal;
    use crate::store::RegisterOutcome;
    match super::registration::register_user(&state, &event, &user, form).await? {
        Ok(RegisterOutcome::Registered) => Ok(Json(RegistrationOut {
            status: "registered".into(),
            waitlist_position: None,
        })),
        Ok(RegisterOutcome::Waitlisted(p)) => Ok(Json(RegistrationOut {
            status: "waitlisted".into(),
            waitlist_position: Some(p),
        })),
        Ok(_) => Ok(Json(RegistrationOut {
            status: "already_registered".into(),
            waitlist_position: None,
        })),
        Err(refusal) => {
            let (status, code) = match &refusal {
                Refusal::Closed(_) => (StatusCode::CONFLICT, "registration_closed"),
                Refusal::Rejected | Refusal::Invite => (StatusCode::FORBIDDEN, "forbidden"),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            };
            Err(ApiError::Refused(status, code, refusal.message()))
        }
    }
}

/// Withdraw the signed-in person's registration.
#[utoipa::path(delete, path = "/api/v1/events/{slug}/registration", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = RegistrationOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such event, or not registered", body = ErrorBody),
    ))]
async fn withdraw(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<RegistrationOut>, ApiError> {
    let user = signed_in_user(&state, &headers).await?;
    let event = event_named(&state, &slug).await?;
    match state
        .backend
        .store
        .withdraw_registration(event.id, user.id, state.backend.clock.now())
        .await
    {
        Ok(_) => Ok(Json(RegistrationOut {
            status: "withdrawn".into(),
            waitlist_position: None,
        })),
        Err(crate::store::StoreError::NotFound) => Err(ApiError::NotFound(
            "You are not registered for this event.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The event's registrations, for its organizers; `status`, `hf` and
/// `looking` (`yes`/`no`) filter them.
#[utoipa::path(get, path = "/api/v1/events/{slug}/registrations", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug"),
           ("status" = Option<String>, Query, description = "registered, waitlisted, rejected or withdrawn"),
           ("hf" = Option<String>, Query, description = "yes or no: joined the event's Hugging Face org"),
           ("looking" = Option<String>, Query, description = "yes or no: looking for a team")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Registrations in order", body = [RegistrationItem]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ))]
async fn registrations(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    ApiQuery(filter): ApiQuery<super::registration::Filter>,
) -> Result<Json<Vec<RegistrationItem>>, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let rows = state
        .backend
        .store
        .registrations(
            event.id,
            &filter
                .parse_strict()
                .map_err(|m| ApiError::Refused(StatusCode::BAD_REQUEST, "bad_request", m))?,
        )
        .await?;
    let snapshot = state.backend.store.hf_snapshot(event.id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| RegistrationItem {
                in_hf_snapshot: snapshot
                    .as_ref()
                    .map(|(_, members)| in_snapshot(members, r.hf_handle.as_deref())),
                user_id: r.user_id,
                position: r.seq,
                name: r.display_name,
                email: r.email,
                hugging_face: r.hf_handle,
                in_hf_org: r.in_hf_org,
                looking_for_team: r.looking_for_team,
                status: r.status,
                registered_at: DateTime::from_timestamp_millis(r.created_at),
                answers: serde_json::from_str(&r.answers).unwrap_or_default(),
            })
            .collect(),
    ))
}

/// Whether a Hugging Face handle is in a (sorted, lower-case) snapshot.
pub fn in_snapshot(members: &[String], handle: Option<&str>) -> bool {
    handle.is_some_and(|h| members.binary_search(&h.to_lowercase()).is_ok())
}

/// The event's Hugging Face org membership record.
#[derive(Debug, Serialize, ToSchema)]
pub struct HfOrgOut {
    pub org: String,
    /// Members known now: the public list and members seen at their sign-in.
    pub members_known: i64,
    /// Members in the public list at the last successful refresh.
    pub public_members: i64,
    pub refreshed_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// When the snapshot is due (the org-joining deadline).
    pub snapshot_due_at: Option<DateTime<Utc>>,
    pub snapshot: Option<HfSnapshotOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HfSnapshotOut {
    pub taken_at: Option<DateTime<Utc>>,
    /// Hugging Face usernames (lower-case, sorted).
    pub members: Vec<String>,
}

/// The event's Hugging Face org membership: the refresh state and the
/// snapshot taken at the org-joining deadline, for its organizers.
#[utoipa::path(get, path = "/api/v1/events/{slug}/hf-org", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The membership record", body = HfOrgOut),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event, or it has no Hugging Face org", body = ErrorBody),
    ))]
async fn hf_org(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<HfOrgOut>, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let Some(org) = event.definition.hf_org.clone() else {
        return Err(ApiError::NotFound(
            "This event has no Hugging Face organization.".into(),
        ));
    };
    let status = state.backend.store.hf_org_status(event.id).await?;
    Ok(Json(HfOrgOut {
        org,
        members_known: status.members_known,
        public_members: status.public_members,
        refreshed_at: status
            .succeeded_at
            .and_then(DateTime::from_timestamp_millis),
        last_attempt_at: status
            .attempted_at
            .and_then(DateTime::from_timestamp_millis),
        last_error: status.last_error,
        snapshot_due_at: hackboard_domain::hf_org::snapshot_due(&event.definition.milestones),
        snapshot: status.snapshot.map(|(at, members)| HfSnapshotOut {
            taken_at: DateTime::from_timestamp_millis(at),
            members,
        }),
    }))
}

async fn role_target(
    state: &AppState,
    input: &RoleIn,
) -> Result<(crate::store::User, crate::store::Role), ApiError> {
    let role = crate::store::Role::parse(&input.role).ok_or_else(|| {
        ApiError::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("Unknown role \"{}\": use organizer or judge.", input.role),
        )
    })?;
    let store = &state.backend.store;
    let user = match (input.user_id, &input.email) {
        (Some(id), _) => store.user(id).await?,
        (None, Some(email)) => {
            let email = hackboard_domain::email::EmailAddress::parse(email)
                .map_err(|m| ApiError::Refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m))?;
            let mut users = store.users_by_email(email.as_str()).await?;
            if users.len() > 1 {
                return Err(ApiError::Refused(
                    StatusCode::CONFLICT,
                    "ambiguous",
                    format!(
                        "{} accounts use {email}: send user_id instead.",
                        users.len()
                    ),
                ));
            }
            users.pop()
        }
        (None, None) => {
            return Err(ApiError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Send user_id or email.".into(),
            ));
        }
    };
    let user = user.ok_or_else(|| {
        ApiError::NotFound("No such account: the person must sign in once first.".into())
    })?;
    Ok((user, role))
}

/// Make someone an organizer or judge of the event (organizers only).
#[utoipa::path(post, path = "/api/v1/events/{slug}/roles", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = RoleIn, security(("bearer" = [])),
    responses(
        (status = 204, description = "Granted (or already held)"),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event or account", body = ErrorBody),
        (status = 422, description = "Unknown role", body = ErrorBody),
    ))]
async fn grant_role(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<RoleIn>,
) -> Result<StatusCode, ApiError> {
    let (event, by) = organizer_of(&state, &headers, &slug).await?;
    let (user, role) = role_target(&state, &input).await?;
    state
        .backend
        .store
        .grant_role(
            event.id,
            user.id,
            role,
            Some(by.id),
            state.backend.clock.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a role away (organizers only).
#[utoipa::path(delete, path = "/api/v1/events/{slug}/roles", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = RoleIn, security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event, account or role", body = ErrorBody),
    ))]
async fn revoke_role(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<RoleIn>,
) -> Result<StatusCode, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let (user, role) = role_target(&state, &input).await?;
    let outcome = state
        .backend
        .store
        .revoke_role(event.id, user.id, role, true)
        .await?;
    match outcome {
        RevokeOutcome::Revoked => Ok(StatusCode::NO_CONTENT),
        RevokeOutcome::NotHeld => Err(ApiError::NotFound(format!(
            "{} is not {} of this event.",
            user.display_name,
            role.as_str()
        ))),
        RevokeOutcome::LastOrganizer => Err(ApiError::Refused(
            StatusCode::CONFLICT,
            "last_organizer",
            format!(
                "{} is the event's only organizer: make someone else organizer first.",
                user.display_name
            ),
        )),
    }
}

/// Someone with a role in the event.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffOut {
    pub user_id: i64,
    pub name: String,
    /// `organizer` or `judge`.
    pub role: String,
}

/// The event's organizers and judges (organizers only).
#[utoipa::path(get, path = "/api/v1/events/{slug}/roles", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Organizers and judges", body = [StaffOut]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ))]
async fn list_roles(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Vec<StaffOut>>, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let staff = state.backend.store.event_staff(event.id).await?;
    Ok(Json(
        staff
            .into_iter()
            .map(|(user_id, name, role)| StaffOut {
                user_id,
                name,
                role: role.as_str().to_owned(),
            })
            .collect(),
    ))
}

/// A new invite link's limits.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct InviteIn {
    /// How many registrations it allows [default: 1, at most 100 000].
    pub max_uses: Option<i64>,
    /// Days it stays valid (1 to 365); absent: no expiry.
    pub valid_days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InviteOut {
    pub id: i64,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    /// Still usable now.
    pub active: bool,
    /// Only in the answer that created it: the link is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

fn invite_out(i: crate::store::Invite, now: DateTime<Utc>) -> InviteOut {
    InviteOut {
        id: i.id,
        max_uses: i.max_uses,
        uses: i.uses,
        expires_at: i.expires_at.and_then(DateTime::from_timestamp_millis),
        created_at: DateTime::from_timestamp_millis(i.created_at),
        active: i.uses < i.max_uses && i.expires_at.is_none_or(|e| e > now.timestamp_millis()),
        url: None,
    }
}

/// The event's invite links, newest first (organizers only).
#[utoipa::path(get, path = "/api/v1/events/{slug}/invites", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Invite links (without their tokens)", body = [InviteOut]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    ))]
async fn list_invites(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Vec<InviteOut>>, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let now = state.backend.clock.now();
    let invites = state.backend.store.invites(event.id).await?;
    Ok(Json(
        invites.into_iter().map(|i| invite_out(i, now)).collect(),
    ))
}

/// Creates an invite link; its URL is in this answer only (organizers only).
#[utoipa::path(post, path = "/api/v1/events/{slug}/invites", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = InviteIn, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `url` is shown once", body = InviteOut),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 422, description = "Uses or lifetime out of range", body = ErrorBody),
    ))]
async fn create_invite(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(input): ApiJson<InviteIn>,
) -> Result<(StatusCode, Json<InviteOut>), ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let now = state.backend.clock.now();
    let limits =
        hackboard_domain::registration::invite_limits(input.max_uses, input.valid_days, now)
            .map_err(|m| ApiError::Refused(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m))?;
    let token = crate::auth::random_token();
    let store = &state.backend.store;
    let id = store
        .create_invite(
            event.id,
            &crate::auth::token_hash(&token),
            limits.max_uses,
            limits.expires_at,
            now,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InviteOut {
            id,
            max_uses: limits.max_uses,
            uses: 0,
            expires_at: limits.expires_at,
            created_at: Some(now),
            active: true,
            url: Some(format!(
                "{}/events/{slug}/register?invite={token}",
                state.config.base_url
            )),
        }),
    ))
}

/// Ends an invite link now (organizers only).
#[utoipa::path(delete, path = "/api/v1/events/{slug}/invites/{id}", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The invite link's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, description = "Not an organizer of this event", body = ErrorBody),
        (status = 404, description = "No such invite link, or it had already ended", body = ErrorBody),
    ))]
async fn end_invite(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let (event, _) = organizer_of(&state, &headers, &slug).await?;
    let unknown = || ApiError::NotFound("No such invite link, or it had already ended.".into());
    let id: i64 = id.parse().map_err(|_| unknown())?;
    if state
        .backend
        .store
        .revoke_invite(event.id, id, state.backend.clock.now())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(unknown())
    }
}

async fn unknown_endpoint() -> ApiError {
    ApiError::NotFound("There is no such API endpoint. See /api/v1/openapi.json.".to_owned())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Hackboard API", version = "1", description = "Hackathons, end to end."),
    paths(list_events, get_event, me, register, withdraw, registrations, hf_org, list_roles, grant_role,
        revoke_role, list_invites, create_invite, end_invite,
        super::api_teams::my_team, super::api_teams::create_team, super::api_teams::update_team,
        super::api_teams::join_team, super::api_teams::leave_team, super::api_teams::remove_member,
        super::api_teams::hand_over, super::api_teams::new_code, super::api_teams::set_tracks,
        super::api_teams::invite, super::api_teams::ask_to_join, super::api_teams::accept,
        super::api_teams::decline, super::api_teams::finder, super::api_teams::set_finder,
        super::api_teams::teams_admin, super::api_teams::organizer_move,
        super::api_credits::my_credits, super::api_credits::claim, super::api_credits::import,
        super::api_credits::distribute, super::api_credits::revoke, super::api_credits::save_offer,
        super::api_submissions::mine, super::api_submissions::save, super::api_submissions::extend,
        super::api_submissions::all,
        super::api_eligibility::mine, super::api_eligibility::check_mine,
        super::api_eligibility::cover, super::api_eligibility::all,
        super::api_eligibility::check_one, super::api_eligibility::decision,
        super::likes::gallery, super::likes::project, super::likes::like, super::likes::unlike, super::likes::results,
        super::likes::void, super::likes::confirm),
    components(schemas(EventSummary, EventOut, MilestoneOut, TrackOut, OfferOut, LinkOut,
        TeamSizeOut, NextOut, MeOut, RegistrationIn, RegistrationOut, RegistrationItem, RoleIn, HfOrgOut, HfSnapshotOut, StaffOut, InviteIn, InviteOut,
        ErrorBody, super::error::ErrorDetail,
        super::api_teams::TeamActionOut, super::api_teams::CreateTeamIn, super::api_teams::UpdateTeamIn,
        super::api_teams::JoinIn, super::api_teams::MemberIn, super::api_teams::TracksIn,
        super::api_teams::TeamInviteIn, super::api_teams::AskIn, super::api_teams::FinderIn,
        super::api_teams::MoveIn, super::api_credits::ClaimOut, super::api_credits::ImportIn,
        super::api_credits::ImportOut, super::api_credits::DistributeOut, super::api_credits::RevokeIn,
        super::api_credits::DoneOut, super::api_credits::OfferIn,
        super::api_submissions::ContentIo, super::api_submissions::VersionOut,
        super::api_submissions::SubmissionOut, super::api_submissions::SaveIn,
        super::api_submissions::SaveOut, super::api_submissions::ExtensionIn,
        super::api_submissions::ExtensionOut, super::api_submissions::SubmissionItem,
        super::api_eligibility::ItemOut, super::api_eligibility::ChecklistOut,
        super::api_eligibility::DecisionOut, super::api_eligibility::ReportItemOut,
        super::api_eligibility::DecisionIn, super::api_eligibility::CoverOut,
        super::api_eligibility::QueuedOut,
        super::likes::VoidIn, super::likes::VoidOut, super::likes::WildCardIn,
        hackboard_app::wire::GalleryView, hackboard_app::wire::GalleryCard,
        hackboard_app::wire::LikeButtonView, hackboard_app::wire::LikeOut,
        hackboard_app::wire::ResultsView, hackboard_app::wire::StandingRow,
        hackboard_app::wire::Notice, hackboard_app::wire::ProjectView)),
    tags((name = "events", description = "Events and their timelines"),
         (name = "account", description = "The signed-in account"),
         (name = "registration", description = "Registering, and organizers managing registrations and roles"),
         (name = "teams", description = "Teams, the team finder, tracks, and organizers' team management"),
         (name = "credits", description = "Sponsor credits: claiming codes, and organizers' import, distribution and revocation"),
         (name = "submissions", description = "Project submissions: versioned saves, submit with receipt, extensions, cover images, eligibility checks and organizers' decisions"),
         (name = "likes", description = "The gallery, likes, the frozen snapshot with its hash, voiding and the wild card")),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// Declares the personal-API-token scheme.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
