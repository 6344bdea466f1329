//! The port the server implements (server build only): `Backend`, what the
//! pages need from the server, and how a server function reaches it for the
//! request being answered (`backend`, `request_headers`, `cookie`,
//! `viewer_zone`). Every feature's server functions call it directly.

use crate::wire::*;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::EventDefinition;
use leptos::prelude::*;
use std::sync::Arc;

/// What the pages need from the server. Implemented by the server crate,
/// provided to every render and server function as `Arc<dyn Backend>`.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The injected clock.
    fn now(&self) -> DateTime<Utc>;
    async fn events(&self) -> Result<Vec<EventDefinition>, BackendError>;
    async fn event(&self, slug: &str) -> Result<Option<EventDefinition>, BackendError>;
    /// Markdown to sanitized HTML.
    fn markdown(&self, source: &str) -> String;
    /// Sign-in providers offered: (id, label).
    fn providers(&self) -> Vec<(String, String)>;
    /// The signed-in person, if the request carries a live session.
    async fn viewer(&self, headers: &http::HeaderMap) -> Result<Option<ViewerView>, BackendError>;
    /// The signed-in person's profile (`new_token` is filled by the caller).
    async fn profile(&self, headers: &http::HeaderMap)
    -> Result<Option<ProfileView>, BackendError>;
    /// The registration page of an event (`None`: no such event).
    async fn registration_page(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<RegistrationPageView>, BackendError>;
    /// The organizers' registration list, filtered by `status`,
    /// `hf` (`yes`/`no`) and `looking` (`yes`/`no`).
    async fn registrations(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        filter: &[(String, String)],
    ) -> Result<Option<RegistrationsView>, BackendError>;
    /// The viewer's team page (`query`: a signed notice, a join code).
    async fn my_team(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<MyTeamView>, BackendError>;
    /// The team finder (`query`: a signed notice and filters).
    async fn finder(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<FinderView>, BackendError>;
    /// The organizers' team list (`query`: a signed notice and filters).
    async fn teams_admin(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<TeamsAdminView>, BackendError>;
    /// The credits page (`query`: a signed notice).
    async fn credits(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<CreditsView>, BackendError>;
    /// The team's submission page (`query`: a signed notice, a kept attempt).
    async fn submission(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<SubmissionPageView>, BackendError>;
    /// A project's page: public once submitted and the gallery is open;
    /// before that only for its team and organizers (`None` otherwise).
    async fn project(
        &self,
        slug: &str,
        id: i64,
        headers: &http::HeaderMap,
    ) -> Result<Option<ProjectView>, BackendError>;
    /// The organizers' eligibility report (`query`: a signed notice, `status`, `q`).
    async fn eligibility_report(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<EligibilityReportView>, BackendError>;
    /// The gallery (`query`: `track`, `q`, `sort`, `page`).
    async fn gallery(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<GalleryView>, BackendError>;
    /// The likes results (`None` before the gallery opens, except for
    /// organizers).
    async fn results(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<ResultsView>, BackendError>;
    /// The organizers' likes integrity review.
    async fn likes_review(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<LikesReviewView>, BackendError>;
    /// Likes (or withdraws the like of) a project as the viewer; `None`
    /// when the event is unknown or nobody is signed in.
    async fn set_like(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        like: bool,
    ) -> Result<Option<LikeOut>, BackendError>;
    /// Accepts or declines a team request or invitation as the viewer;
    /// `None` when the event is unknown or nobody is signed in.
    async fn answer_team_request(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        accept: bool,
    ) -> Result<Option<Notice>, BackendError>;
}

/// The backend failed; it has already logged why. Pages say only that
/// something went wrong on our side.
#[derive(Debug, Clone, Copy)]
pub struct BackendError;

/// The cookie in which the browser leaves its IANA zone.
pub const ZONE_COOKIE: &str = "hb_tz";

/// The server's `Backend`, provided to every render and server function.
pub fn backend() -> Result<Arc<dyn Backend>, ServerFnError> {
    use_context::<Arc<dyn Backend>>().ok_or_else(|| ServerFnError::new("backend unavailable"))
}

/// What a page or island is told when the backend failed.
pub fn trouble(_: BackendError) -> ServerFnError {
    ServerFnError::new("Something went wrong on our side. Please try again.")
}

/// The viewer's zone, from the cookie the browser left, if valid.
pub fn viewer_zone_from_headers(headers: &http::HeaderMap) -> Option<Tz> {
    cookie(headers, ZONE_COOKIE).and_then(|v| v.parse::<Tz>().ok())
}

/// The headers of the request being answered.
pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default()
}

/// The cookie that carries a just-created API token to the profile page.
pub const NEW_TOKEN_COOKIE: &str = "hb_new_token";

/// The value of the cookie `name` in a request's headers.
pub fn cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The viewer's zone for the request being rendered, if the browser left it.
pub fn viewer_zone() -> Option<Tz> {
    use_context::<http::request::Parts>().and_then(|p| viewer_zone_from_headers(&p.headers))
}
