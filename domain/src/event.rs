//! What an event is: its identity, format, tracks, credit offers, rules and
//! timeline. These types are the validated form; `event_file` parses them
//! from TOML and `timeline` computes with them.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A URL-safe event identifier: 3–64 characters of `a-z`, `0-9` and `-`,
/// not starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Parses a slug, saying what is wrong with it in words.
    pub fn parse(s: &str) -> Result<Slug, String> {
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if s.len() < 3 || s.len() > 64 {
            return Err(format!(
                "a slug has 3 to 64 characters, \"{s}\" has {}",
                s.chars().count()
            ));
        }
        if !ok_chars || s.starts_with('-') || s.ends_with('-') {
            return Err(format!(
                "a slug uses only lowercase letters, digits and inner dashes, \"{s}\" does not"
            ));
        }
        Ok(Slug(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Slug::parse(&s)
    }
}
impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}
impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventFormat {
    Online,
    OnSite,
    Hybrid,
}

impl EventFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            EventFormat::Online => "online",
            EventFormat::OnSite => "on_site",
            EventFormat::Hybrid => "hybrid",
        }
    }
    pub fn parse(s: &str) -> Option<EventFormat> {
        match s {
            "online" => Some(EventFormat::Online),
            "on_site" => Some(EventFormat::OnSite),
            "hybrid" => Some(EventFormat::Hybrid),
            _ => None,
        }
    }
    /// How a participant reads it.
    pub fn label(self) -> &'static str {
        match self {
            EventFormat::Online => "Online",
            EventFormat::OnSite => "On site",
            EventFormat::Hybrid => "Online and on site",
        }
    }
}

/// The well-known milestones every hackathon has, plus organizer-defined ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    RegistrationOpens,
    RegistrationCloses,
    HfOrgDeadline,
    TeamFormationLock,
    HackingStarts,
    /// Also the submission deadline.
    HackingEnds,
    LikesExtraction,
    Judging,
    WinnersAnnouncement,
    Finals,
    Custom,
}

impl MilestoneKind {
    pub const ALL: [MilestoneKind; 11] = [
        MilestoneKind::RegistrationOpens,
        MilestoneKind::RegistrationCloses,
        MilestoneKind::HfOrgDeadline,
        MilestoneKind::TeamFormationLock,
        MilestoneKind::HackingStarts,
        MilestoneKind::HackingEnds,
        MilestoneKind::LikesExtraction,
        MilestoneKind::Judging,
        MilestoneKind::WinnersAnnouncement,
        MilestoneKind::Finals,
        MilestoneKind::Custom,
    ];
    /// The key used in event files, the database and the API.
    pub fn key(&self) -> &'static str {
        match self {
            MilestoneKind::RegistrationOpens => "registration_opens",
            MilestoneKind::RegistrationCloses => "registration_closes",
            MilestoneKind::HfOrgDeadline => "hf_org_deadline",
            MilestoneKind::TeamFormationLock => "team_formation_lock",
            MilestoneKind::HackingStarts => "hacking_starts",
            MilestoneKind::HackingEnds => "hacking_ends",
            MilestoneKind::LikesExtraction => "likes_extraction",
            MilestoneKind::Judging => "judging",
            MilestoneKind::WinnersAnnouncement => "winners_announcement",
            MilestoneKind::Finals => "finals",
            MilestoneKind::Custom => "custom",
        }
    }
    pub fn from_key(key: &str) -> Option<MilestoneKind> {
        MilestoneKind::ALL.into_iter().find(|k| k.key() == key)
    }
    /// The default title shown when the event file gives none.
    pub fn default_title(&self) -> &'static str {
        match self {
            MilestoneKind::RegistrationOpens => "Registration opens",
            MilestoneKind::RegistrationCloses => "Registration closes",
            MilestoneKind::HfOrgDeadline => "Hugging Face org joining deadline",
            MilestoneKind::TeamFormationLock => "Team changes close",
            MilestoneKind::HackingStarts => "Hacking starts",
            MilestoneKind::HackingEnds => "Hacking ends (submission deadline)",
            MilestoneKind::LikesExtraction => "Likes extraction",
            MilestoneKind::Judging => "Judging",
            MilestoneKind::WinnersAnnouncement => "Online winners announcement",
            MilestoneKind::Finals => "Finals",
            MilestoneKind::Custom => "Milestone",
        }
    }
}

/// When a milestone happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MilestoneTime {
    /// One instant for everybody, defined as a wall-clock time in a named
    /// IANA zone ("Friday 20:00 Europe/Paris"). Stored in UTC with the zone.
    Instant { utc: DateTime<Utc>, zone: Tz },
    /// A wall-clock time that each team (or participant) reaches in its own
    /// time zone ("Sunday 16:00 local time").
    Local { local: NaiveDateTime },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub kind: MilestoneKind,
    /// What people see ("Hacking starts"); defaults to the kind's title.
    pub title: String,
    pub time: MilestoneTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    pub slug: Slug,
    pub name: String,
    /// The goal, in markdown.
    pub description: String,
    pub sponsor: Option<String>,
    /// Requirements a project in this track must meet, one sentence each.
    pub requirements: Vec<String>,
    /// A project in this track must link at least one public model under
    /// the event's Hugging Face organization (checked automatically).
    #[serde(default)]
    pub model_in_org: bool,
}

/// Who a credit offer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferUnit {
    Person,
    Team,
}

impl OfferUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferUnit::Person => "person",
            OfferUnit::Team => "team",
        }
    }
    pub fn parse(s: &str) -> Option<OfferUnit> {
        match s {
            "person" => Some(OfferUnit::Person),
            "team" => Some(OfferUnit::Team),
            _ => None,
        }
    }
}

/// A sponsor credit offer, as described to participants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditOffer {
    pub slug: Slug,
    pub sponsor: String,
    /// What it is worth, in words ("$15 of Mistral API credits").
    pub value: String,
    /// How to redeem it, in markdown.
    pub redeem: String,
    pub per: OfferUnit,
    /// Who may receive it.
    pub eligible: crate::credits::Eligibility,
    /// How it reaches them.
    pub delivery: crate::credits::Delivery,
    /// Available from this milestone (always, if absent)…
    pub opens: Option<MilestoneKind>,
    /// …until this one (for ever, if absent).
    pub closes: Option<MilestoneKind>,
}

/// Inclusive bounds on team size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSize {
    pub min: u32,
    pub max: u32,
}

impl Default for TeamSize {
    fn default() -> Self {
        TeamSize { min: 1, max: 5 }
    }
}

/// A whole event, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDefinition {
    pub slug: Slug,
    pub name: String,
    /// Markdown.
    pub description: String,
    /// The zone the organizers think in; the default for milestones.
    pub home_zone: Tz,
    pub format: EventFormat,
    pub links: Vec<Link>,
    pub tracks: Vec<Track>,
    pub offers: Vec<CreditOffer>,
    /// Markdown.
    pub rules: String,
    pub hf_org: Option<String>,
    pub team_size: TeamSize,
    /// How many tracks one team may enter (1 unless the event says more).
    #[serde(default = "one")]
    pub tracks_per_team: u32,
    /// Milestones in the order the file gave them; `timeline` validates order.
    pub milestones: Vec<Milestone>,
    /// Capacity, invite-only mode and custom questions.
    pub registration: crate::registration::RegistrationSettings,
    /// When project pages become public and who may like them.
    #[serde(default)]
    pub gallery: Gallery,
}

/// Who may like projects in the gallery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Likers {
    /// Any signed-in account.
    #[default]
    SignedIn,
    /// Only the event's registered participants.
    Registered,
}

impl Likers {
    pub fn as_str(self) -> &'static str {
        match self {
            Likers::SignedIn => "signed_in",
            Likers::Registered => "registered",
        }
    }
    pub fn parse(s: &str) -> Option<Likers> {
        [Likers::SignedIn, Likers::Registered]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// The gallery's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gallery {
    /// The milestone at which submitted projects become public (by default
    /// the submission deadline). Likes open then too.
    pub opens: MilestoneKind,
    pub likers: Likers,
}

impl Default for Gallery {
    fn default() -> Self {
        Gallery {
            opens: MilestoneKind::HackingEnds,
            likers: Likers::SignedIn,
        }
    }
}

fn one() -> u32 {
    1
}
