//! The event's Hugging Face organization: when its members list is worth
//! refreshing and when the deadline snapshot — the record that later decides
//! credit eligibility, since Hugging Face gives no join dates — is due.

use crate::event::{Milestone, MilestoneKind};
use crate::timeline::{EventStatus, status_at, utc_spread};
use chrono::{DateTime, Utc};

/// The instant the snapshot is due: the org-joining deadline, or for a
/// local-time deadline the last moment anybody on Earth reaches it.
pub fn snapshot_due(milestones: &[Milestone]) -> Option<DateTime<Utc>> {
    milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HfOrgDeadline)
        .map(|m| utc_spread(&m.time).1)
}

/// What the membership job does for one event now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgSync {
    /// Nothing: the snapshot is taken, or the event is over.
    Idle,
    /// Refresh the members list from Hugging Face.
    Refresh,
    /// Refresh it one last time, then take the deadline snapshot.
    RefreshAndSnapshot,
}

pub fn org_sync(milestones: &[Milestone], now: DateTime<Utc>, snapshot_taken: bool) -> OrgSync {
    if snapshot_taken {
        return OrgSync::Idle;
    }
    match snapshot_due(milestones) {
        Some(due) if now >= due => OrgSync::RefreshAndSnapshot,
        Some(_) => OrgSync::Refresh,
        None if status_at(milestones, now) == EventStatus::Past => OrgSync::Idle,
        None => OrgSync::Refresh,
    }
}

/// Whether `name` can be a Hugging Face organization name: letters,
/// digits, `-`, `_` and `.`, at most 96 characters, not starting with a dot.
pub fn valid_org_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 96
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The public page where a person asks to join the org.
pub fn join_url(hf_base: &str, org: &str) -> String {
    format!("{}/{org}", hf_base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::MilestoneTime;
    use crate::timeline::instant_in_zone;
    use chrono::{Duration, NaiveDate};
    use chrono_tz::Europe::Paris;

    fn at(d: u32, h: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn milestone(kind: MilestoneKind, time: MilestoneTime) -> Milestone {
        Milestone {
            title: kind.default_title().to_owned(),
            kind,
            time,
        }
    }

    fn timeline() -> Vec<Milestone> {
        vec![
            milestone(
                MilestoneKind::HfOrgDeadline,
                instant_in_zone(at(27, 20), Paris),
            ),
            milestone(
                MilestoneKind::HackingStarts,
                instant_in_zone(at(28, 9), Paris),
            ),
            milestone(
                MilestoneKind::HackingEnds,
                instant_in_zone(at(29, 16), Paris),
            ),
        ]
    }

    #[test]
    fn the_members_list_is_refreshed_until_the_deadline_then_snapshotted_once() {
        let t = timeline();
        let due = snapshot_due(&t).unwrap();
        assert_eq!(due, utc_spread(&instant_in_zone(at(27, 20), Paris)).0);
        assert_eq!(
            org_sync(&t, due - Duration::seconds(1), false),
            OrgSync::Refresh
        );
        assert_eq!(org_sync(&t, due, false), OrgSync::RefreshAndSnapshot);
        assert_eq!(
            org_sync(&t, due + Duration::days(3), false),
            OrgSync::RefreshAndSnapshot
        );
        assert_eq!(org_sync(&t, due, true), OrgSync::Idle);
    }

    #[test]
    fn a_local_time_deadline_is_snapshotted_once_the_last_zone_reaches_it() {
        let t = vec![milestone(
            MilestoneKind::HfOrgDeadline,
            MilestoneTime::Local { local: at(27, 20) },
        )];
        // UTC−12 reaches 20:00 local at 08:00 UTC the next day.
        assert_eq!(
            snapshot_due(&t).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 28)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap()
                .and_utc()
        );
    }

    #[test]
    fn an_event_without_a_deadline_stops_refreshing_once_it_is_over() {
        let mut t = timeline();
        t.remove(0);
        let end = utc_spread(&instant_in_zone(at(29, 16), Paris)).0;
        assert_eq!(
            org_sync(&t, end - Duration::hours(1), false),
            OrgSync::Refresh
        );
        assert_eq!(org_sync(&t, end, false), OrgSync::Idle);
    }

    #[test]
    fn org_names_are_checked_before_they_go_into_a_url() {
        assert!(valid_org_name("mistral-hackathon"));
        assert!(valid_org_name("Org_2.0"));
        for bad in ["", "a/b", "a b", "../x", ".hidden", "é"] {
            assert!(!valid_org_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_join_link_is_the_orgs_page() {
        assert_eq!(
            join_url("https://huggingface.co/", "mistral-hackathon"),
            "https://huggingface.co/mistral-hackathon"
        );
    }
}
