//! Likes: the gallery, liking and withdrawing, the frozen snapshot and results, the likes review and the wild card.
//!
//! `actions` holds the rules and the words people see; `views` the page
//! view models; `api` the JSON handlers; `forms` the HTML form handlers.

pub mod actions;
pub mod api;
pub mod forms;
pub mod views;

use crate::state::AppState;
use axum::Router;

/// The feature's page-side routes (HTML forms, feeds); its `/api/v1`
/// routes are `api::router`.
pub fn router() -> Router<AppState> {
    forms::router()
}
