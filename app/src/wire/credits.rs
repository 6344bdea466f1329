//! The credits page.

use super::notice::Notice;
use serde::{Deserialize, Serialize};

/// One credit offer as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreditCard {
    pub slug: String,
    pub sponsor: String,
    pub value: String,
    /// How to redeem it, as sanitized HTML.
    pub redeem_html: String,
    /// `person` or `team`.
    pub per: String,
    /// `claim`, `organizer` or `direct`.
    pub delivery: String,
    /// The viewer's code (theirs or their team's), if they have one.
    pub code: Option<String>,
    pub code_value: Option<String>,
    /// Whether a claim button is offered.
    pub can_claim: bool,
    /// Why not, or what happens next, in words.
    pub status: String,
}

/// One offer's stock and codes, for organizers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockView {
    pub slug: String,
    pub label: String,
    pub delivery: String,
    pub imported: i64,
    pub assigned: i64,
    pub revoked: i64,
    pub left: i64,
    /// Eligible people or teams who hold no code yet.
    pub waiting: Vec<String>,
    pub codes: Vec<CodeRowView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CodeRowView {
    pub id: i64,
    pub code: String,
    /// The person or team holding it, if any.
    pub owner: String,
    /// `free`, `assigned` or `revoked: <reason>`.
    pub state: String,
}

/// The credits page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreditsView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub notice: Option<Notice>,
    pub offers: Vec<CreditCard>,
    /// Filled for the event's organizers only.
    pub organizer: bool,
    pub stock: Vec<StockView>,
}
