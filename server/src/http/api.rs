//! `/api/v1`: the versioned JSON API, documented with OpenAPI at
//! `/api/v1/openapi.json`. Each feature's `api` module declares its routes
//! with `routes!` from its handlers' `#[utoipa::path]`, so a route and its
//! documentation are one annotation; this module puts them together and
//! serves the document.

use crate::state::AppState;
use crate::web::error::{ApiError, ErrorBody, ErrorDetail};
use axum::Json;
use axum::Router;
use axum::routing::{any, get};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Every feature's API routes with the document they make.
pub fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::events::api::router())
        .merge(crate::accounts::api::router())
        .merge(crate::registrations::api::router())
        .merge(crate::teams::api::router())
        .merge(crate::credits::api::router())
        .merge(crate::submissions::api::router())
        .merge(crate::eligibility::api::router())
        .merge(crate::likes::api::router())
}

/// The API's routes (full paths), its document at `/api/v1/openapi.json`,
/// and a JSON 404 for any other path under `/api/v1`.
pub fn router() -> Router<AppState> {
    let (router, document) = documented().split_for_parts();
    let document = Arc::new(document);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let document = document.clone();
                async move { Json(document) }
            }),
        )
        .route("/api/v1", any(unknown_endpoint))
        .route("/api/v1/{*rest}", any(unknown_endpoint))
}

async fn unknown_endpoint() -> ApiError {
    ApiError::NotFound("There is no such API endpoint. See /api/v1/openapi.json.".to_owned())
}

/// What the document says beside the routes: its title, the tags, the
/// error shape every endpoint shares and the bearer-token scheme.
#[derive(OpenApi)]
#[openapi(
    info(title = "Hackboard API", version = "1", description = "Hackathons, end to end."),
    components(schemas(ErrorBody, ErrorDetail)),
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
