//! What the server sends the pages: plain serializable view types, already
//! rendered into the words and times people read. Nothing secret goes here.

use serde::{Deserialize, Serialize};

/// A moment on the timeline as the browser needs it to re-render in the
/// viewer's own zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRef {
    /// The instant the server resolved (for a local-time milestone: in the
    /// viewer's zone if known, else the event's home zone).
    pub utc_ms: i64,
    /// For a local-time milestone, its wall-clock time `YYYY-MM-DDTHH:MM:SS`,
    /// which the browser resolves in its own zone.
    pub local: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCard {
    pub slug: String,
    pub name: String,
    pub format: String,
    pub phase: String,
    /// "Hacking starts Sat 28 Nov"
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeView {
    pub upcoming: Vec<EventCard>,
    pub live: Vec<EventCard>,
    pub past: Vec<EventCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    pub kind: String,
    pub title: String,
    pub time: TimeRef,
    /// As defined: "Fri 27 Nov 20:00 Paris" or "Sun 29 Nov 16:00 local time".
    pub defined: String,
    /// In the viewer's zone when the server knows it ("14:00 your time"),
    /// else in UTC; the browser replaces it with its own zone.
    pub viewer: String,
    /// For local-time milestones, the span of UTC instants over all zones.
    pub utc_spread: Option<String>,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountdownItem {
    pub title: String,
    pub time: TimeRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackView {
    pub name: String,
    pub sponsor: Option<String>,
    pub description_html: String,
    pub requirements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferView {
    pub sponsor: String,
    pub value: String,
    pub per: String,
    pub redeem_html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub slug: String,
    pub name: String,
    pub format: String,
    pub description_html: String,
    pub rules_html: String,
    pub home_zone: String,
    /// The zone times are shown in, when the server knows the viewer's.
    pub viewer_zone: Option<String>,
    pub hf_org: Option<String>,
    pub team_size: String,
    /// "Registration is open"
    pub phase: String,
    /// The server's clock when this was rendered.
    pub now_ms: i64,
    /// Milestones still ahead, soonest first.
    pub countdown: Vec<CountdownItem>,
    pub milestones: Vec<MilestoneView>,
    pub tracks: Vec<TrackView>,
    pub offers: Vec<OfferView>,
    pub links: Vec<LinkView>,
}

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

/// A message from the last action, verified by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

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

/// A like button: the count, whether the viewer likes it, and whether (or
/// why not) they can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LikeButtonView {
    pub slug: String,
    pub id: i64,
    pub likes: i64,
    pub liked: bool,
    pub can_like: bool,
    /// Why the viewer cannot like (sign in, own project, closed…).
    pub note: Option<String>,
}

/// What a like or withdrawal did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LikeOut {
    pub likes: i64,
    pub liked: bool,
    /// A refusal, in words.
    pub error: Option<String>,
}

/// A project's card in the gallery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GalleryCard {
    pub id: i64,
    pub title: String,
    pub tagline: String,
    pub team: String,
    pub tracks: Vec<String>,
    pub cover_url: Option<String>,
    /// `pass`, `review`, `pending`, `fail` or `unchecked`.
    pub eligibility: String,
    pub eligibility_label: String,
    pub like: LikeButtonView,
}

/// The gallery: public projects, filtered, sorted and paginated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GalleryView {
    pub slug: String,
    pub event_name: String,
    /// Before the gallery opens: when it does.
    pub closed_until: Option<String>,
    /// Likes: open until…, or frozen.
    pub likes_note: String,
    /// (slug, name).
    pub tracks: Vec<(String, String)>,
    pub track: String,
    pub q: String,
    /// `random`, `likes` or `newest`.
    pub sort: String,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub cards: Vec<GalleryCard>,
}

/// One line of the likes results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StandingRow {
    pub rank: usize,
    pub id: i64,
    pub title: String,
    pub team: String,
    pub frozen: Option<i64>,
    pub voided_after: i64,
    pub likes: i64,
    pub eligible: bool,
}

/// The likes results: the frozen counts with their hash, the wild card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultsView {
    pub slug: String,
    pub event_name: String,
    pub notice: Option<Notice>,
    /// When the counts freeze (or froze), in words.
    pub cutoff: String,
    pub frozen: bool,
    pub sha256: Option<String>,
    /// The canonical JSON the hash is of.
    pub canonical: Option<String>,
    pub rule: String,
    pub rows: Vec<StandingRow>,
    /// (id, title, likes) of the proposed wild card.
    pub proposed: Option<(i64, String, i64)>,
    /// (title, likes, confirmed by, when).
    pub confirmed: Option<(String, i64, String, String)>,
    pub organizer: bool,
}

/// One like in the integrity review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewLike {
    pub id: i64,
    pub who: String,
    pub project: String,
    pub when: String,
    pub state: String,
}

/// A group of likes worth a look, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewGroup {
    pub kind: String,
    pub title: String,
    pub likes: Vec<ReviewLike>,
}

/// The organizers' likes integrity review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikesReviewView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub allowed: bool,
    pub notice: Option<Notice>,
    pub total: usize,
    pub groups: Vec<ReviewGroup>,
    /// Voided likes, as the audit shows them.
    pub voided: Vec<ReviewLike>,
}
