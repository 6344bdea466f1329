//! Accounts: sign-in by email link and OAuth (GitHub, Hugging Face), sign-out, the profile, personal API tokens.
//!
//! `actions` holds the rules and the words people see; `views` the page
//! view models; `api` the JSON handlers; `forms` the HTML form handlers.

pub mod api;
pub mod forms;
pub mod oauth;

use crate::state::AppState;
use axum::Router;

/// The feature's page-side routes (HTML forms, feeds); its `/api/v1`
/// routes are `api::router`.
pub fn router() -> Router<AppState> {
    forms::router().merge(oauth::router())
}
pub mod views;
