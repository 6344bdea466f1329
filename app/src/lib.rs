//! Hackboard's user interface.
//!
//! - `wire`: the view types the server sends the pages;
//! - `pages`: server-rendered pages; `islands`: the parts that hydrate;
//! - `api`: server functions (thin adapters over `ssr`);
//! - `ssr` (server build only): the port the server implements, the view
//!   models and the HTML shell.
//!
//! Built twice: with `ssr` into the server, with `hydrate` into the
//! WebAssembly bundle (`hydrate_islands` below is its entry point).
// Leptos view types nest deeply on the larger pages.
#![recursion_limit = "256"]

pub mod account;
pub mod api;
pub mod credits;
pub mod eligibility;
pub mod format;
pub mod gallery;
pub mod islands;
pub mod pages;
pub mod registration;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod submission;
pub mod teams;
pub mod wire;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
