//! The message a page shows about the last action, shared by several pages.

use serde::{Deserialize, Serialize};

/// A message from the last action, verified by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}
