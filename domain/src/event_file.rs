//! The event file: an event defined in TOML (documented in
//! `docs/event-file.md`). Parsing validates everything and reports the first
//! problem with its line, column and field; `to_event_file` writes the
//! canonical form, which parses back to the same event.

use crate::registration::{Question, QuestionKind, RegistrationSettings};
use crate::timeline::{self, TimelineError};
use crate::{
    CreditOffer, EventDefinition, EventFormat, Gallery, Likers, Link, Milestone, MilestoneKind,
    MilestoneTime, OfferUnit, Slug, TeamSize, Track,
};
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use toml::Spanned;

/// Why an event file was rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}, field `{field}`: {message}")]
pub struct EventFileError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// A path such as `milestones[3].zone`.
    pub field: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEvent {
    slug: Spanned<String>,
    name: Spanned<String>,
    time_zone: Spanned<String>,
    format: Spanned<String>,
    hugging_face_org: Option<Spanned<String>>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    rules: String,
    team_size: Option<Spanned<FileTeamSize>>,
    tracks_per_team: Option<Spanned<u32>>,
    #[serde(default)]
    links: Vec<FileLink>,
    #[serde(default)]
    milestones: Vec<FileMilestone>,
    #[serde(default)]
    tracks: Vec<FileTrack>,
    #[serde(default)]
    credits: Vec<FileCredit>,
    registration: Option<FileRegistration>,
    gallery: Option<FileGallery>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileGallery {
    /// A milestone key [default: hacking_ends].
    opens: Option<Spanned<String>>,
    /// `signed_in` (default) or `registered`.
    likers: Option<Spanned<String>>,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
struct FileRegistration {
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<Spanned<u32>>,
    #[serde(default)]
    invite_only: bool,
    #[serde(default)]
    questions: Vec<FileQuestion>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileQuestion {
    id: Spanned<String>,
    label: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    choices: Vec<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileTeamSize {
    min: u32,
    max: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLink {
    label: Spanned<String>,
    url: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMilestone {
    kind: Spanned<String>,
    title: Option<Spanned<String>>,
    at: Spanned<String>,
    zone: Option<Spanned<String>>,
    local: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTrack {
    slug: Spanned<String>,
    name: Spanned<String>,
    sponsor: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(default)]
    model_in_org: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCredit {
    slug: Spanned<String>,
    sponsor: Spanned<String>,
    value: Spanned<String>,
    per: Spanned<String>,
    #[serde(default)]
    redeem: String,
    /// `registered` (default), `hf_org`, `in_team`, `submitted` or `track:<slug>`.
    #[serde(default)]
    eligible: Option<Spanned<String>>,
    /// `claim` (default), `organizer` or `direct` (no codes).
    #[serde(default)]
    delivery: Option<Spanned<String>>,
    /// Milestone keys bounding when codes can be claimed or sent.
    #[serde(default)]
    opens: Option<Spanned<String>>,
    #[serde(default)]
    closes: Option<Spanned<String>>,
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

fn error_at(
    text: &str,
    span: Range<usize>,
    field: impl Into<String>,
    message: impl Into<String>,
) -> EventFileError {
    let (line, column) = line_column(text, span.start);
    EventFileError {
        line,
        column,
        field: field.into(),
        message: message.into(),
    }
}

/// The field path at a byte offset, worked out from the table headers and
/// keys before it (for errors the TOML parser reports by position).
fn field_at(text: &str, offset: usize) -> String {
    let mut table = String::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut pos = 0;
    let mut key = String::new();
    for line in text.split_inclusive('\n') {
        let end = pos + line.len();
        let trimmed = line.trim();
        if pos > offset {
            break;
        }
        if let Some(name) = trimmed
            .strip_prefix("[[")
            .and_then(|r| r.split("]]").next())
        {
            let name = name.trim().to_owned();
            let n = counts.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
            key.clear();
        } else if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_owned();
            key.clear();
        } else if let Some((k, _)) = trimmed.split_once('=')
            && !trimmed.starts_with('#')
        {
            key = k.trim().trim_matches('"').to_owned();
        }
        if offset < end {
            break;
        }
        pos = end;
    }
    match (table.is_empty(), key.is_empty()) {
        (true, _) => key,
        (false, true) => table,
        (false, false) => format!("{table}.{key}"),
    }
}

fn from_toml_error(text: &str, e: &toml::de::Error) -> EventFileError {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_owned();
    let mut field = field_at(text, span.start);
    // "missing field `x`" points at the table that lacks it.
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        let table = field
            .rsplit_once('.')
            .map(|(t, _)| t.to_owned())
            .unwrap_or_default();
        let table = if field.ends_with(']') {
            field.clone()
        } else {
            table
        };
        field = if table.is_empty() {
            missing.to_owned()
        } else {
            format!("{table}.{missing}")
        };
    } else if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let table = field
            .rsplit_once('.')
            .map(|(t, _)| t.to_owned())
            .unwrap_or_default();
        field = if table.is_empty() {
            unknown.to_owned()
        } else {
            format!("{table}.{unknown}")
        };
    }
    error_at(text, span, field, message)
}

fn parse_wall_time(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
}

fn parse_zone(text: &str, s: &Spanned<String>, field: &str) -> Result<Tz, EventFileError> {
    s.get_ref().parse::<Tz>().map_err(|_| {
        error_at(
            text,
            s.span(),
            field,
            format!(
                "unknown time zone \"{}\" (use an IANA name such as \"Europe/Paris\")",
                s.get_ref()
            ),
        )
    })
}

fn non_empty(text: &str, s: &Spanned<String>, field: &str) -> Result<String, EventFileError> {
    let v = s.get_ref().trim();
    if v.is_empty() {
        Err(error_at(text, s.span(), field, "must not be empty"))
    } else {
        Ok(v.to_owned())
    }
}

fn slug(text: &str, s: &Spanned<String>, field: &str) -> Result<Slug, EventFileError> {
    Slug::parse(s.get_ref()).map_err(|m| error_at(text, s.span(), field, m))
}

/// Parses and validates an event file.
pub fn parse_event_file(text: &str) -> Result<EventDefinition, EventFileError> {
    let file: FileEvent = toml::from_str(text).map_err(|e| from_toml_error(text, &e))?;
    let home_zone = parse_zone(text, &file.time_zone, "time_zone")?;
    let format = EventFormat::parse(file.format.get_ref()).ok_or_else(|| {
        error_at(
            text,
            file.format.span(),
            "format",
            format!(
                "unknown format \"{}\" (use online, on_site or hybrid)",
                file.format.get_ref()
            ),
        )
    })?;
    let team_size = match &file.team_size {
        None => TeamSize::default(),
        Some(ts) => {
            let t = ts.get_ref();
            if t.min < 1 || t.min > t.max || t.max > 100 {
                return Err(error_at(
                    text,
                    ts.span(),
                    "team_size",
                    format!(
                        "team sizes need 1 <= min <= max <= 100, got min {} and max {}",
                        t.min, t.max
                    ),
                ));
            }
            TeamSize {
                min: t.min,
                max: t.max,
            }
        }
    };
    let hf_org = match &file.hugging_face_org {
        None => None,
        Some(o) => {
            let name = non_empty(text, o, "hugging_face_org")?;
            if !crate::hf_org::valid_org_name(&name) {
                return Err(error_at(
                    text,
                    o.span(),
                    "hugging_face_org".to_owned(),
                    format!(
                        "\"{name}\" is not a Hugging Face organization name (letters, digits, -, _ and .)"
                    ),
                ));
            }
            Some(name)
        }
    };

    let mut links = Vec::new();
    for (i, l) in file.links.iter().enumerate() {
        let url = l.url.get_ref().trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            return Err(error_at(
                text,
                l.url.span(),
                format!("links[{i}].url"),
                format!("\"{url}\" is not an http:// or https:// address"),
            ));
        }
        links.push(Link {
            label: non_empty(text, &l.label, &format!("links[{i}].label"))?,
            url: url.to_owned(),
        });
    }

    let mut milestones = Vec::new();
    for (i, m) in file.milestones.iter().enumerate() {
        let field = |f: &str| format!("milestones[{i}].{f}");
        let kind = MilestoneKind::from_key(m.kind.get_ref()).ok_or_else(|| {
            error_at(
                text,
                m.kind.span(),
                field("kind"),
                format!("unknown milestone kind \"{}\"", m.kind.get_ref()),
            )
        })?;
        let title = match &m.title {
            Some(t) => non_empty(text, t, &field("title"))?,
            None if kind == MilestoneKind::Custom => {
                return Err(error_at(
                    text,
                    m.kind.span(),
                    field("title"),
                    "a custom milestone needs a title",
                ));
            }
            None => kind.default_title().to_owned(),
        };
        let wall = parse_wall_time(m.at.get_ref()).ok_or_else(|| {
            error_at(
                text,
                m.at.span(),
                field("at"),
                format!(
                    "\"{}\" is not a date and time like \"2026-02-27 20:00\"",
                    m.at.get_ref()
                ),
            )
        })?;
        let is_local = m.local.as_ref().is_some_and(|l| *l.get_ref());
        let time = match (&m.zone, is_local) {
            (Some(z), true) => {
                return Err(error_at(
                    text,
                    z.span(),
                    field("zone"),
                    "a local-time milestone has no zone (it resolves in each team's zone)",
                ));
            }
            (None, true) => MilestoneTime::Local { local: wall },
            (Some(z), false) => {
                timeline::instant_in_zone(wall, parse_zone(text, z, &field("zone"))?)
            }
            (None, false) => timeline::instant_in_zone(wall, home_zone),
        };
        milestones.push(Milestone { kind, title, time });
    }
    timeline::validate(&milestones).map_err(|e| {
        let (index, message) = match e {
            TimelineError::OutOfOrder {
                earlier,
                later,
                message,
            } => (earlier.max(later), message),
            TimelineError::Duplicate {
                second, message, ..
            } => (second, message),
        };
        error_at(
            text,
            file.milestones[index].at.span(),
            format!("milestones[{index}].at"),
            message,
        )
    })?;

    let mut tracks: Vec<Track> = Vec::new();
    for (i, t) in file.tracks.iter().enumerate() {
        let s = slug(text, &t.slug, &format!("tracks[{i}].slug"))?;
        if tracks.iter().any(|o| o.slug == s) {
            return Err(error_at(
                text,
                t.slug.span(),
                format!("tracks[{i}].slug"),
                format!("two tracks have the slug \"{s}\""),
            ));
        }
        tracks.push(Track {
            slug: s,
            name: non_empty(text, &t.name, &format!("tracks[{i}].name"))?,
            description: t.description.clone(),
            sponsor: t.sponsor.clone().filter(|s| !s.trim().is_empty()),
            requirements: t.requirements.clone(),
            model_in_org: t.model_in_org,
        });
        if t.model_in_org && hf_org.is_none() {
            return Err(error_at(
                text,
                t.slug.span(),
                format!("tracks[{i}].model_in_org"),
                "model_in_org needs the event's hugging_face_org",
            ));
        }
    }

    let mut offers: Vec<CreditOffer> = Vec::new();
    for (i, c) in file.credits.iter().enumerate() {
        let s = slug(text, &c.slug, &format!("credits[{i}].slug"))?;
        if offers.iter().any(|o| o.slug == s) {
            return Err(error_at(
                text,
                c.slug.span(),
                format!("credits[{i}].slug"),
                format!("two credit offers have the slug \"{s}\""),
            ));
        }
        let per = OfferUnit::parse(c.per.get_ref()).ok_or_else(|| {
            error_at(
                text,
                c.per.span(),
                format!("credits[{i}].per"),
                format!("\"{}\" is neither person nor team", c.per.get_ref()),
            )
        })?;
        let eligible = match &c.eligible {
            None => crate::credits::Eligibility::Registered,
            Some(e) => crate::credits::Eligibility::parse(e.get_ref().trim())
                .filter(|rule| match rule {
                    crate::credits::Eligibility::Track(t) => {
                        tracks.iter().any(|x| x.slug.as_str() == t.as_str())
                    }
                    crate::credits::Eligibility::HfOrg => hf_org.is_some(),
                    _ => true,
                })
                .ok_or_else(|| {
                    error_at(
                        text,
                        e.span(),
                        format!("credits[{i}].eligible"),
                        format!(
                            "\"{}\" is not registered, hf_org (with the event's hf_org set), in_team, submitted or track:<a track of this event>",
                            e.get_ref()
                        ),
                    )
                })?,
        };
        let delivery = match &c.delivery {
            None => crate::credits::Delivery::Claim,
            Some(d) => crate::credits::Delivery::parse(d.get_ref().trim()).ok_or_else(|| {
                error_at(
                    text,
                    d.span(),
                    format!("credits[{i}].delivery"),
                    format!("\"{}\" is not claim, organizer or direct", d.get_ref()),
                )
            })?,
        };
        let bound = |b: &Option<Spanned<String>>, field: &str| match b {
            None => Ok(None),
            Some(k) => MilestoneKind::from_key(k.get_ref().trim())
                .filter(|k| *k != MilestoneKind::Custom)
                .map(Some)
                .ok_or_else(|| {
                    error_at(
                        text,
                        k.span(),
                        format!("credits[{i}].{field}"),
                        format!("\"{}\" is not a milestone kind", k.get_ref()),
                    )
                }),
        };
        offers.push(CreditOffer {
            slug: s,
            sponsor: non_empty(text, &c.sponsor, &format!("credits[{i}].sponsor"))?,
            value: non_empty(text, &c.value, &format!("credits[{i}].value"))?,
            redeem: c.redeem.clone(),
            per,
            eligible,
            delivery,
            opens: bound(&c.opens, "opens")?,
            closes: bound(&c.closes, "closes")?,
        });
    }

    let registration = parse_registration(text, file.registration.as_ref())?;
    let tracks_per_team = match &file.tracks_per_team {
        None => 1,
        Some(n) => {
            let v = *n.get_ref();
            if v < 1 || (!tracks.is_empty() && v as usize > tracks.len()) {
                return Err(error_at(
                    text,
                    n.span(),
                    "tracks_per_team",
                    format!(
                        "a team enters 1 to {} track(s), got {v}",
                        tracks.len().max(1)
                    ),
                ));
            }
            v
        }
    };

    let gallery = parse_gallery(text, file.gallery.as_ref(), &milestones)?;

    Ok(EventDefinition {
        gallery,
        tracks_per_team,
        registration,
        slug: slug(text, &file.slug, "slug")?,
        name: non_empty(text, &file.name, "name")?,
        description: file.description,
        home_zone,
        format,
        links,
        tracks,
        offers,
        rules: file.rules,
        hf_org,
        team_size,
        milestones,
    })
}

fn parse_gallery(
    text: &str,
    file: Option<&FileGallery>,
    milestones: &[Milestone],
) -> Result<Gallery, EventFileError> {
    let mut gallery = Gallery::default();
    let Some(file) = file else {
        return Ok(gallery);
    };
    if let Some(o) = &file.opens {
        let kind = MilestoneKind::from_key(o.get_ref())
            .filter(|k| *k != MilestoneKind::Custom && milestones.iter().any(|m| m.kind == *k))
            .ok_or_else(|| {
                error_at(
                    text,
                    o.span(),
                    "gallery.opens",
                    format!("\"{}\" is not a milestone of this event", o.get_ref()),
                )
            })?;
        gallery.opens = kind;
    }
    if let Some(l) = &file.likers {
        gallery.likers = Likers::parse(l.get_ref()).ok_or_else(|| {
            error_at(
                text,
                l.span(),
                "gallery.likers",
                format!("\"{}\" is not signed_in or registered", l.get_ref()),
            )
        })?;
    }
    Ok(gallery)
}

fn parse_registration(
    text: &str,
    file: Option<&FileRegistration>,
) -> Result<RegistrationSettings, EventFileError> {
    let Some(file) = file else {
        return Ok(RegistrationSettings::default());
    };
    if let Some(c) = &file.capacity
        && *c.get_ref() == 0
    {
        return Err(error_at(
            text,
            c.span(),
            "registration.capacity",
            "the capacity must be at least 1 (leave it out for no limit)",
        ));
    }
    let mut questions: Vec<Question> = Vec::new();
    for (i, q) in file.questions.iter().enumerate() {
        let field = |f: &str| format!("registration.questions[{i}].{f}");
        let id = q.id.get_ref().trim();
        if id.is_empty()
            || id.len() > 40
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(error_at(
                text,
                q.id.span(),
                field("id"),
                format!("a question id uses a-z, 0-9 and _ (1 to 40), \"{id}\" does not"),
            ));
        }
        if questions.iter().any(|o| o.id == id) {
            return Err(error_at(
                text,
                q.id.span(),
                field("id"),
                format!("two questions have the id \"{id}\""),
            ));
        }
        let kind = QuestionKind::parse(q.kind.get_ref()).ok_or_else(|| {
            error_at(text, q.kind.span(), field("kind"), format!(
                "unknown question kind \"{}\" (use short_text, long_text, single_choice, multiple_choice or checkbox)",
                q.kind.get_ref()
            ))
        })?;
        let choice_kind = matches!(
            kind,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        );
        if choice_kind && q.choices.iter().filter(|c| !c.trim().is_empty()).count() < 2 {
            return Err(error_at(
                text,
                q.kind.span(),
                field("choices"),
                "a choice question needs at least two choices",
            ));
        }
        if !choice_kind && !q.choices.is_empty() {
            return Err(error_at(
                text,
                q.kind.span(),
                field("choices"),
                "only choice questions have choices",
            ));
        }
        questions.push(Question {
            id: id.to_owned(),
            label: non_empty(text, &q.label, &field("label"))?,
            kind,
            required: q.required,
            choices: q.choices.iter().map(|c| c.trim().to_owned()).collect(),
        });
    }
    Ok(RegistrationSettings {
        capacity: file.capacity.as_ref().map(|c| *c.get_ref()),
        invite_only: file.invite_only,
        questions,
    })
}

#[derive(Serialize)]
struct OutRegistration<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
    invite_only: bool,
    questions: Vec<OutQuestion<'a>>,
}

#[derive(Serialize)]
struct OutQuestion<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'static str,
    required: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    choices: &'a [String],
}

#[derive(Serialize)]
struct OutEvent<'a> {
    slug: &'a str,
    name: &'a str,
    time_zone: &'a str,
    format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hugging_face_org: Option<&'a str>,
    description: &'a str,
    rules: &'a str,
    #[serde(skip_serializing_if = "is_one")]
    tracks_per_team: u32,
    team_size: FileTeamSize,
    links: Vec<OutLink<'a>>,
    milestones: Vec<OutMilestone>,
    tracks: Vec<OutTrack<'a>>,
    credits: Vec<OutCredit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration: Option<OutRegistration<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gallery: Option<OutGallery>,
}

#[derive(Serialize)]
struct OutGallery {
    opens: &'static str,
    likers: &'static str,
}

#[derive(Serialize)]
struct OutLink<'a> {
    label: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct OutMilestone {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<bool>,
}

#[derive(Serialize)]
struct OutTrack<'a> {
    slug: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sponsor: Option<&'a str>,
    description: &'a str,
    requirements: &'a [String],
    #[serde(skip_serializing_if = "is_false")]
    model_in_org: bool,
}

#[derive(Serialize)]
struct OutCredit<'a> {
    slug: &'a str,
    sponsor: &'a str,
    value: &'a str,
    per: &'static str,
    redeem: &'a str,
    eligible: String,
    delivery: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    opens: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closes: Option<&'static str>,
}

fn wall(t: NaiveDateTime) -> String {
    if chrono::Timelike::second(&t) == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The canonical event file for `def`.
pub fn to_event_file(def: &EventDefinition) -> String {
    let out = OutEvent {
        slug: def.slug.as_str(),
        name: &def.name,
        time_zone: def.home_zone.name(),
        format: def.format.as_str(),
        hugging_face_org: def.hf_org.as_deref(),
        description: &def.description,
        rules: &def.rules,
        team_size: FileTeamSize {
            min: def.team_size.min,
            max: def.team_size.max,
        },
        tracks_per_team: def.tracks_per_team,
        links: def
            .links
            .iter()
            .map(|l| OutLink {
                label: &l.label,
                url: &l.url,
            })
            .collect(),
        milestones: def
            .milestones
            .iter()
            .map(|m| {
                let title = (m.kind == MilestoneKind::Custom || m.title != m.kind.default_title())
                    .then(|| m.title.clone());
                match &m.time {
                    MilestoneTime::Instant { utc, zone } => OutMilestone {
                        kind: m.kind.key(),
                        title,
                        at: wall(utc.with_timezone(zone).naive_local()),
                        zone: (*zone != def.home_zone).then(|| zone.name().to_owned()),
                        local: None,
                    },
                    MilestoneTime::Local { local } => OutMilestone {
                        kind: m.kind.key(),
                        title,
                        at: wall(*local),
                        zone: None,
                        local: Some(true),
                    },
                }
            })
            .collect(),
        tracks: def
            .tracks
            .iter()
            .map(|t| OutTrack {
                slug: t.slug.as_str(),
                name: &t.name,
                sponsor: t.sponsor.as_deref(),
                description: &t.description,
                requirements: &t.requirements,
                model_in_org: t.model_in_org,
            })
            .collect(),
        credits: def
            .offers
            .iter()
            .map(|o| OutCredit {
                slug: o.slug.as_str(),
                sponsor: &o.sponsor,
                value: &o.value,
                per: o.per.as_str(),
                redeem: &o.redeem,
                eligible: o.eligible.key(),
                delivery: o.delivery.as_str(),
                opens: o.opens.as_ref().map(|k| k.key()),
                closes: o.closes.as_ref().map(|k| k.key()),
            })
            .collect(),
        registration: (def.registration != RegistrationSettings::default()).then(|| {
            OutRegistration {
                capacity: def.registration.capacity,
                invite_only: def.registration.invite_only,
                questions: def
                    .registration
                    .questions
                    .iter()
                    .map(|q| OutQuestion {
                        id: &q.id,
                        label: &q.label,
                        kind: q.kind.as_str(),
                        required: q.required,
                        choices: &q.choices,
                    })
                    .collect(),
            }
        }),
        gallery: (def.gallery != Gallery::default()).then(|| OutGallery {
            opens: def.gallery.opens.key(),
            likers: def.gallery.likers.as_str(),
        }),
    };
    // Serialising plain strings and numbers cannot fail.
    toml::to_string_pretty(&out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::DEMO_EVENT_FILE;
    use proptest::prelude::*;

    fn err(text: &str) -> EventFileError {
        parse_event_file(text).unwrap_err()
    }

    #[test]
    fn the_demo_file_parses() {
        let def = parse_event_file(DEMO_EVENT_FILE).unwrap();
        assert_eq!(def.slug.as_str(), "mistral-hackathon");
        assert_eq!(def.tracks.len(), 2);
        assert_eq!(def.offers.len(), 4);
    }

    #[test]
    fn an_event_file_round_trips() {
        let def = parse_event_file(DEMO_EVENT_FILE).unwrap();
        let text = to_event_file(&def);
        assert_eq!(parse_event_file(&text).unwrap(), def);
        assert_eq!(to_event_file(&parse_event_file(&text).unwrap()), text);
    }

    #[test]
    fn an_unknown_time_zone_is_named_with_its_line_and_column() {
        let text = DEMO_EVENT_FILE.replacen(
            "time_zone = \"Europe/Paris\"",
            "time_zone = \"Europe/Pariss\"",
            1,
        );
        let e = err(&text);
        assert_eq!(e.field, "time_zone");
        assert!(e.message.contains("\"Europe/Pariss\""), "{e}");
        let line = text
            .lines()
            .position(|l| l.starts_with("time_zone"))
            .unwrap()
            + 1;
        assert_eq!((e.line, e.column), (line, 13));
    }

    #[test]
    fn milestones_out_of_order_are_rejected_naming_both() {
        let text = "slug = \"x-hack\"\nname = \"X\"\ntime_zone = \"UTC\"\nformat = \"online\"\n\
            [[milestones]]\nkind = \"hacking_starts\"\nat = \"2026-03-01 09:00\"\n\
            [[milestones]]\nkind = \"hacking_ends\"\nat = \"2026-02-28 09:00\"\n";
        let e = err(text);
        assert_eq!(e.field, "milestones[1].at");
        assert_eq!(e.line, 10);
        assert!(
            e.message.contains("Hacking ends") && e.message.contains("Hacking starts"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_or_unknown_field_is_named() {
        let e = err("slug = \"x-hack\"\ntime_zone = \"UTC\"\nformat = \"online\"\n");
        assert_eq!(e.field, "name", "{e}");
        let e = err(
            "slug = \"x-hack\"\nname = \"X\"\ntime_zone = \"UTC\"\nformat = \"online\"\ncolour = 1\n",
        );
        assert_eq!(e.field, "colour", "{e}");
        assert_eq!(e.line, 5);
        let e = err(
            "slug = \"x-hack\"\nname = \"X\"\ntime_zone = \"UTC\"\nformat = \"online\"\n[[milestones]]\nkind = \"finals\"\n",
        );
        assert_eq!(e.field, "milestones[0].at", "{e}");
    }

    #[test]
    fn field_level_mistakes_say_what_is_wrong() {
        let base = "slug = \"x-hack\"\nname = \"X\"\ntime_zone = \"UTC\"\nformat = \"online\"\n";
        let e = err(&format!(
            "{base}[[milestones]]\nkind = \"party\"\nat = \"2026-01-01 10:00\"\n"
        ));
        assert_eq!(e.field, "milestones[0].kind");
        let e = err(&format!(
            "{base}[[milestones]]\nkind = \"finals\"\nat = \"tomorrow\"\n"
        ));
        assert_eq!(e.field, "milestones[0].at");
        let e = err(&format!(
            "{base}[[milestones]]\nkind = \"finals\"\nat = \"2026-01-01 10:00\"\nzone = \"UTC\"\nlocal = true\n"
        ));
        assert_eq!(e.field, "milestones[0].zone");
        let e = err(&format!(
            "{base}[[milestones]]\nkind = \"custom\"\nat = \"2026-01-01 10:00\"\n"
        ));
        assert_eq!(e.field, "milestones[0].title");
        let e = err(&format!("{base}[team_size]\nmin = 3\nmax = 2\n"));
        assert_eq!(e.field, "team_size");
        let e = err(&format!(
            "{base}[[links]]\nlabel = \"x\"\nurl = \"javascript:alert(1)\"\n"
        ));
        assert_eq!(e.field, "links[0].url");
        let e = err(&format!(
            "{base}[[tracks]]\nslug = \"a-b\"\nname = \"A\"\n[[tracks]]\nslug = \"a-b\"\nname = \"B\"\n"
        ));
        assert_eq!(e.field, "tracks[1].slug");
        let e = err(&format!(
            "{base}[[credits]]\nslug = \"aws\"\nsponsor = \"AWS\"\nvalue = \"$100\"\nper = \"household\"\n"
        ));
        assert_eq!(e.field, "credits[0].per");
        let e = err(&base.replace("online", "floating"));
        assert_eq!(e.field, "format");
        let e = err(&base.replace("x-hack", "X Hack"));
        assert_eq!(e.field, "slug");
    }

    #[test]
    fn registration_settings_parse_validate_and_round_trip() {
        let base = "slug = \"x-hack\"\nname = \"X\"\ntime_zone = \"UTC\"\nformat = \"online\"\n";
        let text = format!(
            "{base}[registration]\ncapacity = 400\ninvite_only = true\n[[registration.questions]]\nid = \"shirt\"\nlabel = \"T-shirt size\"\nkind = \"single_choice\"\nrequired = true\nchoices = [\"S\", \"M\"]\n"
        );
        let def = parse_event_file(&text).unwrap();
        assert_eq!(def.registration.capacity, Some(400));
        assert!(def.registration.invite_only);
        assert_eq!(
            def.registration.questions[0].kind,
            QuestionKind::SingleChoice
        );
        assert_eq!(parse_event_file(&to_event_file(&def)).unwrap(), def);
        let e = err(&format!("{base}[registration]\ncapacity = 0\n"));
        assert_eq!(e.field, "registration.capacity");
        let e = err(&format!(
            "{base}[[registration.questions]]\nid = \"Bad Id\"\nlabel = \"x\"\nkind = \"short_text\"\n"
        ));
        assert_eq!(e.field, "registration.questions[0].id");
        let e = err(&format!(
            "{base}[[registration.questions]]\nid = \"a\"\nlabel = \"x\"\nkind = \"single_choice\"\nchoices = [\"only\"]\n"
        ));
        assert_eq!(e.field, "registration.questions[0].choices");
        let e = err(&format!(
            "{base}[[registration.questions]]\nid = \"a\"\nlabel = \"x\"\nkind = \"essay\"\n"
        ));
        assert_eq!(e.field, "registration.questions[0].kind");
    }

    #[test]
    fn broken_toml_reports_its_position() {
        let e = err("slug = \"x-hack\"\nname = \n");
        assert_eq!(e.line, 2);
    }

    proptest! {
        #[test]
        fn no_input_makes_the_parser_panic(s in "\\PC{0,300}") {
            let _ = parse_event_file(&s);
        }

        #[test]
        fn no_mutation_of_the_demo_makes_the_parser_panic(cut in 0usize..6000, insert in "[\\[\\]=\"a-z0-9 \\n:-]{0,8}") {
            let mut text = DEMO_EVENT_FILE.to_owned();
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) { at -= 1; }
            text.insert_str(at, &insert);
            let _ = parse_event_file(&text);
        }

        #[test]
        fn any_shift_of_the_demo_round_trips(weeks in -520i64..520) {
            let mut def = parse_event_file(DEMO_EVENT_FILE).unwrap();
            timeline::shift_by_weeks(&mut def.milestones, weeks);
            let text = to_event_file(&def);
            prop_assert_eq!(parse_event_file(&text).unwrap(), def);
        }
    }
}
