//! The team's submission page and a project's page.

use super::eligibility::ChecklistView;
use super::likes::LikeButtonView;
use super::notice::Notice;
use serde::{Deserialize, Serialize};

/// A field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// One version in a submission's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub version: i64,
    pub accepted: bool,
    pub status: String,
    pub who: String,
    pub when: String,
    pub hash: String,
}

/// The submission page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionPageView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub notice: Option<Notice>,
    /// Why the viewer cannot submit (not registered, no team).
    pub refusal: Option<String>,
    pub team: String,
    /// 0 before the first save.
    pub version: i64,
    /// `none`, `draft` or `submitted`.
    pub status: String,
    pub hash: Option<String>,
    /// The project page's path, once there is a submission.
    pub project_url: Option<String>,
    /// Whether saving is still possible, and why not.
    pub closed_because: Option<String>,
    /// The deadline, in the team's time and the viewer's.
    pub deadline: String,
    /// The form's values (the viewer's own text after a failed save).
    pub title: String,
    pub tagline: String,
    pub description: String,
    pub github_url: String,
    pub hf_urls: String,
    pub demo_video_url: String,
    pub live_demo_url: String,
    pub built_with: String,
    /// (slug, name, chosen).
    pub tracks: Vec<(String, String, bool)>,
    pub tracks_per_team: u32,
    pub problems: Vec<FieldProblem>,
    /// After a conflict: the version someone else saved first.
    pub conflict: Option<String>,
    /// The current description, rendered.
    pub description_html: String,
    pub history: Vec<HistoryRow>,
    /// The eligibility checklist, once there is a submission.
    pub checklist: Option<ChecklistView>,
    /// The cover image's address, if one was uploaded.
    pub cover_url: Option<String>,
}

/// A project's public page (or its team's and organizers' preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectView {
    pub slug: String,
    pub event_name: String,
    pub id: i64,
    pub title: String,
    pub tagline: String,
    pub team: String,
    pub members: Vec<String>,
    pub tracks: Vec<String>,
    pub description_html: String,
    pub github_url: String,
    pub hf_urls: Vec<String>,
    pub demo_video_url: String,
    pub live_demo_url: String,
    pub built_with: Vec<String>,
    /// Shown to the team and organizers before the page is public.
    pub preview: Option<String>,
    pub cover_url: Option<String>,
    pub like: LikeButtonView,
}
