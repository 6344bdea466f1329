//! Eligibility: a submission's checklist and the organizers' report.

use super::notice::Notice;
use serde::{Deserialize, Serialize};

/// One line of an eligibility checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckItemView {
    pub key: String,
    pub label: String,
    /// `pass`, `review`, `pending` or `fail`.
    pub status: String,
    pub status_label: String,
    pub message: String,
    /// What the provider said: (field, value).
    pub evidence: Vec<(String, String)>,
}

/// A submission's eligibility checklist, with organizers' decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    pub status: String,
    pub status_label: String,
    /// "Checked Sun 29 Nov 14:02 (your time)", or that the first check is
    /// on its way.
    pub checked: String,
    /// The submission changed since this check; a new one is on its way.
    pub stale: bool,
    pub items: Vec<CheckItemView>,
}

/// One project in the organizers' eligibility report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRow {
    pub submission_id: i64,
    pub team: String,
    pub title: String,
    pub project_url: String,
    /// `draft` or `submitted`.
    pub submission_status: String,
    pub checklist: Option<ChecklistView>,
    /// Organizers' decisions: (item key, status, reason, who).
    pub overrides: Vec<(String, String, String, String)>,
}

/// The organizers' eligibility report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityReportView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    /// Only the event's organizers see the report.
    pub allowed: bool,
    pub notice: Option<Notice>,
    /// The status shown (`all`, `pass`, `review`, `pending`, `fail`, `unchecked`).
    pub filter: String,
    pub query: String,
    /// (status, label, how many), over every project.
    pub counts: Vec<(String, String, usize)>,
    pub rows: Vec<EligibilityRow>,
}
