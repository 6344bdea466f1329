//! Sponsor credits: who may receive an offer, how it reaches them, why a
//! claim is refused, and reading coupon codes from a CSV file.

use crate::event::{CreditOffer, EventDefinition, MilestoneKind, MilestoneTime, OfferUnit};
use crate::team::closed_words;
use crate::timeline::resolve;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Who may receive an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Eligibility {
    /// Registered for the event.
    Registered,
    /// In the event's Hugging Face org snapshot taken at the org-joining
    /// deadline.
    HfOrg,
    /// In a team.
    InTeam,
    /// In a team that entered this track.
    Track(String),
    /// In a team that has submitted its project.
    Submitted,
}

impl Eligibility {
    pub fn parse(s: &str) -> Option<Eligibility> {
        match s {
            "registered" => Some(Eligibility::Registered),
            "hf_org" => Some(Eligibility::HfOrg),
            "in_team" => Some(Eligibility::InTeam),
            "submitted" => Some(Eligibility::Submitted),
            _ => s
                .strip_prefix("track:")
                .filter(|t| !t.trim().is_empty())
                .map(|t| Eligibility::Track(t.trim().to_owned())),
        }
    }

    /// The key used in event files, the database and the API.
    pub fn key(&self) -> String {
        match self {
            Eligibility::Registered => "registered".into(),
            Eligibility::HfOrg => "hf_org".into(),
            Eligibility::InTeam => "in_team".into(),
            Eligibility::Submitted => "submitted".into(),
            Eligibility::Track(t) => format!("track:{t}"),
        }
    }
}

/// How an offer reaches people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Participants claim a code themselves.
    Claim,
    /// The organizers send codes to everyone eligible.
    Organizer,
    /// No codes: the sponsor grants the credit directly.
    Direct,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Claim => "claim",
            Delivery::Organizer => "organizer",
            Delivery::Direct => "direct",
        }
    }
    pub fn parse(s: &str) -> Option<Delivery> {
        match s {
            "claim" => Some(Delivery::Claim),
            "organizer" => Some(Delivery::Organizer),
            "direct" => Some(Delivery::Direct),
            _ => None,
        }
    }
}

/// Why a credit did not go out, in words for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditError {
    #[error("There is no credit offer “{0}” in this event.")]
    UnknownOffer(String),
    /// The missing condition, already worded ("Join the Hugging Face org …").
    #[error("{0}")]
    NotEligible(String),
    #[error("These credits can be claimed from {0}.")]
    NotOpenYet(String),
    #[error("These credits could be claimed until {0}.")]
    Closed(String),
    #[error("{}", sold_out(*.total))]
    SoldOut { total: i64 },
    #[error("The organizers send these codes: yours will come by email.")]
    SentByOrganizers,
    #[error("The sponsor grants this credit directly: there is no code to claim.")]
    NoCodes,
    #[error("There is no such code for this offer.")]
    UnknownCode,
    #[error("Say why, for the audit log.")]
    ReasonMissing,
    #[error("{0} already has a code for this offer.")]
    AlreadyHasCode(String),
    /// An organizer's input was wrong (the words say how).
    #[error("{0}")]
    Invalid(String),
}

fn sold_out(total: i64) -> String {
    match total {
        0 => "No codes have been added for this offer yet.".to_owned(),
        1 => "The only code has been claimed.".to_owned(),
        n => format!("All {n} codes have been claimed."),
    }
}

impl CreditError {
    /// A stable, machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            CreditError::UnknownOffer(_) | CreditError::UnknownCode => "not_found",
            CreditError::NotEligible(_) => "not_eligible",
            CreditError::NotOpenYet(_) | CreditError::Closed(_) => "closed",
            CreditError::SoldOut { .. } => "sold_out",
            CreditError::SentByOrganizers | CreditError::NoCodes => "not_claimable",
            CreditError::ReasonMissing | CreditError::Invalid(_) => "invalid",
            CreditError::AlreadyHasCode(_) => "already_has_code",
        }
    }
}

/// What is known about the person asking (or being sent) a credit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub registered: bool,
    pub in_team: bool,
    /// Track slugs the person's team entered.
    pub team_tracks: Vec<String>,
    /// The Hugging Face snapshot was taken (the org-joining deadline passed).
    pub snapshot_taken: bool,
    pub in_hf_snapshot: bool,
    /// The person's team has submitted its project.
    pub submitted: bool,
}

/// Whether the offer may reach this person: the missing condition, in
/// words, if not.
pub fn eligibility(
    offer: &CreditOffer,
    event: &EventDefinition,
    facts: &Facts,
    viewer_zone: Tz,
) -> Result<(), CreditError> {
    if !facts.registered {
        return Err(CreditError::NotEligible(
            "Register for the event first.".into(),
        ));
    }
    if offer.per == OfferUnit::Team && !facts.in_team {
        return Err(CreditError::NotEligible(
            "This credit is per team: join or create a team first.".into(),
        ));
    }
    match &offer.eligible {
        Eligibility::Registered => Ok(()),
        Eligibility::InTeam if facts.in_team => Ok(()),
        Eligibility::InTeam => Err(CreditError::NotEligible(
            "Join or create a team first.".into(),
        )),
        Eligibility::Submitted if facts.submitted => Ok(()),
        Eligibility::Submitted => Err(CreditError::NotEligible(
            "This credit is for teams that have submitted their project: submit it first.".into(),
        )),
        Eligibility::Track(t) if facts.team_tracks.contains(t) => Ok(()),
        Eligibility::Track(t) => {
            let name = event
                .tracks
                .iter()
                .find(|x| x.slug.as_str() == t)
                .map(|x| x.name.as_str())
                .unwrap_or(t);
            Err(CreditError::NotEligible(format!(
                "This credit is for teams in the {name} track: choose it with your team first."
            )))
        }
        Eligibility::HfOrg if facts.in_hf_snapshot => Ok(()),
        Eligibility::HfOrg => {
            let org = event.hf_org.as_deref().unwrap_or("of the event");
            let deadline = event
                .milestones
                .iter()
                .find(|m| m.kind == MilestoneKind::HfOrgDeadline)
                .map(|m| {
                    let at = resolve(&m.time, event.home_zone);
                    let zone = match m.time {
                        MilestoneTime::Instant { zone, .. } => zone,
                        MilestoneTime::Local { .. } => event.home_zone,
                    };
                    format!(
                        "{} {} time",
                        closed_words(m, at, event.home_zone, viewer_zone),
                        zone_city(zone)
                    )
                });
            Err(CreditError::NotEligible(
                match (facts.snapshot_taken, deadline) {
                    (false, Some(d)) => format!(
                        "Join the Hugging Face org {org} before {d}: this credit goes to its members at that moment."
                    ),
                    (false, None) => format!("Join the Hugging Face org {org} first."),
                    (true, Some(d)) => format!(
                        "This credit went to members of the Hugging Face org {org} at its deadline ({d}), and you were not one."
                    ),
                    (true, None) => {
                        format!("This credit is for members of the Hugging Face org {org}.")
                    }
                },
            ))
        }
    }
}

/// "Europe/Paris" → "Paris".
fn zone_city(zone: Tz) -> String {
    zone.name()
        .rsplit('/')
        .next()
        .unwrap_or(zone.name())
        .replace('_', " ")
}

/// Whether codes of the offer can be claimed or sent now.
pub fn window(
    offer: &CreditOffer,
    event: &EventDefinition,
    now: DateTime<Utc>,
    viewer_zone: Tz,
) -> Result<(), CreditError> {
    let at = |kind: &Option<MilestoneKind>| {
        kind.as_ref()
            .and_then(|k| event.milestones.iter().find(|m| &m.kind == k))
            .map(|m| {
                let t = resolve(&m.time, event.home_zone);
                (t, closed_words(m, t, event.home_zone, viewer_zone))
            })
    };
    if let Some((t, words)) = at(&offer.opens)
        && now < t
    {
        return Err(CreditError::NotOpenYet(words));
    }
    if let Some((t, words)) = at(&offer.closes)
        && now >= t
    {
        return Err(CreditError::Closed(words));
    }
    Ok(())
}

/// An offer as an organizer types it in a form or sends it to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferInput {
    pub slug: String,
    pub sponsor: String,
    pub value: String,
    /// `person` or `team`.
    pub per: String,
    #[serde(default)]
    pub redeem: String,
    /// `registered`, `hf_org`, `in_team` or `track:<slug>`.
    #[serde(default)]
    pub eligible: String,
    /// `claim`, `organizer` or `direct`.
    #[serde(default)]
    pub delivery: String,
    /// Milestone kinds, or empty.
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
}

/// Checks an offer against its event as the event file would; the first
/// problem, in words.
pub fn offer_from_input(
    input: &OfferInput,
    event: &EventDefinition,
) -> Result<CreditOffer, String> {
    let slug = crate::event::Slug::parse(input.slug.trim())
        .map_err(|e| format!("The offer's slug: {e}"))?;
    let text = |v: &str, what: &str| {
        let v = v.trim();
        if v.is_empty() {
            Err(format!("The offer needs {what}."))
        } else {
            Ok(v.to_owned())
        }
    };
    let per = OfferUnit::parse(input.per.trim())
        .ok_or_else(|| format!("“{}” is neither person nor team.", input.per.trim()))?;
    let eligible = match input.eligible.trim() {
        "" => Eligibility::Registered,
        e => Eligibility::parse(e)
            .ok_or_else(|| format!("“{e}” is not registered, hf_org, in_team or track:<slug>."))?,
    };
    match &eligible {
        Eligibility::Track(t) if !event.tracks.iter().any(|x| x.slug.as_str() == t) => {
            return Err(format!("The event has no track “{t}”."));
        }
        Eligibility::HfOrg if event.hf_org.is_none() => {
            return Err("The event has no Hugging Face organization.".into());
        }
        _ => {}
    }
    let delivery = match input.delivery.trim() {
        "" => Delivery::Claim,
        d => {
            Delivery::parse(d).ok_or_else(|| format!("“{d}” is not claim, organizer or direct."))?
        }
    };
    let bound = |v: &str| match v.trim() {
        "" => Ok(None),
        k => MilestoneKind::from_key(k)
            .filter(|k| *k != MilestoneKind::Custom)
            .map(Some)
            .ok_or_else(|| format!("“{k}” is not a milestone kind.")),
    };
    Ok(CreditOffer {
        slug,
        sponsor: text(&input.sponsor, "a sponsor")?,
        value: text(&input.value, "a value, such as “$15 of API credits”")?,
        redeem: input.redeem.trim().to_owned(),
        per,
        eligible,
        delivery,
        opens: bound(&input.opens)?,
        closes: bound(&input.closes)?,
    })
}

/// One code read from a CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// The 1-based line the record starts on.
    pub line: usize,
    pub code: String,
    pub value: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A bad row, by line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The longest code accepted.
pub const MAX_CODE: usize = 200;

/// What the CSV reader reads after the text: it must come out as a record
/// of its own, or it went into a quoted field that the text left open (the
/// `csv` crate ends such a field at the end of the input without a word).
const SENTINEL: &str = "end";

/// Line breaks in `s` as the reader splits records: CRLF, LF or a lone CR.
fn line_breaks(s: &str) -> usize {
    s.matches('\n').count()
        + s.match_indices('\r')
            .filter(|(i, _)| !s[i + 1..].starts_with('\n'))
            .count()
}

/// Whether `field`, as the `csv` crate read it, starts with spaces and then
/// a quote: a quoted field after spaces, which the crate reads as text.
fn opens_after_spaces(field: &str) -> bool {
    let rest = field.trim_start_matches(|c: char| c.is_whitespace() && !matches!(c, '\r' | '\n'));
    rest.len() < field.len() && rest.starts_with('"')
}

/// Splits CSV text into records of fields, each with the line it starts
/// on, with the `csv` crate: RFC 4180 quoting (`""` inside quotes, commas
/// and line breaks in quoted fields), CRLF, LF or CR, a leading byte-order
/// mark; blank lines are skipped. Stricter than the crate on two points: a
/// quoted field left open is refused (which stops the reading), and so is a
/// quote after leading spaces (the crate would read it, and any comma
/// after it, as text: ` "B,2"` gives two fields).
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, Vec<RowError>> {
    let source = format!("{text}\n{SENTINEL}");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(source.as_bytes());
    let mut out = Vec::new();
    // A record's `position()` is where the reader stopped after the record
    // before: ahead of the LF of its CRLF and of the blank lines skipped
    // since, and its `line()` counts no lone CR. So the line is counted
    // here, from the byte where the record really starts.
    let (mut counted, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| {
            vec![RowError {
                line,
                message: e.to_string(),
            }]
        })?;
        let from = record.position().map_or(counted, |p| p.byte() as usize);
        let start = from
            + source.as_bytes()[from..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        line += line_breaks(&source[counted..start]);
        counted = start;
        out.push((line, record.iter().map(str::to_owned).collect::<Vec<_>>()));
    }
    match out.pop() {
        Some((_, last)) if last == [SENTINEL] => {}
        last => {
            return Err(vec![RowError {
                line: last.map_or(line, |(line, _)| line),
                message: "a quoted field is not closed".into(),
            }]);
        }
    }
    out.retain(|(_, fields)| !(fields.len() == 1 && fields[0].trim().is_empty()));
    let misquoted: Vec<RowError> = out
        .iter()
        .filter(|(_, fields)| fields.iter().any(|f| opens_after_spaces(f)))
        .map(|(line, _)| RowError {
            line: *line,
            message: "a quoted field starts after spaces; remove the spaces before its quote"
                .into(),
        })
        .collect();
    if misquoted.is_empty() {
        Ok(out)
    } else {
        Err(misquoted)
    }
}

fn parse_expiry(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    // A bare date: the code works through that whole day (UTC).
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

/// Reads coupon codes: `code` and optional `value` and `expires_at`
/// columns, with or without a header row. All or nothing: every bad row is
/// reported by line number (empty code, a code twice in the file, a
/// malformed expiry, a code too long).
pub fn parse_codes_csv(text: &str) -> Result<Vec<CodeRow>, Vec<RowError>> {
    let records = records(text)?;
    let mut columns = (0usize, Some(1usize), Some(2usize));
    let mut body = &records[..];
    if let Some((_, first)) = records.first()
        && first
            .first()
            .is_some_and(|f| f.trim().eq_ignore_ascii_case("code"))
    {
        let find = |names: &[&str]| {
            first
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        columns = (
            0,
            find(&["value"]),
            find(&["expires_at", "expires", "expiry"]),
        );
        body = &records[1..];
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, fields) in body {
        let get = |i: Option<usize>| {
            i.and_then(|i| fields.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
        };
        let code = get(Some(columns.0)).unwrap_or("").to_owned();
        let mut bad = |message: String| {
            errors.push(RowError {
                line: *line,
                message,
            })
        };
        if code.is_empty() {
            bad("the code is empty".into());
            continue;
        }
        if code.chars().count() > MAX_CODE || code.chars().any(char::is_control) {
            bad(format!(
                "the code is longer than {MAX_CODE} characters or has control characters"
            ));
            continue;
        }
        if let Some(first) = seen.get(&code) {
            bad(format!("the code is already on line {first}"));
            continue;
        }
        let expires_at = match get(columns.2) {
            None => None,
            Some(raw) => match parse_expiry(raw) {
                Some(t) => Some(t),
                None => {
                    bad(format!(
                        "“{raw}” is not an expiry date (use 2026-12-31 or 2026-12-31T23:59:00Z)"
                    ));
                    continue;
                }
            },
        };
        seen.insert(code.clone(), *line);
        rows.push(CodeRow {
            line: *line,
            code,
            value: get(columns.1).map(str::to_owned),
            expires_at,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_bom_crlf_quotes_and_blank_lines_are_read() {
        let text = "\u{feff}code,value,expires_at\r\nA1,$15,2026-12-31\r\n\r\n\"B,2\",\"$1\"\"5\"\"\",\r\n  C3  \r\n";
        let rows = parse_codes_csv(text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].code, "A1");
        assert_eq!(rows[0].value.as_deref(), Some("$15"));
        assert_eq!(
            rows[0].expires_at.unwrap().to_rfc3339(),
            "2027-01-01T00:00:00+00:00"
        );
        assert_eq!((rows[1].line, rows[1].code.as_str()), (4, "B,2"));
        assert_eq!(rows[1].value.as_deref(), Some("$1\"5\""));
        assert_eq!((rows[2].line, rows[2].code.as_str()), (5, "C3"));
    }

    #[test]
    fn without_a_header_columns_are_code_value_expiry() {
        let rows = parse_codes_csv("X\nY,$20\nZ,,2027-01-01T10:00:00+02:00").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].value.as_deref(), Some("$20"));
        assert_eq!(
            rows[2].expires_at.unwrap().to_rfc3339(),
            "2027-01-01T08:00:00+00:00"
        );
    }

    #[test]
    fn every_bad_row_is_reported_by_line_number() {
        let text = "code,expires_at\nA,\n,2026-01-01\nA,\nB,31/12/2026\n\"unclosed";
        let errors = parse_codes_csv(text).unwrap_err();
        assert_eq!(errors.len(), 1, "an unclosed quote stops the reading");
        assert_eq!(
            errors[0].to_string(),
            "line 6: a quoted field is not closed"
        );
        let errors =
            parse_codes_csv("code,expires_at\nA,\n,2026-01-01\nA,\nB,31/12/2026\n").unwrap_err();
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "line 3: the code is empty",
                "line 4: the code is already on line 2",
                "line 5: “31/12/2026” is not an expiry date (use 2026-12-31 or 2026-12-31T23:59:00Z)",
            ]
        );
    }

    #[test]
    fn a_quoted_field_may_span_lines_and_the_next_record_keeps_its_line() {
        let rows = parse_codes_csv("A,\"two\nlines\"\nC").unwrap();
        assert_eq!(rows[0].value.as_deref(), Some("two\nlines"));
        assert_eq!((rows[1].line, rows[1].code.as_str()), (3, "C"));
    }

    #[test]
    fn a_quote_left_open_at_the_end_is_refused_even_after_an_escaped_quote() {
        for text in ["A,\"ab\"\"", "A\nB,\"x\ny", "\"", "A\n\"\"\"\n"] {
            let errors = parse_codes_csv(text).unwrap_err();
            assert_eq!(errors.len(), 1, "{text:?}");
            assert!(errors[0].message.contains("not closed"), "{text:?}");
        }
        assert_eq!(
            errors_of("A\nB,\"x\ny"),
            ["line 2: a quoted field is not closed"]
        );
        let rows = parse_codes_csv("A,\"ab\"\"\"\nB,\"\"").unwrap();
        assert_eq!(rows[0].value.as_deref(), Some("ab\""));
        assert_eq!(
            (rows[1].code.as_str(), rows[1].value.as_deref()),
            ("B", None)
        );
    }

    #[test]
    fn a_quote_after_spaces_is_refused_not_read_as_text() {
        // The csv crate reads ` "B,2"` as the two fields ` "B` and `2"`.
        assert_eq!(
            errors_of("code,value\nA, \"$1,5\"\nB,$2\n  \"C\"\n"),
            [
                "line 2: a quoted field starts after spaces; remove the spaces before its quote",
                "line 4: a quoted field starts after spaces; remove the spaces before its quote",
            ]
        );
        let rows = parse_codes_csv("A,\"$1,5\"  \nB,x\"y\"").unwrap();
        assert_eq!(rows[0].value.as_deref(), Some("$1,5"));
        assert_eq!(rows[1].value.as_deref(), Some("x\"y\""));
    }

    #[test]
    fn lines_are_counted_over_blank_lines_and_cr_lf_or_lone_cr_ends() {
        let duplicate = ["line 5: the code is already on line 2"];
        assert_eq!(errors_of("code\nA\n\n  \nA\n"), duplicate);
        assert_eq!(errors_of("code\r\nA\r\n\r\n  \r\nA\r\n"), duplicate);
        assert_eq!(errors_of("code\rA\r\r  \rA\r"), duplicate);
        assert_eq!(
            errors_of("\n\ncode\r\n,\r\n"),
            ["line 4: the code is empty"]
        );
        assert!(parse_codes_csv("").unwrap().is_empty());
        assert!(parse_codes_csv("\u{feff}\r\n \n").unwrap().is_empty());
    }

    fn errors_of(text: &str) -> Vec<String> {
        parse_codes_csv(text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn eligibility_and_delivery_keys_round_trip() {
        for key in [
            "registered",
            "hf_org",
            "in_team",
            "submitted",
            "track:fine-tuning",
        ] {
            assert_eq!(Eligibility::parse(key).unwrap().key(), key);
        }
        assert!(Eligibility::parse("track:").is_none());
        assert!(Eligibility::parse("everyone").is_none());
        for d in [Delivery::Claim, Delivery::Organizer, Delivery::Direct] {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
    }

    #[test]
    fn sold_out_says_how_many_codes_there_were() {
        assert_eq!(
            CreditError::SoldOut { total: 500 }.to_string(),
            "All 500 codes have been claimed."
        );
        assert_eq!(
            CreditError::SoldOut { total: 0 }.to_string(),
            "No codes have been added for this offer yet."
        );
    }
}
