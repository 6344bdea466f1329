//! Registering for an event, and the organizers' registration list.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub label: String,
    /// `short_text`, `long_text`, `single_choice`, `multiple_choice`, `checkbox`.
    pub kind: String,
    pub required: bool,
    pub choices: Vec<String>,
}

/// The registration page of an event, for the person looking at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPageView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    /// The viewer's registration status, if any.
    pub status: Option<String>,
    /// Why registration is not open now, if it is not.
    pub closed: Option<String>,
    pub invite_only: bool,
    /// "312 of 400 places taken"
    pub places: Option<String>,
    pub display_name: String,
    pub time_zone: String,
    pub country: String,
    pub questions: Vec<QuestionView>,
    pub rules_html: String,
    pub may_organize: bool,
    /// The event's Hugging Face org, seen from this person.
    pub hf_org: Option<HfOrgNotice>,
}

/// Whether the viewer has joined the event's Hugging Face org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HfOrgNotice {
    pub org: String,
    pub join_url: String,
    /// None when we do not know the viewer's Hugging Face account.
    pub joined: Option<bool>,
    /// What it means and what to do, in a sentence or two.
    pub text: String,
    /// Where to link a Hugging Face account, when that is what is missing.
    pub link_account: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub user_id: i64,
    pub position: i64,
    pub name: String,
    pub email: Option<String>,
    pub hf_handle: Option<String>,
    pub in_hf_org: bool,
    pub looking_for_team: bool,
    pub status: String,
    pub registered_at: String,
    /// In the org-joining deadline snapshot (None before it is taken).
    pub in_hf_snapshot: Option<bool>,
}

/// The organizers' list of registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationsView {
    pub slug: String,
    pub event_name: String,
    /// False when the viewer is not an organizer (nothing else is filled).
    pub allowed: bool,
    pub signed_in: bool,
    pub rows: Vec<RegistrationRow>,
    pub places: Option<String>,
    /// Query string of the current filter, for the CSV link.
    pub filter_query: String,
    /// The event's Hugging Face org: refresh state and deadline snapshot.
    pub hf_org: Option<HfOrgSummary>,
    pub invite_only: bool,
    pub invites: Vec<InviteRow>,
    /// The link of an invite just created: shown once.
    pub new_invite: Option<String>,
    /// Organizers and judges.
    pub staff: Vec<StaffRow>,
    /// The viewer's account id (to mark "you" in the staff list).
    pub viewer_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRow {
    pub id: i64,
    /// "3 of 50 used"
    pub uses: String,
    /// "until 2026-03-27 20:00 UTC", "no expiry", "ended 2026-…"
    pub validity: String,
    pub active: bool,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub user_id: i64,
    pub name: String,
    /// `organizer` or `judge`.
    pub role: String,
}

/// What organizers see of the org membership record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HfOrgSummary {
    pub org: String,
    pub url: String,
    /// "37 members known (35 in the public list, refreshed 2026-03-27 19:55 UTC)"
    pub members: String,
    pub last_error: Option<String>,
    /// "Taken 2026-03-27 20:00 UTC: 35 members" or when it will be taken.
    pub snapshot: String,
    pub snapshot_taken: bool,
}
