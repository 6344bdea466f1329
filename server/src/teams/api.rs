//! `/api/v1` for teams, the team finder and organizers' team management.
//! Every action goes through `teams::Actor`, as the HTML forms do, and
//! answers with the caller's fresh "My team" view so a client never has to
//! guess what changed.

use crate::state::AppState;
use crate::store::{StoredEvent, User};
use crate::teams::actions::Actor;
use crate::web::error::{
    ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoSuchEvent, NotOrganizer, NotSignedIn,
};
use crate::web::extract::{EventPath, Organizer, SignedIn, slug_of};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use hackboard_app::wire::{FinderView, MyTeamView, TeamsAdminView};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_team, create_team, update_team))
        .routes(routes!(join_team))
        .routes(routes!(leave_team))
        .routes(routes!(remove_member))
        .routes(routes!(hand_over))
        .routes(routes!(new_code))
        .routes(routes!(set_tracks))
        .routes(routes!(invite))
        .routes(routes!(ask_to_join))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(finder, set_finder))
        .routes(routes!(teams_admin))
        .routes(routes!(organizer_move))
}

/// What an action did, and the caller's team as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamActionOut {
    /// For people: "Welcome to team Nebula!".
    pub message: String,
    pub view: MyTeamView,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTeamIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// IANA zone for the team's local-time deadlines; the creator's by default.
    pub time_zone: Option<String>,
}

/// Fields left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateTeamIn {
    pub description: Option<String>,
    pub time_zone: Option<String>,
    pub looking_for_members: Option<bool>,
    pub wanted_skills: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct JoinIn {
    /// The code from the team's invite link.
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberIn {
    pub user_id: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TracksIn {
    /// Track slugs (as many as the event allows per team).
    pub tracks: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamInviteIn {
    /// An email address, a GitHub or Hugging Face handle, or `#<user id>`.
    pub who: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AskIn {
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FinderIn {
    pub looking: bool,
    #[serde(default)]
    pub idea: String,
    /// The track the person is interested in (slug).
    pub track: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveIn {
    pub user_id: i64,
    /// The team to move the person into; absent: out of any team.
    pub team_id: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinderQuery {
    pub skill: Option<String>,
    pub track: Option<String>,
    /// Smallest UTC offset in hours, e.g. `-5`.
    pub tz_from: Option<String>,
    pub tz_to: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamsQuery {
    /// A track slug, or `none` for teams without one.
    pub track: Option<String>,
    /// `full`, `open` or `outside` (outside the size limits).
    pub size: Option<String>,
}

pub(crate) async fn view(
    state: &AppState,
    slug: &str,
    headers: &HeaderMap,
) -> Result<MyTeamView, ApiError> {
    state
        .backend
        .my_team_view(slug, headers, &[])
        .await?
        .ok_or_else(|| ApiError::no_event(slug))
}

/// What every team action takes, checked in this order: the signed-in
/// caller (401), the event in the path (404); with the path's slug and the
/// request's headers, which the fresh view is rendered with.
pub(crate) struct TeamCall {
    state: AppState,
    user: User,
    event: Arc<StoredEvent>,
    slug: String,
    headers: HeaderMap,
}

impl FromRequestParts<AppState> for TeamCall {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        let EventPath(event) = EventPath::from_request_parts(parts, state).await?;
        Ok(TeamCall {
            state: state.clone(),
            user,
            event,
            slug: slug_of(parts, state).await,
            headers: parts.headers.clone(),
        })
    }
}

/// Runs one action as the caller of `$call` and answers with the message
/// and the fresh view.
macro_rules! act {
    ($call:expr, |$actor:ident| $body:expr) => {{
        let call: TeamCall = $call;
        let $actor = Actor {
            store: &call.state.backend.store,
            config: &call.state.config,
            event: &call.event,
            user: &call.user,
            now: call.state.backend.clock.now(),
        };
        let message: String = $body.await?;
        Ok(Json(TeamActionOut {
            message,
            view: view(&call.state, &call.slug, &call.headers).await?,
        }))
    }};
}

type Out = Result<Json<TeamActionOut>, ApiError>;

/// The caller's team, invitations and requests, tracks and the lock.
#[utoipa::path(get, path = "/api/v1/events/{slug}/team", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's team page; `team` is null when not in one", body = MyTeamView),
        NotSignedIn, NoSuchEvent,
    ))]
pub(crate) async fn my_team(
    State(state): State<AppState>,
    _: SignedIn,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<MyTeamView>, ApiError> {
    Ok(Json(view(&state, &slug, &headers).await?))
}

/// Create a team with the caller as captain.
#[utoipa::path(post, path = "/api/v1/events/{slug}/team", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = CreateTeamIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Created", body = TeamActionOut),
        NotSignedIn,
        (status = 409, description = "Already in a team, name taken, not registered, or team changes closed", body = ErrorBody),
        (status = 422, description = "Empty or too long name, unknown time zone", body = ErrorBody),
    ))]
pub(crate) async fn create_team(call: TeamCall, ApiJson(input): ApiJson<CreateTeamIn>) -> Out {
    act!(call, |a| async {
        a.create(&input.name, &input.description, input.time_zone.as_deref())
            .await
            .map(|_| "Team created.".to_owned())
    })
}

/// Change the team's description, zone (until the lock), whether it is
/// looking for members and the skills it wants.
#[utoipa::path(patch, path = "/api/v1/events/{slug}/team", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = UpdateTeamIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = TeamActionOut),
        (status = 409, description = "Not in a team, or the zone after the lock", body = ErrorBody),
        (status = 422, description = "Unknown time zone or text too long", body = ErrorBody),
    ))]
pub(crate) async fn update_team(call: TeamCall, ApiJson(input): ApiJson<UpdateTeamIn>) -> Out {
    act!(call, |a| async {
        let team = a.my_team().await?;
        a.update(
            input.description.as_deref().unwrap_or(&team.description),
            input.time_zone.as_deref().unwrap_or(&team.time_zone),
            input
                .looking_for_members
                .unwrap_or(team.looking_for_members),
            input
                .wanted_skills
                .as_deref()
                .unwrap_or(&team.wanted_skills),
        )
        .await
        .map(|_| "Team details saved.".to_owned())
    })
}

/// Join a team with the code from its invite link.
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/join", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = JoinIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Joined", body = TeamActionOut),
        (status = 404, description = "No team has that code (or the link was replaced)", body = ErrorBody),
        (status = 409, description = "Full, already in a team, not registered, or team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn join_team(call: TeamCall, ApiJson(input): ApiJson<JoinIn>) -> Out {
    act!(call, |a| async {
        a.join_by_code(&input.code)
            .await
            .map(|t| format!("Welcome to team {}!", t.name))
    })
}

/// Leave the caller's team (a captain hands over to the longest-standing
/// member; the last member leaving ends the team).
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/leave", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Left", body = TeamActionOut),
        (status = 409, description = "Not in a team, or team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn leave_team(call: TeamCall) -> Out {
    act!(call, |a| async {
        a.leave().await.map(|_| "You left the team.".to_owned())
    })
}

/// The captain removes a member.
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/remove", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = MemberIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Removed", body = TeamActionOut),
        (status = 403, description = "Not the captain, or not a member of the caller's team", body = ErrorBody),
        (status = 409, description = "Team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn remove_member(call: TeamCall, ApiJson(input): ApiJson<MemberIn>) -> Out {
    act!(call, |a| async {
        a.remove(input.user_id)
            .await
            .map(|_| "Removed from the team.".to_owned())
    })
}

/// The captain hands captaincy to another member.
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/captain", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = MemberIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Handed over", body = TeamActionOut),
        (status = 403, description = "Not the captain, or not a member of the caller's team", body = ErrorBody),
    ))]
pub(crate) async fn hand_over(call: TeamCall, ApiJson(input): ApiJson<MemberIn>) -> Out {
    act!(call, |a| async {
        a.make_captain(input.user_id)
            .await
            .map(|_| "Captaincy handed over.".to_owned())
    })
}

/// A new invite code; the old link stops working.
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/code", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced (see `view.team.invite_url`)", body = TeamActionOut),
        (status = 409, description = "Not in a team", body = ErrorBody),
    ))]
pub(crate) async fn new_code(call: TeamCall) -> Out {
    act!(call, |a| async {
        a.new_code()
            .await
            .map(|_| "New invite link made: the old one no longer works.".to_owned())
    })
}

/// Choose the team's track(s), until the track deadline.
#[utoipa::path(put, path = "/api/v1/events/{slug}/team/tracks", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = TracksIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = TeamActionOut),
        (status = 409, description = "Not in a team, or the track deadline has passed", body = ErrorBody),
        (status = 422, description = "Unknown track, none, or more than the event allows", body = ErrorBody),
    ))]
pub(crate) async fn set_tracks(call: TeamCall, ApiJson(input): ApiJson<TracksIn>) -> Out {
    act!(call, |a| async {
        a.set_tracks(&input.tracks)
            .await
            .map(|t| format!("Track saved: {}.", t.join(", ")))
    })
}

/// Invite someone into the caller's team (an email goes out).
#[utoipa::path(post, path = "/api/v1/events/{slug}/team/invitations", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = TeamInviteIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Invitation sent", body = TeamActionOut),
        (status = 404, description = "Nobody registered answers to that", body = ErrorBody),
        (status = 409, description = "Full, already invited, the person is in a team, or team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn invite(call: TeamCall, ApiJson(input): ApiJson<TeamInviteIn>) -> Out {
    act!(call, |a| async {
        a.invite(&input.who)
            .await
            .map(|_| "Invitation sent.".to_owned())
    })
}

/// Ask to join a team; a member answers.
#[utoipa::path(post, path = "/api/v1/events/{slug}/teams/{id}/requests", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The team's id")),
    request_body = AskIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Request sent", body = TeamActionOut),
        (status = 404, description = "No such team in this event", body = ErrorBody),
        (status = 409, description = "Full, already asked, already in a team, or team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn ask_to_join(
    call: TeamCall,
    ApiPath((_slug, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<AskIn>,
) -> Out {
    act!(call, |a| async {
        a.ask(id, &input.message)
            .await
            .map(|_| "Request sent: a member of the team will answer.".to_owned())
    })
}

/// Accept a request (as a member) or an invitation (as the invited person).
#[utoipa::path(post, path = "/api/v1/events/{slug}/requests/{id}/accept", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The request or invitation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted", body = TeamActionOut),
        (status = 403, description = "Not for the caller to answer", body = ErrorBody),
        (status = 404, description = "No such pending request", body = ErrorBody),
        (status = 409, description = "Full, already in a team, or team changes closed", body = ErrorBody),
    ))]
pub(crate) async fn accept(call: TeamCall, ApiPath((_slug, id)): ApiPath<(String, i64)>) -> Out {
    act!(call, |a| async {
        a.accept(id)
            .await
            .map(|_| "Accepted: the team has a new member.".to_owned())
    })
}

/// Decline a request or invitation (or withdraw one the caller sent).
#[utoipa::path(post, path = "/api/v1/events/{slug}/requests/{id}/decline", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug"),
           ("id" = i64, Path, description = "The request or invitation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Declined", body = TeamActionOut),
        (status = 403, description = "Not for the caller to answer", body = ErrorBody),
        (status = 404, description = "No such pending request", body = ErrorBody),
    ))]
pub(crate) async fn decline(call: TeamCall, ApiPath((_slug, id)): ApiPath<(String, i64)>) -> Out {
    act!(call, |a| async {
        a.decline(id).await.map(|_| "Declined.".to_owned())
    })
}

/// People looking for a team and teams looking for members.
#[utoipa::path(get, path = "/api/v1/events/{slug}/finder", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug"),
           ("skill" = Option<String>, Query, description = "A skill the person has or the team wants"),
           ("track" = Option<String>, Query, description = "Track interest (slug)"),
           ("tz_from" = Option<String>, Query, description = "Smallest UTC offset in hours"),
           ("tz_to" = Option<String>, Query, description = "Largest UTC offset in hours")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The finder (lists are empty for people not registered)", body = FinderView),
        NotSignedIn, NoSuchEvent,
    ))]
pub(crate) async fn finder(
    State(state): State<AppState>,
    _: SignedIn,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FinderQuery>,
) -> Result<Json<FinderView>, ApiError> {
    let query: Vec<(String, String)> = [
        ("skill", q.skill),
        ("track", q.track),
        ("tz_from", q.tz_from),
        ("tz_to", q.tz_to),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
    .collect();
    state
        .backend
        .finder_view(&slug, &headers, &query)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::no_event(&slug))
}

/// Say whether the caller is looking for a team, with an idea and a track.
#[utoipa::path(put, path = "/api/v1/events/{slug}/finder", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = FinderIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = TeamActionOut),
        (status = 409, description = "Not registered", body = ErrorBody),
        (status = 422, description = "Unknown track or text too long", body = ErrorBody),
    ))]
pub(crate) async fn set_finder(call: TeamCall, ApiJson(input): ApiJson<FinderIn>) -> Out {
    act!(call, |a| async {
        a.set_finder(input.looking, &input.idea, input.track.as_deref())
            .await
            .map(|_| "Saved.".to_owned())
    })
}

/// Every team, with members, tracks and the audit log (organizers only).
#[utoipa::path(get, path = "/api/v1/events/{slug}/teams", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug"),
           ("track" = Option<String>, Query, description = "A track slug, or `none`"),
           ("size" = Option<String>, Query, description = "`full`, `open` or `outside` the limits")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Teams", body = TeamsAdminView),
        NotSignedIn, NotOrganizer, NoSuchEvent,
    ))]
pub(crate) async fn teams_admin(
    State(state): State<AppState>,
    _: Organizer,
    ApiPath(slug): ApiPath<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<TeamsQuery>,
) -> Result<Json<TeamsAdminView>, ApiError> {
    let query: Vec<(String, String)> = [("track", q.track), ("size", q.size)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    state
        .backend
        .teams_admin_view(&slug, &headers, &query)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::no_event(&slug))
}

/// An organizer moves a person into a team or out of any, past the lock
/// and the limits, with a reason recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/events/{slug}/teams/moves", tag = "teams",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = MoveIn, security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved", body = TeamActionOut),
        NotOrganizer,
        (status = 404, description = "No such person or team", body = ErrorBody),
        (status = 422, description = "No reason given", body = ErrorBody),
    ))]
pub(crate) async fn organizer_move(call: TeamCall, ApiJson(input): ApiJson<MoveIn>) -> Out {
    act!(call, |a| async {
        a.organizer_move(input.user_id, input.team_id, &input.reason)
            .await
            .map(|_| "Moved, and recorded in the audit log.".to_owned())
    })
}
