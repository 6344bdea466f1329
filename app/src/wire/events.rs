//! The home page and an event's page: cards, timeline, tracks, offers, links.

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
