//! The server function of the credits page.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::CreditsView;
use leptos::prelude::*;

/// The credits page: each offer with the viewer's code or status; stock
/// and codes for organizers.
#[server(prefix = "/sf", endpoint = "credits")]
pub async fn get_credits(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<CreditsView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .credits(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}
