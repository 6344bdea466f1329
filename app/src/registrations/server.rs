//! The server functions of the registration page and the organizers'
//! registration list. They never change state.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{RegistrationPageView, RegistrationsView};
use leptos::prelude::*;

/// An event's registration page, for the caller.
#[server(prefix = "/sf", endpoint = "registration")]
pub async fn get_registration(slug: String) -> Result<Option<RegistrationPageView>, ServerFnError> {
    backend()?
        .registration_page(&slug, &request_headers())
        .await
        .map_err(trouble)
}

/// The registration list; filled only for the event's organizers.
#[server(prefix = "/sf", endpoint = "registrations")]
pub async fn get_registrations(
    slug: String,
    status: Option<String>,
    hf: Option<String>,
    looking: Option<String>,
) -> Result<Option<RegistrationsView>, ServerFnError> {
    let filter: Vec<(String, String)> = [("status", status), ("hf", hf), ("looking", looking)]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    backend()?
        .registrations(&slug, &request_headers(), &filter)
        .await
        .map_err(trouble)
}
