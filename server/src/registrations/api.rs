//! `/api/v1` for registrations: registering and withdrawing, and
//! organizers' registration list, Hugging Face org record, roles and
//! invite links.

use crate::registrations::actions::in_snapshot;
use crate::state::AppState;
use crate::store::RevokeOutcome;
use crate::web::error::{
    ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody, NoSuchEvent, NotOrganizer, NotSignedIn,
};
use crate::web::extract::{EventPath, Organizer, SignedIn};
use utoipa_axum::{router::OpenApiRouter, routes};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Routes under `/api/v1`, with their OpenAPI paths and schemas, from
/// each handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register, withdraw))
        .routes(routes!(registrations))
        .routes(routes!(hf_org))
        .routes(routes!(list_roles, grant_role, revoke_role))
        .routes(routes!(list_invites, create_invite))
        .routes(routes!(end_invite))
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

/// Register the signed-in person for the event (or waitlist them when full).
#[utoipa::path(post, path = "/api/v1/events/{slug}/registration", tag = "registration",
    params(("slug" = String, Path, description = "The event's slug")),
    request_body = RegistrationIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Registered, waitlisted or already registered", body = RegistrationOut),
        NotSignedIn,
        (status = 403, description = "Invite-only without a valid invite, or declined", body = ErrorBody),
        NoSuchEvent,
        (status = 409, description = "Registration is not open", body = ErrorBody),
        (status = 422, description = "Rules not accepted, bad profile field or answers", body = ErrorBody),
    ))]
pub(crate) async fn register(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
    ApiJson(input): ApiJson<RegistrationIn>,
) -> Result<Json<RegistrationOut>, ApiError> {
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
    let form = crate::registrations::actions::RegistrationInput {
        accept_rules: input.accept_rules,
        display_name: input.display_name,
        time_zone: input.time_zone,
        country: input.country,
        answers,
        looking_for_team: input.looking_for_team,
        invite: input.invite,
    };
    use crate::registrations::actions::Refusal;
    use crate::store::RegisterOutcome;
    match crate::registrations::actions::register_user(&state, &event, &user, form).await? {
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
        NotSignedIn,
        (status = 404, description = "No such event, or not registered", body = ErrorBody),
    ))]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    EventPath(event): EventPath,
) -> Result<Json<RegistrationOut>, ApiError> {
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
        NotSignedIn, NotOrganizer, NoSuchEvent,
    ))]
pub(crate) async fn registrations(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
    ApiQuery(filter): ApiQuery<crate::registrations::forms::Filter>,
) -> Result<Json<Vec<RegistrationItem>>, ApiError> {
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
        NotSignedIn, NotOrganizer,
        (status = 404, description = "No such event, or it has no Hugging Face org", body = ErrorBody),
    ))]
pub(crate) async fn hf_org(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
) -> Result<Json<HfOrgOut>, ApiError> {
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
        NotOrganizer,
        (status = 404, description = "No such event or account", body = ErrorBody),
        (status = 422, description = "Unknown role", body = ErrorBody),
    ))]
pub(crate) async fn grant_role(
    State(state): State<AppState>,
    Organizer { event, user: by }: Organizer,
    ApiJson(input): ApiJson<RoleIn>,
) -> Result<StatusCode, ApiError> {
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
        NotOrganizer,
        (status = 404, description = "No such event, account or role", body = ErrorBody),
    ))]
pub(crate) async fn revoke_role(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
    ApiJson(input): ApiJson<RoleIn>,
) -> Result<StatusCode, ApiError> {
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
        NotSignedIn, NotOrganizer, NoSuchEvent,
    ))]
pub(crate) async fn list_roles(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
) -> Result<Json<Vec<StaffOut>>, ApiError> {
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
        NotSignedIn, NotOrganizer, NoSuchEvent,
    ))]
pub(crate) async fn list_invites(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
) -> Result<Json<Vec<InviteOut>>, ApiError> {
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
        NotOrganizer,
        (status = 422, description = "Uses or lifetime out of range", body = ErrorBody),
    ))]
pub(crate) async fn create_invite(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(input): ApiJson<InviteIn>,
) -> Result<(StatusCode, Json<InviteOut>), ApiError> {
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
        NotOrganizer,
        (status = 404, description = "No such invite link, or it had already ended", body = ErrorBody),
    ))]
pub(crate) async fn end_invite(
    State(state): State<AppState>,
    Organizer { event, .. }: Organizer,
    ApiPath((_slug, id)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
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
