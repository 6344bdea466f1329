//! What the features' handlers share on the web side: the error type and
//! its JSON shape (`error`), what a handler takes from a request
//! (`extract`), signed notices (`notice`), posted forms and redirects
//! (`forms`), CSV documents (`csv`) and the connection's peer (`peer`).
//! Nothing here knows a feature; every feature may use it.

pub mod csv;
pub mod error;
pub mod extract;
pub mod forms;
pub mod notice;
pub mod peer;
pub mod viewer;

pub(crate) use extract::not_found;
pub(crate) use forms::{Fields, form_field, internal, urlencode};
pub(crate) use notice::{notice_url, verified_notice};
pub(crate) use peer::peer_address;
pub(crate) use viewer::logged;
