//! Events: the list and one event in the API, and the calendar feed of an event's milestones.
//!
//! `actions` holds the rules and the words people see; `views` the page
//! view models; `api` the JSON handlers; `forms` the HTML form handlers.

pub mod api;
pub mod ics;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The feature's page-side routes (HTML forms, feeds); its `/api/v1`
/// routes are `api::router`.
pub fn router() -> Router<AppState> {
    Router::new().route("/events/{slug}/calendar.ics", get(ics::calendar_feed))
}
