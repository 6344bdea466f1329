//! The server functions of the submission page and a project's page.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{ProjectView, SubmissionPageView};
use leptos::prelude::*;

/// The team's submission page.
#[server(prefix = "/sf", endpoint = "submission")]
pub async fn get_submission(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<SubmissionPageView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .submission(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

/// A project's page (`None`: no such project, or not visible to the viewer).
#[server(prefix = "/sf", endpoint = "project")]
pub async fn get_project(slug: String, id: i64) -> Result<Option<ProjectView>, ServerFnError> {
    backend()?
        .project(&slug, id, &request_headers())
        .await
        .map_err(trouble)
}
