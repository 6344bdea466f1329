//! Team pages: "My team", the team finder, the organizers' team list.

use super::notice::Notice;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrackChoice {
    pub slug: String,
    pub name: String,
    pub sponsor: Option<String>,
    /// The goal, as sanitized HTML.
    pub goal_html: String,
    pub requirements: Vec<String>,
    pub chosen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub skills: String,
    pub time_zone: String,
    pub captain: bool,
    pub you: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub person: String,
    /// `invitation` or `request`.
    pub kind: String,
    pub message: String,
}

/// A deadline as the team reaches it, in its zone and the viewer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamDeadline {
    pub title: String,
    pub team_time: String,
    pub your_time: String,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub time_zone: String,
    /// "3/5"
    pub size: String,
    pub full: bool,
    pub you_are_captain: bool,
    pub members: Vec<MemberView>,
    pub invite_url: String,
    pub invite_code: String,
    pub requests: Vec<RequestView>,
    pub deadlines: Vec<TeamDeadline>,
    pub looking_for_members: bool,
    pub wanted_skills: String,
}

/// The "My team" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyTeamView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub registered: bool,
    pub notice: Option<Notice>,
    pub team: Option<TeamView>,
    /// Invitations to the viewer and requests the viewer sent.
    pub mine: Vec<RequestView>,
    /// Why membership is frozen now, if it is.
    pub locked: Option<String>,
    pub tracks: Vec<TrackChoice>,
    pub tracks_per_team: u32,
    pub max_members: u32,
    /// Prefilled join code (from an invite link).
    pub code: String,
    pub your_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeekerView {
    pub user_id: i64,
    pub name: String,
    pub skills: String,
    pub time_zone: String,
    /// "UTC+2"
    pub offset: String,
    pub idea: String,
    pub track: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamCard {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub wanted_skills: String,
    pub size: String,
    pub time_zone: String,
    pub tracks: Vec<String>,
}

/// The team finder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FinderView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub registered: bool,
    /// The viewer's team, if any (then they can invite people listed).
    pub your_team: Option<String>,
    pub looking: bool,
    pub idea: String,
    pub your_track: Option<String>,
    pub notice: Option<Notice>,
    pub people: Vec<SeekerView>,
    pub teams: Vec<TeamCard>,
    pub tracks: Vec<(String, String)>,
    pub skill: String,
    pub track: String,
    pub tz_from: String,
    pub tz_to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamRowView {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub over_limit: bool,
    pub members: String,
    pub captain: String,
    pub tracks: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditView {
    pub when: String,
    pub who: String,
    pub what: String,
    pub why: String,
}

/// The organizers' team list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamsAdminView {
    pub slug: String,
    pub event_name: String,
    pub allowed: bool,
    pub signed_in: bool,
    pub notice: Option<Notice>,
    pub rows: Vec<TeamRowView>,
    /// Registered people in no team: (user id, name).
    pub unassigned: Vec<(i64, String)>,
    /// Everyone in a team, for the move form: (user id, "name (team)").
    pub assigned: Vec<(i64, String)>,
    pub audit: Vec<AuditView>,
    pub tracks: Vec<(String, String)>,
    pub track: String,
    pub size: String,
}

/// What answering a team request did, and the team as it now stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamAnswer {
    pub notice: Notice,
    pub team: Option<TeamView>,
}
