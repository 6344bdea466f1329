//! Hackboard's domain rules, in plain Rust.
//!
//! Nothing here knows about HTTP, Leptos or SQL: these are the rules a
//! hackathon runs by (what an event is, how its timeline is ordered, which
//! phase it is in at a given instant, how a "local time" deadline resolves
//! for a team), so they can be unit- and property-tested directly and run in
//! the browser as well as on the server. It is its own crate because both the
//! server and the WebAssembly bundle depend on it, and neither may pull the
//! other's dependencies in.

pub mod credits;
pub mod demo;
pub mod eligibility;
pub mod email;
pub mod event;
pub mod event_file;
pub mod gallery;
pub mod hf_org;
pub mod registration;
pub mod submission;
pub mod team;
pub mod timeline;

pub use event::*;
