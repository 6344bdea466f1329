//! The gallery's rules: when projects become public, when likes are open,
//! a random order that stays the same for one visitor, and which project
//! is proposed as the wild card.

use crate::event::{EventDefinition, MilestoneKind};
use crate::timeline::utc_spread;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The latest instant anyone reaches the milestone `kind` (a local-time
/// milestone reaches UTC−12 last), if the event has it.
pub fn last_reached(def: &EventDefinition, kind: MilestoneKind) -> Option<DateTime<Utc>> {
    def.milestones
        .iter()
        .find(|m| m.kind == kind)
        .map(|m| utc_spread(&m.time).1)
}

/// When submitted projects become public: the gallery's milestone, once
/// every zone has reached it. An event without it opens at once.
pub fn opens_at(def: &EventDefinition) -> Option<DateTime<Utc>> {
    last_reached(def, def.gallery.opens.clone())
}

pub fn is_open(def: &EventDefinition, now: DateTime<Utc>) -> bool {
    opens_at(def).is_none_or(|t| now >= t)
}

/// The likes-extraction cutoff: after it, likes are frozen.
pub fn likes_cutoff(def: &EventDefinition) -> Option<DateTime<Utc>> {
    last_reached(def, MilestoneKind::LikesExtraction)
}

/// Whether likes are open at `now`, or why not, in words.
pub fn likes_open(def: &EventDefinition, now: DateTime<Utc>) -> Result<(), String> {
    if !is_open(def, now) {
        return Err("Likes open with the gallery.".into());
    }
    match likes_cutoff(def) {
        Some(c) if now >= c => {
            Err("Likes are closed: the counts were frozen at the likes extraction.".into())
        }
        _ => Ok(()),
    }
}

/// A shuffle that is the same every time for the same `seed` (one per
/// visitor) and different between visitors, so no project wins from its
/// position alone.
pub fn stable_shuffle<T>(items: &mut [T], seed: &str, id: impl Fn(&T) -> i64) {
    items.sort_by_cached_key(|item| {
        let mut h = Sha256::new();
        h.update(seed.as_bytes());
        h.update(id(item).to_be_bytes());
        h.finalize()
    });
}

/// The gallery's "random" order as one visitor sees it: the event's own
/// shuffle, turned to start at a point that depends on the visitor's
/// `variant` (one of `variants`). Turning one shuffle, rather than
/// shuffling anew per visitor, spreads every position evenly: over the
/// variants each project is first, or on the first page, as often as any
/// other (±1), so no project wins from its position alone; and a few
/// dozen orders, not one per visitor, can be rendered once and shared.
pub fn visitor_order<T>(
    items: &mut [T],
    event_seed: &str,
    variant: u64,
    variants: u64,
    id: impl Fn(&T) -> i64,
) {
    stable_shuffle(items, event_seed, id);
    let len = items.len() as u64;
    if len > 0 && variants > 0 {
        let turn = (variant % variants) * len / variants;
        items.rotate_left(turn as usize);
    }
}

/// One candidate for the wild card: a submitted project's frozen count,
/// when it reached that count, and whether it may be a finalist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub submission_id: i64,
    pub likes: i64,
    /// When its last counted like arrived (it reached its count then).
    pub reached_at: Option<DateTime<Utc>>,
    /// Ineligible or disqualified projects are skipped.
    pub eligible: bool,
}

/// The rule, as shown on the results page.
pub const WILD_CARD_RULE: &str = "The wild card is the eligible project with the most likes at the likes extraction; ineligible and disqualified projects are skipped. A tie goes to the project that reached its count first.";

/// The most-liked eligible project; a tie goes to the one that reached
/// the count first (then the lower id, so the answer is always one).
pub fn wild_card(candidates: &[Candidate]) -> Option<&Candidate> {
    candidates
        .iter()
        .filter(|c| c.eligible && c.likes > 0)
        .min_by(|a, b| {
            b.likes
                .cmp(&a.likes)
                .then_with(|| match (a.reached_at, b.reached_at) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                })
                .then_with(|| a.submission_id.cmp(&b.submission_id))
        })
}

#[cfg(test)]
mod order_tests {
    use super::visitor_order;

    #[test]
    fn over_the_visitor_orders_every_project_reaches_the_first_page_equally_often() {
        for (len, per_page) in [(400usize, 24usize), (27, 24), (5, 24), (100, 10)] {
            let mut on_first_page = vec![0u32; len];
            let mut first = vec![0u32; len];
            for v in 0..64 {
                let mut ids: Vec<i64> = (0..len as i64).collect();
                visitor_order(&mut ids, "mistral-hackathon", v, 64, |i| *i);
                first[ids[0] as usize] += 1;
                for id in ids.iter().take(per_page) {
                    on_first_page[*id as usize] += 1;
                }
            }
            let (lo, hi) = (
                on_first_page.iter().min().unwrap(),
                on_first_page.iter().max().unwrap(),
            );
            assert!(hi - lo <= 1, "{len} projects: first page {lo}..{hi} times");
            let (lo, hi) = (first.iter().min().unwrap(), first.iter().max().unwrap());
            if len <= 64 {
                assert!(hi - lo <= 1, "{len} projects: first {lo}..{hi} times");
            }
        }
    }

    #[test]
    fn one_visitor_always_sees_the_same_order_and_another_a_turned_one() {
        let order = |v| {
            let mut ids: Vec<i64> = (1..=30).collect();
            visitor_order(&mut ids, "e", v, 64, |i| *i);
            ids
        };
        assert_eq!(order(5), order(5));
        assert_ne!(order(5), order(40));
        let mut sorted = order(40);
        sorted.sort();
        assert_eq!(sorted, (1..=30).collect::<Vec<_>>(), "nothing lost");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, likes: i64, at: &str, eligible: bool) -> Candidate {
        Candidate {
            submission_id: id,
            likes,
            reached_at: Some(at.parse().unwrap()),
            eligible,
        }
    }

    #[test]
    fn the_wild_card_is_the_most_liked_eligible_project_and_a_tie_goes_to_who_got_there_first() {
        let list = [
            c(1, 40, "2026-12-03T10:00:00Z", false),
            c(2, 31, "2026-12-03T12:00:00Z", true),
            c(3, 31, "2026-12-03T11:00:00Z", true),
            c(4, 12, "2026-12-03T09:00:00Z", true),
        ];
        assert_eq!(wild_card(&list).unwrap().submission_id, 3);
        assert!(wild_card(&[c(5, 0, "2026-12-03T09:00:00Z", true)]).is_none());
    }

    #[test]
    fn a_visitors_random_order_is_stable_and_differs_between_visitors() {
        let mut a: Vec<i64> = (1..=50).collect();
        let mut b = a.clone();
        stable_shuffle(&mut a, "visitor-1", |x| *x);
        stable_shuffle(&mut b, "visitor-1", |x| *x);
        assert_eq!(a, b);
        let mut c: Vec<i64> = (1..=50).collect();
        stable_shuffle(&mut c, "visitor-2", |x| *x);
        assert_ne!(a, c);
        assert_ne!(a, (1..=50).collect::<Vec<_>>());
    }

    #[test]
    fn the_gallery_opens_when_the_last_zone_reaches_the_deadline_and_likes_close_at_the_extraction()
    {
        let def = crate::demo::demo_event(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let opens = opens_at(&def).unwrap();
        assert!(!is_open(&def, opens - chrono::Duration::milliseconds(1)));
        assert!(is_open(&def, opens));
        let cutoff = likes_cutoff(&def).unwrap();
        assert!(likes_open(&def, cutoff - chrono::Duration::milliseconds(1)).is_ok());
        assert!(likes_open(&def, cutoff).is_err());
    }
}
