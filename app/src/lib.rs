//! Hackboard's user interface, in layers (a module imports only its own
//! layer or lower ones, and no two modules import each other in a circle):
//!
//! - entry: this file (the WebAssembly entry point), `app` (the router)
//!   and `shell` (server build only: the HTML document);
//! - features, each a folder of pages (`mod.rs`), islands and the server
//!   functions they load their data with (`server.rs`): `accounts`,
//!   `events`, `registrations`, `teams`, `submissions`, `eligibility`,
//!   `likes`, `credits`;
//! - `ui`: what the features share (not-found page, notices, time formats,
//!   the countdown and viewer-time islands);
//! - `port` (server build only): the `Backend` the server implements and
//!   how a server function reaches it;
//! - `wire`: the view types the server sends the pages.
//!
//! Built twice: with `ssr` into the server, with `hydrate` into the
//! WebAssembly bundle (`hydrate_islands` below is its entry point).
// Leptos view types nest deeply on the larger pages.
#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
pub mod credits;
pub mod eligibility;
pub mod events;
pub mod likes;
#[cfg(feature = "ssr")]
pub mod port;
pub mod registrations;
#[cfg(feature = "ssr")]
pub mod shell;
pub mod submissions;
pub mod teams;
pub mod ui;
pub mod wire;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
