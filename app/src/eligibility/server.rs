//! The server function of the organizers' eligibility report.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::EligibilityReportView;
use leptos::prelude::*;

/// The organizers' eligibility report, filtered by `status` and `q`.
#[server(prefix = "/sf", endpoint = "eligibility")]
pub async fn get_eligibility_report(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<EligibilityReportView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .eligibility_report(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}
