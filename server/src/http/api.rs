//! `/api/v1`: the versioned JSON API, documented with OpenAPI at
//! `/api/v1/openapi.json`. Each feature's `api` module holds its handlers;
//! this module nests them and serves the document.

use crate::state::AppState;
use crate::web::error::{ApiError, ErrorBody};
use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

/// Routes relative to `/api/v1` (nested there by `http::router`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(crate::events::api::router())
        .merge(crate::accounts::api::router())
        .merge(crate::registrations::api::router())
        .merge(crate::teams::api::router())
        .merge(crate::credits::api::router())
        .merge(crate::submissions::api::router())
        .merge(crate::eligibility::api::router())
        .merge(crate::likes::api::api_router())
        .fallback(unknown_endpoint)
}

async fn unknown_endpoint() -> ApiError {
    ApiError::NotFound("There is no such API endpoint. See /api/v1/openapi.json.".to_owned())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Hackboard API", version = "1", description = "Hackathons, end to end."),
    paths(crate::events::api::list_events, crate::events::api::get_event, crate::accounts::api::me,
        crate::registrations::api::register, crate::registrations::api::withdraw,
        crate::registrations::api::registrations, crate::registrations::api::hf_org,
        crate::registrations::api::list_roles, crate::registrations::api::grant_role,
        crate::registrations::api::revoke_role, crate::registrations::api::list_invites,
        crate::registrations::api::create_invite, crate::registrations::api::end_invite,
        crate::teams::api::my_team, crate::teams::api::create_team, crate::teams::api::update_team,
        crate::teams::api::join_team, crate::teams::api::leave_team, crate::teams::api::remove_member,
        crate::teams::api::hand_over, crate::teams::api::new_code, crate::teams::api::set_tracks,
        crate::teams::api::invite, crate::teams::api::ask_to_join, crate::teams::api::accept,
        crate::teams::api::decline, crate::teams::api::finder, crate::teams::api::set_finder,
        crate::teams::api::teams_admin, crate::teams::api::organizer_move,
        crate::credits::api::my_credits, crate::credits::api::claim, crate::credits::api::import,
        crate::credits::api::distribute, crate::credits::api::revoke, crate::credits::api::save_offer,
        crate::submissions::api::mine, crate::submissions::api::save, crate::submissions::api::extend,
        crate::submissions::api::all,
        crate::eligibility::api::mine, crate::eligibility::api::check_mine,
        crate::eligibility::api::cover, crate::eligibility::api::all,
        crate::eligibility::api::check_one, crate::eligibility::api::decision,
        crate::likes::api::gallery, crate::likes::api::project, crate::likes::api::like, crate::likes::api::unlike, crate::likes::api::results,
        crate::likes::api::void, crate::likes::api::confirm),
    components(schemas(crate::events::api::EventSummary, crate::events::api::EventOut,
        crate::events::api::MilestoneOut, crate::events::api::TrackOut, crate::events::api::OfferOut,
        crate::events::api::LinkOut, crate::events::api::TeamSizeOut, crate::events::api::NextOut,
        crate::accounts::api::MeOut, crate::registrations::api::RegistrationIn,
        crate::registrations::api::RegistrationOut, crate::registrations::api::RegistrationItem,
        crate::registrations::api::RoleIn, crate::registrations::api::HfOrgOut,
        crate::registrations::api::HfSnapshotOut, crate::registrations::api::StaffOut,
        crate::registrations::api::InviteIn, crate::registrations::api::InviteOut,
        ErrorBody, crate::web::error::ErrorDetail,
        crate::teams::api::TeamActionOut, crate::teams::api::CreateTeamIn, crate::teams::api::UpdateTeamIn,
        crate::teams::api::JoinIn, crate::teams::api::MemberIn, crate::teams::api::TracksIn,
        crate::teams::api::TeamInviteIn, crate::teams::api::AskIn, crate::teams::api::FinderIn,
        crate::teams::api::MoveIn, crate::credits::api::ClaimOut, crate::credits::api::ImportIn,
        crate::credits::api::ImportOut, crate::credits::api::DistributeOut, crate::credits::api::RevokeIn,
        crate::credits::api::DoneOut, crate::credits::api::OfferIn,
        crate::submissions::api::ContentIo, crate::submissions::api::VersionOut,
        crate::submissions::api::SubmissionOut, crate::submissions::api::SaveIn,
        crate::submissions::api::SaveOut, crate::submissions::api::ExtensionIn,
        crate::submissions::api::ExtensionOut, crate::submissions::api::SubmissionItem,
        crate::eligibility::api::ItemOut, crate::eligibility::api::ChecklistOut,
        crate::eligibility::api::DecisionOut, crate::eligibility::api::ReportItemOut,
        crate::eligibility::api::DecisionIn, crate::eligibility::api::CoverOut,
        crate::eligibility::api::QueuedOut,
        crate::likes::api::VoidIn, crate::likes::api::VoidOut, crate::likes::api::WildCardIn,
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
