//! The signed-in person: the site header and the profile page.

use serde::{Deserialize, Serialize};

/// The signed-in person, for the site header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerView {
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: bool,
}

/// The profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub display_name: String,
    pub email: Option<String>,
    pub time_zone: String,
    pub country: String,
    /// Comma-separated.
    pub skills: String,
    pub bio: String,
    pub github_handle: Option<String>,
    pub hf_handle: Option<String>,
    /// (provider, login)
    pub identities: Vec<(String, Option<String>)>,
    pub tokens: Vec<TokenView>,
    /// A token just created, shown this once.
    pub new_token: Option<String>,
}
