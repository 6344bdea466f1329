//! `/api/v1` for events: the list of events and one event with its
//! timeline, tracks and offers.

use crate::state::AppState;
use crate::web::error::{ApiError, ApiPath, ErrorBody};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use hackboard_domain::timeline::{self, EventStatus, Phase};
use hackboard_domain::{EventDefinition, MilestoneTime};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events))
        .routes(routes!(get_event))
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
pub(crate) async fn list_events(
    State(state): State<AppState>,
) -> Result<Json<Vec<EventSummary>>, ApiError> {
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
pub(crate) async fn get_event(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<EventOut>, ApiError> {
    let def = state
        .backend
        .event_definition(&slug)
        .await?
        .ok_or_else(|| ApiError::no_event(&slug))?;
    Ok(Json(event_out(
        &def,
        state.backend.clock.now(),
        &state.config.base_url,
    )))
}
