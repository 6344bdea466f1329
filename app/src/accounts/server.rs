//! The server functions of the site header, the sign-in page and the
//! profile. Those reading personal data return only the caller's own (from
//! the session).

#[cfg(feature = "ssr")]
use crate::port::{NEW_TOKEN_COOKIE, backend, cookie, request_headers, trouble};
use crate::wire::{ProfileView, ViewerView};
use leptos::prelude::*;

/// The signed-in person, for the header.
#[server(prefix = "/sf", endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<ViewerView>, ServerFnError> {
    let backend = backend()?;
    backend.viewer(&request_headers()).await.map_err(trouble)
}

/// The signed-in person's own profile (nobody else's).
#[server(prefix = "/sf", endpoint = "profile")]
pub async fn get_profile() -> Result<Option<ProfileView>, ServerFnError> {
    let backend = backend()?;
    let headers = request_headers();
    let Some(mut profile) = backend.profile(&headers).await.map_err(trouble)? else {
        return Ok(None);
    };
    if let Some(token) = cookie(&headers, NEW_TOKEN_COOKIE).filter(|t| t.starts_with("hb_")) {
        profile.new_token = Some(token.to_owned());
        // Shown once: the cookie is removed with this response.
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.append_header(
                http::header::SET_COOKIE,
                http::HeaderValue::from_static(
                    "hb_new_token=; Path=/me; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
        }
    }
    Ok(Some(profile))
}

/// The OAuth providers this platform offers: (id, label).
#[server(prefix = "/sf", endpoint = "providers")]
pub async fn get_providers() -> Result<Vec<(String, String)>, ServerFnError> {
    Ok(backend()?.providers())
}
