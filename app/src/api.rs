//! Server functions the pages load their data with. Each is a one-line
//! adapter over `crate::ssr`; they only read public event data, so they need
//! no authorization, and they never change state.

use crate::wire::{EventView, HomeView};
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
