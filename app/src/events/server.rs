//! The server functions the home and event pages load their data with.

#[cfg(feature = "ssr")]
use crate::port::{backend, trouble, viewer_zone};
use crate::wire::{EventView, HomeView};
use leptos::prelude::*;

/// The home page: every event, grouped upcoming / live / past.
#[server(prefix = "/sf", endpoint = "home")]
pub async fn get_home() -> Result<HomeView, ServerFnError> {
    let backend = backend()?;
    let events = backend.events().await.map_err(trouble)?;
    Ok(super::views::home_view(&events, backend.now()))
}

/// One event's page, or `None` when no event has this slug.
#[server(prefix = "/sf", endpoint = "event")]
pub async fn get_event(slug: String) -> Result<Option<EventView>, ServerFnError> {
    let backend = backend()?;
    let Some(def) = backend.event(&slug).await.map_err(trouble)? else {
        return Ok(None);
    };
    let view = super::views::event_view(&def, backend.now(), viewer_zone(), &|md| {
        backend.markdown(md)
    });
    Ok(Some(view))
}
