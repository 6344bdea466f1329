//! `/api/v1` for sponsor credits: the caller's offers and codes, claiming,
//! and organizers' import, distribution and revocation. Everything goes
//! through `credits::CreditActor`, as the forms do.

use crate::credits::actions::CreditActor;
use crate::state::AppState;
use crate::web::error::{
    ApiError, ApiJson, ApiPath, ErrorBody, NoSuchEvent, NotOrganizer, NotSignedIn,
};
use crate::web::extract::{EventPath, SignedIn};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use hackboard_app::wire::CreditsView;
use hackboard_domain::credits::OfferInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_credits))
        .routes(routes!(claim))
        .routes(routes!(import))
        .routes(routes!(distribute))
        .routes(routes!(revoke))
        .routes(routes!(save_offer))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimOut {
    pub code: String,
    /// False when the caller (or their team) already had this code.
    pub new: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportIn {
    /// CSV text: `code` and optional `value` and `expires_at` columns.
    pub csv: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub imported: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DistributeOut {
    pub assigned: usize,
    pub already: usize,
    /// Eligible people or teams left without a code (none left).
    pub waiting: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeIn {
    pub reason: String,
}

/// A credit offer, as in the event file's `[[credits]]`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferIn {
    pub slug: String,
    pub sponsor: String,
    /// "$15 of Mistral API credits".
    pub value: String,
    /// `person` or `team`.
    pub per: String,
    /// How to redeem it (markdown).
    #[serde(default)]
    pub redeem: String,
    /// `registered` (default), `hf_org`, `in_team` or `track:<slug>`.
    #[serde(default)]
    pub eligible: String,
    /// `claim` (default), `organizer` or `direct`.
    #[serde(default)]
    pub delivery: String,
    /// Milestone kind from which codes can be claimed or sent.
    #[serde(default)]
    pub opens: String,
    /// Milestone kind until which codes can be claimed or sent.
    #[serde(default)]
    pub closes: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DoneOut {
    pub message: String,
}

macro_rules! with_actor {
    ($state:expr, $user:expr, $event:expr, |$a:ident| $body:expr) => {{
        let $a = CreditActor {
            store: &$state.backend.store,
            config: &$state.config,
            event: &$event,
            user: &$user,
            now: $state.backend.clock.now(),
        };
        $body.await.map_err(ApiError::from)
    }};
}

/// Every offer of the event with the caller's code or what stands in the
/// way; for organizers, also the stock, who is waiting and the codes.
#[utoipa::path(get, path = "/api/v1/events/{slug}/credits", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's credits", body = CreditsView),
        NotSignedIn, NoSuchEvent,
    ))]
pub(crate) async fn my_credits(
    State(state): State<AppState>,
    _: SignedIn,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<CreditsView>, ApiError> {
    state
        .backend
        .credits_view(&slug, &headers, &[])
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::no_event(&slug))
}

/// Claim a code (for the caller's team, for a team offer). A repeated
/// claim returns the same code.
#[utoipa::path(post, path = "/api/v1/events/{slug}/credits/{offer}/claim", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug"),
           ("offer" = String, Path, description = "The offer's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's code", body = ClaimOut),
        NotSignedIn,
        (status = 403, description = "Not eligible: the message says which condition is missing", body = ErrorBody),
        (status = 404, description = "No such event or offer", body = ErrorBody),
        (status = 409, description = "Outside the offer's window, sent by organizers, no codes, or all claimed", body = ErrorBody),
    ))]
pub(crate) async fn claim(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath((_slug, offer)): ApiPath<(String, String)>,
) -> Result<Json<ClaimOut>, ApiError> {
    let c = with_actor!(state, user, event, |a| a.claim(&offer))?;
    Ok(Json(ClaimOut {
        code: c.code,
        new: c.new,
    }))
}

/// Import codes for an offer from CSV text, all or nothing (organizers).
#[utoipa::path(post, path = "/api/v1/events/{slug}/credits/{offer}/codes", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug"),
           ("offer" = String, Path, description = "The offer's slug")),
    request_body = ImportIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported", body = ImportOut),
        NotOrganizer,
        (status = 404, description = "No such event or offer", body = ErrorBody),
        (status = 422, description = "Bad rows, each by line number; nothing imported", body = ErrorBody),
    ))]
pub(crate) async fn import(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath((_slug, offer)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<ImportIn>,
) -> Result<Json<ImportOut>, ApiError> {
    let imported = with_actor!(state, user, event, |a| a.import(&offer, &input.csv))?;
    Ok(Json(ImportOut { imported }))
}

/// Send a code to everyone eligible who has none (organizers).
#[utoipa::path(post, path = "/api/v1/events/{slug}/credits/{offer}/distribute", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug"),
           ("offer" = String, Path, description = "The offer's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was sent, and who is still waiting", body = DistributeOut),
        NotOrganizer,
        (status = 404, description = "No such event or offer", body = ErrorBody),
        (status = 409, description = "Outside the offer's window, or an offer without codes", body = ErrorBody),
    ))]
pub(crate) async fn distribute(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath((_slug, offer)): ApiPath<(String, String)>,
) -> Result<Json<DistributeOut>, ApiError> {
    let d = with_actor!(state, user, event, |a| a.distribute(&offer))?;
    Ok(Json(DistributeOut {
        assigned: d.assigned,
        already: d.already,
        waiting: d.waiting,
    }))
}

/// Revoke a code with a reason, kept in the audit log (organizers).
#[utoipa::path(post, path = "/api/v1/events/{slug}/credits/codes/{id}/revoke", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The code's id")),
    request_body = RevokeIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = DoneOut),
        NotOrganizer,
        (status = 404, description = "No such live code in this event", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ))]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<RevokeIn>,
) -> Result<Json<DoneOut>, ApiError> {
    with_actor!(state, user, event, |a| a.revoke(id, &input.reason))?;
    Ok(Json(DoneOut {
        message: "Revoked, and recorded in the audit log.".into(),
    }))
}

/// Add an offer, or change the one with this slug (organizers). The event
/// file's rules apply (an `hf_org` offer needs the event's org, a `track:`
/// offer an existing track).
#[utoipa::path(post, path = "/api/v1/events/{slug}/credits/offers", tag = "credits",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = OfferIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = DoneOut),
        NotOrganizer, NoSuchEvent,
        (status = 422, description = "A field is wrong (the message says which), or the event changed meanwhile", body = ErrorBody),
    ))]
pub(crate) async fn save_offer(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiPath(_slug): ApiPath<String>,
    ApiJson(input): ApiJson<OfferIn>,
) -> Result<Json<DoneOut>, ApiError> {
    let input = OfferInput {
        slug: input.slug,
        sponsor: input.sponsor,
        value: input.value,
        per: input.per,
        redeem: input.redeem,
        eligible: input.eligible,
        delivery: input.delivery,
        opens: input.opens,
        closes: input.closes,
    };
    let new = with_actor!(state, user, event, |a| a.save_offer(&input))?;
    Ok(Json(DoneOut {
        message: if new { "Offer added." } else { "Offer saved." }.into(),
    }))
}
