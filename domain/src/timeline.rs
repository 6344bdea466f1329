//! Timeline computations: resolving milestones to instants, ordering rules,
//! the current phase, what comes next, and the home-page status.
//!
//! ## Local time
//! A local-time milestone ("Sunday 16:00 local time") is reached by each
//! team at that wall-clock time in the team's own zone. A team's zone is the
//! zone it declared, frozen when hacking starts; a participant without a
//! team uses the zone of their profile; an anonymous viewer sees it in the
//! browser's zone. Over all zones on Earth (UTC−12:00 to UTC+14:00) a local
//! milestone spans 26 hours of UTC instants: `utc_spread` gives that range,
//! and the ordering rules hold for every zone in it.
//!
//! ## Daylight saving
//! A wall-clock time that happens twice (autumn) resolves to the earlier
//! instant; one that does not exist (the spring gap) to the first instant
//! after the gap.

use crate::{Milestone, MilestoneKind, MilestoneTime};
use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::sync::{Arc, Mutex};

/// The time source, injected so tests can move it.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock tests set and advance; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(at)))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut t) = self.0.lock() {
            *t = at;
        }
    }
    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// UTC+14:00 (Line Islands): where a wall-clock time comes first.
pub const EARLIEST_OFFSET_SECS: i32 = 14 * 3600;
/// UTC−12:00 (Baker Island): where a wall-clock time comes last.
pub const LATEST_OFFSET_SECS: i32 = -12 * 3600;

/// Resolves a wall-clock time in `zone` (see the module docs for DST).
fn resolve_local(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: walk forward minute by minute to the first wall time
            // that exists (gaps last at most a day, e.g. Samoa in 2011).
            let start = local
                .checked_sub_signed(Duration::seconds(i64::from(chrono::Timelike::second(
                    &local,
                ))))
                .unwrap_or(local);
            let mut probe = start;
            for _ in 0..(26 * 60) {
                probe = match probe.checked_add_signed(Duration::minutes(1)) {
                    Some(p) => p,
                    None => break,
                };
                match zone.from_local_datetime(&probe) {
                    LocalResult::Single(t) => return t.with_timezone(&Utc),
                    LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
                    LocalResult::None => {}
                }
            }
            local.and_utc()
        }
    }
}

/// The UTC instant at which `time` is reached for someone in `zone`.
/// A stored IANA zone name as a zone; UTC if it is not one (names are
/// checked when they are saved, so this is only a safe default).
pub fn zone_or_utc(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

pub fn resolve(time: &MilestoneTime, zone: Tz) -> DateTime<Utc> {
    match time {
        MilestoneTime::Instant { utc, .. } => *utc,
        MilestoneTime::Local { local } => resolve_local(*local, zone),
    }
}

fn shifted(local: NaiveDateTime, offset_secs: i32) -> DateTime<Utc> {
    local
        .checked_sub_signed(Duration::seconds(i64::from(offset_secs)))
        .unwrap_or(local)
        .and_utc()
}

/// The earliest and latest UTC instants at which anybody on Earth reaches
/// `time`: for a local-time milestone, in UTC+14 and in UTC−12.
pub fn utc_spread(time: &MilestoneTime) -> (DateTime<Utc>, DateTime<Utc>) {
    match time {
        MilestoneTime::Instant { utc, .. } => (*utc, *utc),
        MilestoneTime::Local { local } => (
            shifted(*local, EARLIEST_OFFSET_SECS),
            shifted(*local, LATEST_OFFSET_SECS),
        ),
    }
}

/// A wall-clock time in a zone, as an instant milestone time.
pub fn instant_in_zone(local: NaiveDateTime, zone: Tz) -> MilestoneTime {
    MilestoneTime::Instant {
        utc: resolve_local(local, zone),
        zone,
    }
}

/// Why a timeline is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error("{message}")]
    OutOfOrder {
        /// The milestone that should come first.
        earlier: usize,
        later: usize,
        message: String,
    },
    #[error("{message}")]
    Duplicate {
        first: usize,
        second: usize,
        message: String,
    },
}

/// How a milestone time reads in an error message.
pub fn describe(time: &MilestoneTime) -> String {
    match time {
        MilestoneTime::Instant { utc, zone } => format!(
            "{} {}",
            utc.with_timezone(zone)
                .naive_local()
                .format("%Y-%m-%d %H:%M"),
            zone.name()
        ),
        MilestoneTime::Local { local } => format!("{} local time", local.format("%Y-%m-%d %H:%M")),
    }
}

/// Whether `a` comes before `b` (or at the same time unless `strict`) for
/// every zone on Earth.
fn ordered(a: &MilestoneTime, b: &MilestoneTime, strict: bool) -> bool {
    use MilestoneTime::*;
    let cmp = |x: DateTime<Utc>, y: DateTime<Utc>| if strict { x < y } else { x <= y };
    match (a, b) {
        (Instant { utc: x, .. }, Instant { utc: y, .. }) => cmp(*x, *y),
        (Local { local: x }, Local { local: y }) => {
            if strict {
                x < y
            } else {
                x <= y
            }
        }
        (Local { .. }, Instant { utc: y, .. }) => cmp(utc_spread(a).1, *y),
        (Instant { utc: x, .. }, Local { .. }) => cmp(*x, utc_spread(b).0),
    }
}

/// The ordering rules: (earlier, later, strictly before).
const RULES: [(MilestoneKind, MilestoneKind, bool); 11] = {
    use MilestoneKind::*;
    [
        (RegistrationOpens, RegistrationCloses, true),
        (RegistrationOpens, HackingStarts, false),
        (HackingStarts, HackingEnds, true),
        (HfOrgDeadline, HackingEnds, false),
        (TeamFormationLock, HackingEnds, false),
        (HackingEnds, LikesExtraction, false),
        (HackingEnds, Judging, false),
        (HackingEnds, WinnersAnnouncement, false),
        (HackingEnds, Finals, false),
        (LikesExtraction, Finals, false),
        (Judging, WinnersAnnouncement, false),
    ]
};

/// Checks that no kind but `Custom` appears twice and that the milestones
/// present respect the ordering rules in every zone. Reports the first
/// violation, in a fixed order.
pub fn validate(milestones: &[Milestone]) -> Result<(), TimelineError> {
    for (i, m) in milestones.iter().enumerate() {
        if m.kind == MilestoneKind::Custom {
            continue;
        }
        if let Some(j) = milestones[..i].iter().position(|o| o.kind == m.kind) {
            return Err(TimelineError::Duplicate {
                first: j,
                second: i,
                message: format!("the timeline has “{}” twice", m.title),
            });
        }
    }
    let find = |k: &MilestoneKind| milestones.iter().position(|m| &m.kind == k);
    for (first, second, strict) in RULES.iter() {
        if let (Some(i), Some(j)) = (find(first), find(second)) {
            let (a, b) = (&milestones[i], &milestones[j]);
            if !ordered(&a.time, &b.time, *strict) {
                let relation = if *strict {
                    "must be after"
                } else {
                    "must not be before"
                };
                return Err(TimelineError::OutOfOrder {
                    earlier: i,
                    later: j,
                    message: format!(
                        "“{}” ({}) {relation} “{}” ({})",
                        b.title,
                        describe(&b.time),
                        a.title,
                        describe(&a.time)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Where an event stands, for one viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    BeforeRegistration,
    RegistrationOpen,
    /// Registration closed, hacking not started.
    RegistrationClosed,
    Hacking,
    /// Hacking ended; judging, likes and finals may be under way.
    AfterHacking,
    Finished,
}

impl Phase {
    /// How a participant reads it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::BeforeRegistration => "Registration has not opened yet",
            Phase::RegistrationOpen => "Registration is open",
            Phase::RegistrationClosed => "Registration is closed; hacking starts soon",
            Phase::Hacking => "Hacking is under way",
            Phase::AfterHacking => "Hacking is over; judging and results are under way",
            Phase::Finished => "This event is over",
        }
    }
}

/// The phase at `now` for a viewer in `zone`.
pub fn phase_at(milestones: &[Milestone], now: DateTime<Utc>, zone: Tz) -> Phase {
    let at = |k: MilestoneKind| {
        milestones
            .iter()
            .find(|m| m.kind == k)
            .map(|m| resolve(&m.time, zone))
    };
    let reached = |k: MilestoneKind| at(k).is_some_and(|t| now >= t);
    let last = milestones.iter().map(|m| resolve(&m.time, zone)).max();
    if last.is_some_and(|t| now >= t) {
        Phase::Finished
    } else if reached(MilestoneKind::HackingEnds) {
        Phase::AfterHacking
    } else if reached(MilestoneKind::HackingStarts) {
        Phase::Hacking
    } else if reached(MilestoneKind::RegistrationCloses) {
        Phase::RegistrationClosed
    } else if at(MilestoneKind::RegistrationOpens).is_some_and(|t| now < t) {
        Phase::BeforeRegistration
    } else {
        Phase::RegistrationOpen
    }
}

/// A milestone still ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub index: usize,
    pub at: DateTime<Utc>,
    pub remaining: Duration,
}

/// Milestones not yet reached for a viewer in `zone`, soonest first (ties
/// keep file order).
pub fn upcoming(milestones: &[Milestone], now: DateTime<Utc>, zone: Tz) -> Vec<Upcoming> {
    let mut ahead: Vec<Upcoming> = milestones
        .iter()
        .enumerate()
        .map(|(index, m)| (index, resolve(&m.time, zone)))
        .filter(|(_, at)| *at > now)
        .map(|(index, at)| Upcoming {
            index,
            at,
            remaining: at - now,
        })
        .collect();
    ahead.sort_by_key(|u| (u.at, u.index));
    ahead
}

/// "2 d 4 h", "4 h 12 min", "12 min 5 s", "5 s": the two most significant
/// units, rounded down; nothing left reads "0 s".
pub fn format_remaining(d: Duration) -> String {
    format_remaining_ms(d.num_milliseconds())
}

/// `format_remaining` from milliseconds (the browser's clock).
pub fn format_remaining_ms(ms: i64) -> String {
    let total = ms.max(0) / 1000;
    let (days, hours, minutes, seconds) = (
        total / 86_400,
        (total % 86_400) / 3600,
        (total % 3600) / 60,
        total % 60,
    );
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min {seconds} s")
    } else {
        format!("{seconds} s")
    }
}

/// Where an event belongs on the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Upcoming,
    Live,
    Past,
}

/// Upcoming until hacking starts anywhere on Earth, past once the last
/// milestone has been reached everywhere, live in between.
pub fn status_at(milestones: &[Milestone], now: DateTime<Utc>) -> EventStatus {
    let start = milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HackingStarts)
        .or(milestones.first())
        .map(|m| utc_spread(&m.time).0);
    let end = milestones.iter().map(|m| utc_spread(&m.time).1).max();
    match (start, end) {
        (Some(s), _) if now < s => EventStatus::Upcoming,
        (_, Some(e)) if now >= e => EventStatus::Past,
        (None, None) => EventStatus::Upcoming,
        _ => EventStatus::Live,
    }
}

/// Moves every milestone by whole weeks in wall-clock terms: "Friday 20:00
/// Paris" stays Friday 20:00 in Paris across daylight-saving changes.
pub fn shift_by_weeks(milestones: &mut [Milestone], weeks: i64) {
    let by = Duration::weeks(weeks);
    for m in milestones.iter_mut() {
        m.time = match &m.time {
            MilestoneTime::Instant { utc, zone } => {
                let local = utc.with_timezone(zone).naive_local();
                instant_in_zone(local.checked_add_signed(by).unwrap_or(local), *zone)
            }
            MilestoneTime::Local { local } => MilestoneTime::Local {
                local: local.checked_add_signed(by).unwrap_or(*local),
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Asia, Etc, Europe, Pacific};
    use proptest::prelude::*;

    fn naive(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn paris(kind: MilestoneKind, at: &str) -> Milestone {
        Milestone {
            title: kind.default_title().to_owned(),
            kind,
            time: instant_in_zone(naive(at), Europe::Paris),
        }
    }

    fn local(kind: MilestoneKind, at: &str) -> Milestone {
        Milestone {
            title: kind.default_title().to_owned(),
            kind,
            time: MilestoneTime::Local { local: naive(at) },
        }
    }

    /// The brief's structure, over the last weekend of March 2026 (Paris
    /// moves to summer time on Sunday 29 March at 02:00).
    fn march_weekend() -> Vec<Milestone> {
        use MilestoneKind::*;
        vec![
            paris(RegistrationOpens, "2026-03-09 09:00"),
            paris(HfOrgDeadline, "2026-03-27 20:00"),
            paris(RegistrationCloses, "2026-03-27 23:00"),
            local(HackingStarts, "2026-03-28 09:00"),
            local(HackingEnds, "2026-03-29 16:00"),
            paris(LikesExtraction, "2026-04-03 00:00"),
            paris(Finals, "2026-04-06 18:00"),
        ]
    }

    #[test]
    fn a_paris_friday_evening_deadline_is_19_00_utc_in_winter_time() {
        let m = paris(MilestoneKind::HfOrgDeadline, "2026-03-27 20:00");
        assert_eq!(
            resolve(&m.time, Asia::Tokyo),
            Utc.with_ymd_and_hms(2026, 3, 27, 19, 0, 0).unwrap()
        );
    }

    #[test]
    fn sunday_16_00_local_is_14_00_utc_in_paris_after_the_change_to_summer_time() {
        let m = local(MilestoneKind::HackingEnds, "2026-03-29 16:00");
        assert_eq!(
            resolve(&m.time, Europe::Paris),
            Utc.with_ymd_and_hms(2026, 3, 29, 14, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_wall_time_in_the_spring_gap_resolves_to_the_end_of_the_gap() {
        let m = local(MilestoneKind::Custom, "2026-03-29 02:30");
        assert_eq!(
            resolve(&m.time, Europe::Paris),
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_wall_time_that_happens_twice_in_autumn_resolves_to_the_first() {
        let m = local(MilestoneKind::Custom, "2026-10-25 02:30");
        assert_eq!(
            resolve(&m.time, Europe::Paris),
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
        );
    }

    #[test]
    fn local_milestones_resolve_from_utc_minus_12_to_utc_plus_14() {
        let m = local(MilestoneKind::HackingEnds, "2026-03-01 16:00");
        assert_eq!(
            resolve(&m.time, Pacific::Kiritimati),
            Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()
        );
        assert_eq!(
            resolve(&m.time, Etc::GMTPlus12),
            Utc.with_ymd_and_hms(2026, 3, 2, 4, 0, 0).unwrap()
        );
        assert_eq!(
            utc_spread(&m.time),
            (
                Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 3, 2, 4, 0, 0).unwrap()
            )
        );
    }

    #[test]
    fn the_brief_timeline_over_the_dst_weekend_is_valid() {
        assert_eq!(validate(&march_weekend()), Ok(()));
    }

    #[test]
    fn hacking_ends_before_it_starts_is_rejected_with_both_names() {
        let mut t = march_weekend();
        t[4] = local(MilestoneKind::HackingEnds, "2026-03-28 08:00");
        let err = validate(&t).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("Hacking ends"), "{msg}");
        assert!(msg.contains("Hacking starts"), "{msg}");
        assert!(matches!(
            err,
            TimelineError::OutOfOrder {
                earlier: 3,
                later: 4,
                ..
            }
        ));
    }

    #[test]
    fn a_paris_deadline_must_come_after_a_local_milestone_everywhere_on_earth() {
        use MilestoneKind::*;
        // Hacking ends Sunday 16:00 local: at UTC−12 that is Monday 04:00 UTC,
        // so likes extraction on Monday 01:00 Paris is too early somewhere.
        let t = vec![
            local(HackingStarts, "2026-03-28 09:00"),
            local(HackingEnds, "2026-03-29 16:00"),
            paris(LikesExtraction, "2026-03-30 01:00"),
        ];
        assert!(matches!(
            validate(&t),
            Err(TimelineError::OutOfOrder { .. })
        ));
        let t = vec![
            local(HackingStarts, "2026-03-28 09:00"),
            local(HackingEnds, "2026-03-29 16:00"),
            paris(LikesExtraction, "2026-03-30 08:00"),
        ];
        assert_eq!(validate(&t), Ok(()));
    }

    #[test]
    fn a_kind_twice_is_rejected_but_custom_milestones_may_repeat() {
        let mut t = march_weekend();
        t.push(paris(MilestoneKind::Finals, "2026-04-07 18:00"));
        assert!(matches!(
            validate(&t),
            Err(TimelineError::Duplicate {
                first: 6,
                second: 7,
                ..
            })
        ));
        let mut t = march_weekend();
        t.push(paris(MilestoneKind::Custom, "2026-03-28 10:00"));
        t.push(paris(MilestoneKind::Custom, "2026-03-28 11:00"));
        assert_eq!(validate(&t), Ok(()));
    }

    #[test]
    fn the_phase_changes_exactly_at_each_milestone() {
        let t = march_weekend();
        let zone = Europe::Paris;
        let closes = resolve(&t[2].time, zone);
        let ms = Duration::milliseconds(1);
        assert_eq!(phase_at(&t, closes - ms, zone), Phase::RegistrationOpen);
        assert_eq!(phase_at(&t, closes, zone), Phase::RegistrationClosed);
        let starts = resolve(&t[3].time, zone);
        assert_eq!(phase_at(&t, starts - ms, zone), Phase::RegistrationClosed);
        assert_eq!(phase_at(&t, starts, zone), Phase::Hacking);
        let ends = resolve(&t[4].time, zone);
        assert_eq!(phase_at(&t, ends - ms, zone), Phase::Hacking);
        assert_eq!(phase_at(&t, ends, zone), Phase::AfterHacking);
        let finals = resolve(&t[6].time, zone);
        assert_eq!(phase_at(&t, finals, zone), Phase::Finished);
        let opens = resolve(&t[0].time, zone);
        assert_eq!(phase_at(&t, opens - ms, zone), Phase::BeforeRegistration);
    }

    #[test]
    fn hacking_starts_earlier_in_tokyo_than_in_paris() {
        let t = march_weekend();
        // Saturday 09:00 UTC: Tokyo (18:00) hacks, New York (05:00) does not.
        let now = Utc.with_ymd_and_hms(2026, 3, 28, 9, 0, 0).unwrap();
        assert_eq!(phase_at(&t, now, Asia::Tokyo), Phase::Hacking);
        assert_eq!(
            phase_at(&t, now, chrono_tz::America::New_York),
            Phase::RegistrationClosed
        );
    }

    #[test]
    fn upcoming_lists_what_is_ahead_soonest_first() {
        let t = march_weekend();
        let now = resolve(&t[1].time, Europe::Paris);
        let next = upcoming(&t, now, Europe::Paris);
        assert_eq!(next[0].index, 2);
        assert_eq!(next[0].remaining, Duration::hours(3));
        assert!(next.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(upcoming(&t, now + Duration::days(30), Europe::Paris).is_empty());
    }

    #[test]
    fn remaining_time_reads_in_its_two_largest_units() {
        assert_eq!(
            format_remaining(Duration::hours(52) + Duration::minutes(3)),
            "2 d 4 h"
        );
        assert_eq!(format_remaining(Duration::minutes(252)), "4 h 12 min");
        assert_eq!(format_remaining(Duration::seconds(725)), "12 min 5 s");
        assert_eq!(format_remaining(Duration::seconds(5)), "5 s");
        assert_eq!(format_remaining(Duration::seconds(-5)), "0 s");
    }

    #[test]
    fn an_event_is_upcoming_then_live_then_past() {
        let t = march_weekend();
        let starts = utc_spread(&t[3].time).0;
        let ms = Duration::milliseconds(1);
        assert_eq!(status_at(&t, starts - ms), EventStatus::Upcoming);
        assert_eq!(status_at(&t, starts), EventStatus::Live);
        let finals = resolve(&t[6].time, Europe::Paris);
        assert_eq!(status_at(&t, finals - ms), EventStatus::Live);
        assert_eq!(status_at(&t, finals), EventStatus::Past);
    }

    #[test]
    fn shifting_across_the_dst_change_keeps_wall_clock_times() {
        let mut t = vec![paris(MilestoneKind::HfOrgDeadline, "2026-03-20 20:00")];
        shift_by_weeks(&mut t, 1);
        let MilestoneTime::Instant { utc, zone } = &t[0].time else {
            panic!("still an instant")
        };
        assert_eq!(
            utc.with_timezone(zone).naive_local(),
            naive("2026-03-27 20:00")
        );
        shift_by_weeks(&mut t, 1);
        let MilestoneTime::Instant { utc, .. } = &t[0].time else {
            panic!("still an instant")
        };
        // Summer time: 20:00 Paris is now 18:00 UTC.
        assert_eq!(*utc, Utc.with_ymd_and_hms(2026, 4, 3, 18, 0, 0).unwrap());
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let shared = c.clone();
        c.advance(Duration::seconds(90));
        assert_eq!(
            shared.now(),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 30).unwrap()
        );
    }

    const ZONES: [Tz; 10] = [
        Etc::GMTPlus12,
        chrono_tz::America::Los_Angeles,
        chrono_tz::America::New_York,
        chrono_tz::America::St_Johns,
        Etc::UTC,
        Europe::Paris,
        Asia::Kolkata,
        Asia::Tokyo,
        chrono_tz::Australia::Lord_Howe,
        Pacific::Kiritimati,
    ];

    fn any_naive() -> impl Strategy<Value = NaiveDateTime> {
        (0i64..(20 * 365 * 24 * 60)).prop_map(|m| naive("2020-01-01 00:00") + Duration::minutes(m))
    }

    proptest! {
        #[test]
        fn every_zone_reaches_a_local_milestone_within_its_utc_spread(t in any_naive(), z in 0usize..10) {
            let time = MilestoneTime::Local { local: t };
            let (first, last) = utc_spread(&time);
            let at = resolve(&time, ZONES[z]);
            prop_assert!(first <= at && at <= last, "{at} not in {first}..{last}");
        }

        #[test]
        fn a_timeline_in_order_is_valid_and_swapping_hacking_ends_before_its_start_is_not(
            start in any_naive(), gap_h in 1i64..72, zone in 0usize..10
        ) {
            use MilestoneKind::*;
            let z = ZONES[zone];
            let at = |h: i64| start + Duration::hours(h);
            let t = vec![
                Milestone { kind: RegistrationOpens, title: "o".into(), time: instant_in_zone(at(-240), z) },
                Milestone { kind: RegistrationCloses, title: "c".into(), time: instant_in_zone(at(-48), z) },
                Milestone { kind: HackingStarts, title: "s".into(), time: MilestoneTime::Local { local: at(0) } },
                Milestone { kind: HackingEnds, title: "e".into(), time: MilestoneTime::Local { local: at(gap_h) } },
                Milestone { kind: LikesExtraction, title: "l".into(), time: instant_in_zone(at(gap_h + 40), z) },
                Milestone { kind: Finals, title: "f".into(), time: instant_in_zone(at(gap_h + 100), z) },
            ];
            prop_assert_eq!(validate(&t), Ok(()));
            let mut bad = t.clone();
            bad[3].time = MilestoneTime::Local { local: at(-1) };
            let is_out_of_order = matches!(validate(&bad), Err(TimelineError::OutOfOrder { .. }));
            prop_assert!(is_out_of_order);
        }

        #[test]
        fn remaining_time_formats_any_duration(ms in any::<i64>()) {
            let s = format_remaining_ms(ms);
            prop_assert!(s.ends_with(" s") || s.ends_with(" h") || s.ends_with(" min"));
        }
    }
}
