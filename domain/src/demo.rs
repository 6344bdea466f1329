//! The demo event: the Mistral AI hackathon of the brief, with its dates
//! moved so that on the day it is loaded registration is open and the
//! hacking weekend is the next one.

use crate::event_file::parse_event_file;
use crate::timeline::shift_by_weeks;
use crate::{EventDefinition, MilestoneKind, MilestoneTime};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The demo's event file, with the dates of the brief's weekend.
pub const DEMO_EVENT_FILE: &str = include_str!("../../demo/mistral-hackathon.toml");

/// The first Saturday at least two days after `today`.
fn next_hacking_saturday(today: NaiveDate) -> NaiveDate {
    let mut day = today + Duration::days(2);
    while day.weekday() != Weekday::Sat {
        day += Duration::days(1);
    }
    day
}

/// The demo event with its dates moved by whole weeks so that the hacking
/// Saturday is the first Saturday at least two days after `today`
/// (registration then stays open for at least a day).
pub fn demo_event(today: NaiveDate) -> EventDefinition {
    // The file is part of the binary and tested to parse.
    let mut def = parse_event_file(DEMO_EVENT_FILE).expect("the demo event file is valid");
    let reference = def
        .milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HackingStarts)
        .map(|m| match &m.time {
            MilestoneTime::Local { local } => local.date(),
            MilestoneTime::Instant { utc, zone } => utc.with_timezone(zone).naive_local().date(),
        })
        .expect("the demo has a hacking start");
    let weeks = (next_hacking_saturday(today) - reference).num_days() / 7;
    shift_by_weeks(&mut def.milestones, weeks);
    def
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Phase, phase_at, resolve};
    use chrono::{Timelike, Utc};
    use chrono_tz::Europe::Paris;

    #[test]
    fn on_any_day_registration_is_open_and_hacking_is_the_next_weekend() {
        let mut today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        for _ in 0..(2 * 365) {
            let def = demo_event(today);
            let noon = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
            assert_eq!(
                phase_at(&def.milestones, noon, Paris),
                Phase::RegistrationOpen,
                "{today}"
            );
            let start = def
                .milestones
                .iter()
                .find(|m| m.kind == MilestoneKind::HackingStarts)
                .unwrap();
            let MilestoneTime::Local { local } = start.time else {
                panic!("hacking starts in local time")
            };
            assert_eq!(local.date(), next_hacking_saturday(today));
            assert!(local.date() - today <= Duration::days(8));
            let org = def
                .milestones
                .iter()
                .find(|m| m.kind == MilestoneKind::HfOrgDeadline)
                .unwrap();
            let at = resolve(&org.time, Paris).with_timezone(&Paris);
            assert_eq!(at.weekday(), Weekday::Fri, "{today}");
            assert_eq!((at.hour(), at.minute()), (20, 0), "{today}");
            today += Duration::days(1);
        }
        let _ = Utc::now();
    }
}
