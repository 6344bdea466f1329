//! What the server sends the pages: plain serializable view types, already
//! rendered into the words and times people read. Nothing secret goes here.
//!
//! One file per feature; all are re-exported here, so every type is
//! `crate::wire::X` (and `hackboard_app::wire::X` for the server).

mod accounts;
mod credits;
mod eligibility;
mod events;
mod likes;
mod notice;
mod registrations;
mod submissions;
mod teams;

pub use accounts::*;
pub use credits::*;
pub use eligibility::*;
pub use events::*;
pub use likes::*;
pub use notice::*;
pub use registrations::*;
pub use submissions::*;
pub use teams::*;
