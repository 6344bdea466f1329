//! The server functions of the team pages (the team island's is beside it,
//! in `islands.rs`).

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{FinderView, MyTeamView, TeamsAdminView};
use leptos::prelude::*;

/// The caller's team page; the query may carry a signed notice
/// (`ok`/`err`/`sig`) and an invite `code` to prefill.
#[server(prefix = "/sf", endpoint = "my_team")]
pub async fn get_my_team(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<MyTeamView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .my_team(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

/// The team finder, filtered by `skill`, `track`, `tz_from` and `tz_to`;
/// listed people only for registered viewers.
#[server(prefix = "/sf", endpoint = "finder")]
pub async fn get_finder(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<FinderView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .finder(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

/// The organizers' team list, filtered by `track` and `size`; filled only
/// for the event's organizers.
#[server(prefix = "/sf", endpoint = "teams_admin")]
pub async fn get_teams_admin(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<TeamsAdminView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .teams_admin(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}
