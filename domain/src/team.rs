//! Team rules: names, the team formation lock and the track deadline (both
//! resolved in the team's own time zone), track choices, and every refusal
//! in words a participant understands.

use crate::event::{Milestone, MilestoneKind, MilestoneTime, Track};
use crate::timeline::resolve;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// At most this many characters in a team name.
pub const MAX_NAME: usize = 60;
/// At most this many characters in a description, an idea or a skill list.
pub const MAX_TEXT: usize = 1000;

/// Why a team action was refused. Its `Display` is what the person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TeamError {
    #[error("Team {team} is full ({count}/{max}).")]
    Full { team: String, count: i64, max: i64 },
    #[error("You are already in team {team} — leave it first.")]
    AlreadyInTeam { team: String },
    #[error("{name} is already in team {team}.")]
    OtherAlreadyInTeam { name: String, team: String },
    #[error("You are not in a team for this event.")]
    NotInTeam,
    #[error("{0}")]
    Locked(String),
    #[error(
        "That invite link or code is not valid: it may have been replaced. Ask the team for a new one."
    )]
    UnknownCode,
    #[error("That invitation or request no longer exists.")]
    UnknownRequest,
    #[error("A team called “{0}” already exists in this event.")]
    NameTaken(String),
    #[error("Give the team a name.")]
    NameEmpty,
    #[error("A team name has at most {MAX_NAME} characters.")]
    NameTooLong,
    #[error("Keep it under {MAX_TEXT} characters.")]
    TextTooLong,
    #[error("There is no track “{0}” in this event.")]
    UnknownTrack(String),
    #[error("Choose at most {0} track(s).")]
    TooManyTracks(u32),
    #[error("Choose a track.")]
    NoTrack,
    #[error("Only registered participants can be in a team: register for the event first.")]
    NotRegistered,
    #[error("{0} is not registered for this event, so cannot join a team.")]
    OtherNotRegistered(String),
    #[error("Only the captain can do that.")]
    NotCaptain,
    #[error("Only members of the team can do that.")]
    NotMember,
    #[error("{0} is not in your team.")]
    NotTeammate(String),
    #[error("The captain cannot be removed: hand over captaincy first, or leave.")]
    CaptainRemoval,
    #[error("Nobody with that email address or handle has an account here yet.")]
    UnknownPerson,
    #[error("{0} has already been invited or has already asked.")]
    AlreadyPending(String),
    #[error("Choose a time zone such as Europe/Paris.")]
    TimeZone,
    #[error("Say why: organizer changes are recorded with a reason.")]
    ReasonMissing,
    #[error("There is no such team in this event.")]
    UnknownTeam,
    /// Each invitation sends a mail: a team, or a person, gets only so
    /// many an hour.
    #[error("{0}")]
    TooManyInvitations(String),
}

impl TeamError {
    /// A stable, machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        use TeamError::*;
        match self {
            Full { .. } => "team_full",
            AlreadyInTeam { .. } | OtherAlreadyInTeam { .. } => "already_in_team",
            NotInTeam => "not_in_team",
            Locked(_) => "closed",
            UnknownCode => "unknown_code",
            UnknownRequest => "unknown_request",
            NameTaken(_) => "name_taken",
            NameEmpty | NameTooLong | TextTooLong | UnknownTrack(_) | TooManyTracks(_)
            | NoTrack | TimeZone | ReasonMissing => "invalid",
            NotRegistered | OtherNotRegistered(_) => "not_registered",
            NotCaptain => "not_captain",
            NotMember | NotTeammate(_) => "not_teammate",
            CaptainRemoval => "captain_removal",
            UnknownPerson => "unknown_person",
            AlreadyPending(_) => "already_pending",
            UnknownTeam => "unknown_team",
            TooManyInvitations(_) => "too_many_invitations",
        }
    }

    /// Whether the input itself was wrong (422) rather than the state of
    /// things (409).
    pub fn is_invalid_input(&self) -> bool {
        self.code() == "invalid"
    }
}

/// A team name as stored (trimmed, inner whitespace collapsed).
pub fn team_name(raw: &str) -> Result<String, TeamError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(TeamError::NameEmpty);
    }
    if name.chars().count() > MAX_NAME {
        return Err(TeamError::NameTooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(TeamError::NameEmpty);
    }
    Ok(name)
}

/// What makes two names the same team: case and spacing do not count.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Free text (description, idea, skills): trimmed, bounded.
pub fn free_text(raw: &str) -> Result<String, TeamError> {
    let t = raw.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(TeamError::TextTooLong);
    }
    Ok(t.to_owned())
}

/// "Saturday 09:00" as the milestone was defined (a local-time milestone in
/// the team's zone), with the viewer's time when it differs.
/// "Saturday 09:00 (your time: 03:00)": when a milestone is reached, as
/// defined and in the viewer's zone.
pub fn closed_words(m: &Milestone, at: DateTime<Utc>, team_zone: Tz, viewer_zone: Tz) -> String {
    let defined = match m.time {
        MilestoneTime::Instant { zone, .. } => at.with_timezone(&zone).naive_local(),
        MilestoneTime::Local { .. } => at.with_timezone(&team_zone).naive_local(),
    };
    let viewer = at.with_timezone(&viewer_zone).naive_local();
    let mut s = defined.format("%A %H:%M").to_string();
    if viewer != defined {
        let v = if viewer.date() == defined.date() {
            viewer.format("%H:%M").to_string()
        } else {
            viewer.format("%A %H:%M").to_string()
        };
        s.push_str(&format!(" (your time: {v})"));
    }
    s
}

/// When team membership freezes for a team in `team_zone`, if ever.
pub fn lock_at(milestones: &[Milestone], team_zone: Tz) -> Option<DateTime<Utc>> {
    milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::TeamFormationLock)
        .map(|m| resolve(&m.time, team_zone))
}

/// Joins, leaves and removals are allowed until the team formation lock,
/// reached in the team's zone. The refusal names the time for the viewer.
pub fn membership_open(
    milestones: &[Milestone],
    now: DateTime<Utc>,
    team_zone: Tz,
    viewer_zone: Tz,
) -> Result<(), TeamError> {
    match milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::TeamFormationLock)
    {
        Some(m) => {
            let at = resolve(&m.time, team_zone);
            if now >= at {
                Err(TeamError::Locked(format!(
                    "Team changes closed on {}.",
                    closed_words(m, at, team_zone, viewer_zone)
                )))
            } else {
                Ok(())
            }
        }
        None => Ok(()),
    }
}

/// Until when a team may move to `new_zone`: its zone places its
/// local-time deadlines, so it is fixed from the moment hacking starts —
/// in the team's zone or in the new one, whichever is first (a team past
/// its own deadline cannot reopen it by moving west) — and from the team
/// formation lock. Without a hacking start, the end of hacking fixes it.
/// `Ok(until)` is the instant the change stops being possible (checked
/// again by the statement that writes it); `Err` says why it is closed.
pub fn zone_change_open(
    milestones: &[Milestone],
    now: DateTime<Utc>,
    team_zone: Tz,
    new_zone: Tz,
    viewer_zone: Tz,
) -> Result<DateTime<Utc>, TeamError> {
    membership_open(milestones, now, team_zone, viewer_zone)?;
    let fixing = [MilestoneKind::HackingStarts, MilestoneKind::HackingEnds]
        .into_iter()
        .find_map(|kind| milestones.iter().find(|m| m.kind == kind));
    let lock = milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::TeamFormationLock);
    let mut until = DateTime::<Utc>::MAX_UTC;
    for m in fixing.into_iter().chain(lock) {
        for zone in [team_zone, new_zone] {
            let at = resolve(&m.time, zone);
            if now >= at {
                return Err(TeamError::Locked(format!(
                    "The team's time zone is fixed since \"{}\" ({}).",
                    m.title,
                    closed_words(m, at, zone, viewer_zone)
                )));
            }
            until = until.min(at);
        }
    }
    Ok(until)
}

/// The track can change until the submission deadline (hacking ends) in the
/// team's zone.
pub fn tracks_open(
    milestones: &[Milestone],
    now: DateTime<Utc>,
    team_zone: Tz,
    viewer_zone: Tz,
) -> Result<(), TeamError> {
    match milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HackingEnds)
    {
        Some(m) => {
            let at = resolve(&m.time, team_zone);
            if now >= at {
                Err(TeamError::Locked(format!(
                    "Track changes closed on {}.",
                    closed_words(m, at, team_zone, viewer_zone)
                )))
            } else {
                Ok(())
            }
        }
        None => Ok(()),
    }
}

/// Checks a track choice: known slugs, no duplicates, 1 to `max` of them.
pub fn choose_tracks(
    tracks: &[Track],
    chosen: &[String],
    max: u32,
) -> Result<Vec<String>, TeamError> {
    let mut out: Vec<String> = Vec::new();
    for c in chosen.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !tracks.iter().any(|t| t.slug.as_str() == c) {
            return Err(TeamError::UnknownTrack(c.to_owned()));
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    }
    if out.is_empty() {
        return Err(TeamError::NoTrack);
    }
    if out.len() > max as usize {
        return Err(TeamError::TooManyTracks(max));
    }
    Ok(out)
}

/// A zone's UTC offset in whole hours at `at` (for the finder's filter).
pub fn utc_offset_hours(zone: Tz, at: DateTime<Utc>) -> i32 {
    use chrono::Offset;
    at.with_timezone(&zone).offset().fix().local_minus_utc() / 3600
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_event;
    use crate::timeline::instant_in_zone;
    use chrono::{Duration, NaiveDate};
    use chrono_tz::{America::New_York, Asia::Tokyo, Europe::Paris};

    fn at(d: u32, h: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn team_names_are_trimmed_bounded_and_compared_without_case() {
        assert_eq!(team_name("  Nebula   Prime "), Ok("Nebula Prime".into()));
        assert_eq!(team_name("   "), Err(TeamError::NameEmpty));
        assert_eq!(team_name(&"x".repeat(61)), Err(TeamError::NameTooLong));
        assert_eq!(name_key("Nebula  PRIME"), name_key("nebula prime"));
    }

    #[test]
    fn refusals_read_like_the_issue_says() {
        let full = TeamError::Full {
            team: "Nebula".into(),
            count: 5,
            max: 5,
        };
        assert_eq!(full.to_string(), "Team Nebula is full (5/5).");
        assert_eq!(
            TeamError::AlreadyInTeam {
                team: "Nebula".into()
            }
            .to_string(),
            "You are already in team Nebula — leave it first."
        );
    }

    fn lock(time: MilestoneTime) -> Vec<Milestone> {
        vec![Milestone {
            kind: MilestoneKind::TeamFormationLock,
            title: "Team changes close".into(),
            time,
        }]
    }

    #[test]
    fn the_lock_holds_from_its_instant_not_a_millisecond_before() {
        let m = lock(instant_in_zone(at(28, 9), Paris));
        let t = resolve(&m[0].time, Paris);
        let ms = Duration::milliseconds(1);
        assert_eq!(membership_open(&m, t - ms, Paris, Paris), Ok(()));
        let err = membership_open(&m, t, Tokyo, New_York).unwrap_err();
        // Saturday 28 March 2026, 09:00 in Paris is 04:00 in New York.
        assert_eq!(
            err.to_string(),
            "Team changes closed on Saturday 09:00 (your time: 04:00)."
        );
    }

    #[test]
    fn a_local_time_lock_is_reached_in_the_teams_own_zone() {
        let m = lock(MilestoneTime::Local { local: at(28, 9) });
        let paris = resolve(&m[0].time, Paris);
        let tokyo = resolve(&m[0].time, Tokyo);
        assert!(tokyo < paris);
        // Between the two, a Tokyo team is locked and a Paris team is not.
        let between = tokyo + Duration::hours(1);
        assert!(membership_open(&m, between, Tokyo, Tokyo).is_err());
        assert_eq!(membership_open(&m, between, Paris, Tokyo), Ok(()));
        let err = membership_open(&m, paris, Paris, Tokyo).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Team changes closed on Saturday 09:00 (your time: 17:00)."
        );
    }

    #[test]
    fn track_choices_are_known_distinct_and_within_the_events_limit() {
        let def = demo_event(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let slugs: Vec<String> = def
            .tracks
            .iter()
            .map(|t| t.slug.as_str().to_owned())
            .collect();
        assert!(slugs.len() >= 2);
        assert_eq!(
            choose_tracks(&def.tracks, &[slugs[0].clone(), slugs[0].clone()], 1),
            Ok(vec![slugs[0].clone()])
        );
        assert_eq!(
            choose_tracks(&def.tracks, &slugs[..2], 1),
            Err(TeamError::TooManyTracks(1))
        );
        assert_eq!(choose_tracks(&def.tracks, &slugs[..2], 2).unwrap().len(), 2);
        assert_eq!(
            choose_tracks(&def.tracks, &["rockets".into()], 1),
            Err(TeamError::UnknownTrack("rockets".into()))
        );
        assert_eq!(choose_tracks(&def.tracks, &[], 1), Err(TeamError::NoTrack));
    }

    #[test]
    fn offsets_follow_daylight_saving() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 10)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 10)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(utc_offset_hours(Paris, winter), 1);
        assert_eq!(utc_offset_hours(Paris, summer), 2);
        assert_eq!(utc_offset_hours(New_York, winter), -5);
    }
}
