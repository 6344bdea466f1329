//! Server functions the pages load their data with. Each is a one-line
//! adapter over `crate::ssr`. They never change state; those reading
//! personal data return only the caller's own (from the session).

use crate::wire::{
    EventView, FinderView, HomeView, MyTeamView, ProfileView, RegistrationPageView,
    RegistrationsView, TeamsAdminView, ViewerView,
};
use leptos::prelude::*;

/// The home page: every event, grouped upcoming / live / past.
#[server(prefix = "/sf", endpoint = "home")]
pub async fn get_home() -> Result<HomeView, ServerFnError> {
    crate::ssr::home().await
}

/// One event's page, or `None` when no event has this slug.
#[server(prefix = "/sf", endpoint = "event")]
pub async fn get_event(slug: String) -> Result<Option<EventView>, ServerFnError> {
    crate::ssr::event_page(slug).await
}

/// The signed-in person, for the header.
#[server(prefix = "/sf", endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<ViewerView>, ServerFnError> {
    crate::ssr::viewer().await
}

/// The signed-in person's own profile (nobody else's).
#[server(prefix = "/sf", endpoint = "profile")]
pub async fn get_profile() -> Result<Option<ProfileView>, ServerFnError> {
    crate::ssr::profile().await
}

/// An event's registration page, for the caller.
#[server(prefix = "/sf", endpoint = "registration")]
pub async fn get_registration(slug: String) -> Result<Option<RegistrationPageView>, ServerFnError> {
    crate::ssr::registration_page(slug).await
}

/// The registration list; filled only for the event's organizers.
#[server(prefix = "/sf", endpoint = "registrations")]
pub async fn get_registrations(
    slug: String,
    status: Option<String>,
    hf: Option<String>,
    looking: Option<String>,
) -> Result<Option<RegistrationsView>, ServerFnError> {
    let filter = [("status", status), ("hf", hf), ("looking", looking)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    crate::ssr::registrations(slug, filter).await
}

/// The OAuth providers this platform offers: (id, label).
#[server(prefix = "/sf", endpoint = "providers")]
pub async fn get_providers() -> Result<Vec<(String, String)>, ServerFnError> {
    crate::ssr::providers()
}

/// The caller's team page; the query may carry a signed notice
/// (`ok`/`err`/`sig`) and an invite `code` to prefill.
#[server(prefix = "/sf", endpoint = "my_team")]
pub async fn get_my_team(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<MyTeamView>, ServerFnError> {
    crate::ssr::my_team(slug, query.into_iter().collect()).await
}

/// The team finder, filtered by `skill`, `track`, `tz_from` and `tz_to`;
/// listed people only for registered viewers.
#[server(prefix = "/sf", endpoint = "finder")]
pub async fn get_finder(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<FinderView>, ServerFnError> {
    crate::ssr::finder(slug, query.into_iter().collect()).await
}

/// The organizers' team list, filtered by `track` and `size`; filled only
/// for the event's organizers.
#[server(prefix = "/sf", endpoint = "teams_admin")]
pub async fn get_teams_admin(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<TeamsAdminView>, ServerFnError> {
    crate::ssr::teams_admin(slug, query.into_iter().collect()).await
}

/// Accepts or declines a team request or invitation in place (the page's
/// forms post the same thing without JavaScript); `None`: not signed in.
#[server(prefix = "/sf", endpoint = "answer_team_request")]
pub async fn answer_team_request(
    slug: String,
    id: i64,
    accept: bool,
) -> Result<Option<crate::wire::TeamAnswer>, ServerFnError> {
    crate::ssr::answer_team_request(slug, id, accept).await
}

/// The credits page: each offer with the viewer's code or status; stock
/// and codes for organizers.
#[server(prefix = "/sf", endpoint = "credits")]
pub async fn get_credits(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::CreditsView>, ServerFnError> {
    crate::ssr::credits(slug, query.into_iter().collect()).await
}

/// The team's submission page.
#[server(prefix = "/sf", endpoint = "submission")]
pub async fn get_submission(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::SubmissionPageView>, ServerFnError> {
    crate::ssr::submission(slug, query.into_iter().collect()).await
}

/// The organizers' eligibility report, filtered by `status` and `q`.
#[server(prefix = "/sf", endpoint = "eligibility")]
pub async fn get_eligibility_report(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::EligibilityReportView>, ServerFnError> {
    crate::ssr::eligibility_report(slug, query.into_iter().collect()).await
}

/// The gallery, filtered by `track` and `q`, sorted by `sort`, page `page`.
#[server(prefix = "/sf", endpoint = "gallery")]
pub async fn get_gallery(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::GalleryView>, ServerFnError> {
    crate::ssr::gallery(slug, query.into_iter().collect()).await
}

/// The likes results and the wild card.
#[server(prefix = "/sf", endpoint = "results")]
pub async fn get_results(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::ResultsView>, ServerFnError> {
    crate::ssr::results(slug, query.into_iter().collect()).await
}

/// The organizers' likes review.
#[server(prefix = "/sf", endpoint = "likes_review")]
pub async fn get_likes_review(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<crate::wire::LikesReviewView>, ServerFnError> {
    crate::ssr::likes_review(slug, query.into_iter().collect()).await
}

/// Likes (or withdraws the like of) a project: the like button.
#[server(prefix = "/sf", endpoint = "like")]
pub async fn set_like(
    slug: String,
    id: i64,
    like: bool,
) -> Result<Option<crate::wire::LikeOut>, ServerFnError> {
    crate::ssr::set_like(slug, id, like).await
}

/// A project's page (`None`: no such project, or not visible to the viewer).
#[server(prefix = "/sf", endpoint = "project")]
pub async fn get_project(
    slug: String,
    id: i64,
) -> Result<Option<crate::wire::ProjectView>, ServerFnError> {
    crate::ssr::project(slug, id).await
}
