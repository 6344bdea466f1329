//! The home page's and an event's view models, built from the domain's
//! event definitions (server build only).

use crate::ui::format::short;
use crate::wire::{
    CountdownItem, EventCard, EventView, HomeView, LinkView, MilestoneView, OfferView, TimeRef,
    TrackView,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::timeline::{self, EventStatus, Phase};
use hackboard_domain::{EventDefinition, MilestoneKind, MilestoneTime};

/// "Paris" for Europe/Paris, "Kiritimati" for Pacific/Kiritimati.
pub fn zone_city(zone: Tz) -> String {
    zone.name()
        .rsplit('/')
        .next()
        .unwrap_or(zone.name())
        .replace('_', " ")
}

fn phase_words(phase: Phase) -> String {
    phase.label().to_owned()
}

pub fn home_view(events: &[EventDefinition], now: DateTime<Utc>) -> HomeView {
    let mut home = HomeView {
        upcoming: vec![],
        live: vec![],
        past: vec![],
    };
    for def in events {
        let starts = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingStarts)
            .map(|m| describe_defined(&m.time));
        let card = EventCard {
            slug: def.slug.to_string(),
            name: def.name.clone(),
            format: def.format.label().to_owned(),
            phase: phase_words(timeline::phase_at(&def.milestones, now, def.home_zone)),
            when: starts
                .map(|s| format!("Hacking starts {s}"))
                .unwrap_or_default(),
        };
        match timeline::status_at(&def.milestones, now) {
            EventStatus::Upcoming => home.upcoming.push(card),
            EventStatus::Live => home.live.push(card),
            EventStatus::Past => home.past.push(card),
        }
    }
    home
}

/// A milestone time as its organizers defined it.
pub fn describe_defined(time: &MilestoneTime) -> String {
    match time {
        MilestoneTime::Instant { utc, zone } => format!(
            "{} {}",
            short(utc.with_timezone(zone).naive_local()),
            zone_city(*zone)
        ),
        MilestoneTime::Local { local } => format!("{} local time", short(*local)),
    }
}

pub fn event_view(
    def: &EventDefinition,
    now: DateTime<Utc>,
    viewer: Option<Tz>,
    markdown: &dyn Fn(&str) -> String,
) -> EventView {
    let zone = viewer.unwrap_or(def.home_zone);
    let time_ref = |time: &MilestoneTime| TimeRef {
        utc_ms: timeline::resolve(time, zone).timestamp_millis(),
        local: match time {
            MilestoneTime::Local { local } => Some(local.format("%Y-%m-%dT%H:%M:%S").to_string()),
            MilestoneTime::Instant { .. } => None,
        },
    };
    let milestones = def
        .milestones
        .iter()
        .map(|m| {
            let at = timeline::resolve(&m.time, zone);
            let viewer_text = match (&m.time, viewer) {
                (MilestoneTime::Local { local }, _) => {
                    format!("{} your time", short(*local))
                }
                (MilestoneTime::Instant { utc, .. }, Some(v)) => {
                    format!("{} your time", short(utc.with_timezone(&v).naive_local()))
                }
                (MilestoneTime::Instant { utc, .. }, None) => {
                    format!("{} UTC", short(utc.naive_utc()))
                }
            };
            let utc_spread = match &m.time {
                MilestoneTime::Local { .. } => {
                    let (first, last) = timeline::utc_spread(&m.time);
                    Some(format!(
                        "reached between {} and {} UTC around the world",
                        short(first.naive_utc()),
                        short(last.naive_utc())
                    ))
                }
                MilestoneTime::Instant { .. } => None,
            };
            MilestoneView {
                kind: m.kind.key().to_owned(),
                title: m.title.clone(),
                time: time_ref(&m.time),
                defined: describe_defined(&m.time),
                viewer: viewer_text,
                utc_spread,
                passed: now >= at,
            }
        })
        .collect();
    let countdown = timeline::upcoming(&def.milestones, now, zone)
        .into_iter()
        .map(|u| {
            let m = &def.milestones[u.index];
            CountdownItem {
                title: m.title.clone(),
                time: time_ref(&m.time),
            }
        })
        .collect();
    EventView {
        slug: def.slug.to_string(),
        name: def.name.clone(),
        format: def.format.label().to_owned(),
        description_html: markdown(&def.description),
        rules_html: markdown(&def.rules),
        home_zone: def.home_zone.name().to_owned(),
        viewer_zone: viewer.map(|z| z.name().to_owned()),
        hf_org: def.hf_org.clone(),
        team_size: if def.team_size.min == def.team_size.max {
            def.team_size.min.to_string()
        } else {
            format!("{}–{}", def.team_size.min, def.team_size.max)
        },
        phase: phase_words(timeline::phase_at(&def.milestones, now, zone)),
        now_ms: now.timestamp_millis(),
        countdown,
        milestones,
        tracks: def
            .tracks
            .iter()
            .map(|t| TrackView {
                name: t.name.clone(),
                sponsor: t.sponsor.clone(),
                description_html: markdown(&t.description),
                requirements: t.requirements.clone(),
            })
            .collect(),
        offers: def
            .offers
            .iter()
            .map(|o| OfferView {
                sponsor: o.sponsor.clone(),
                value: o.value.clone(),
                per: match o.per {
                    hackboard_domain::OfferUnit::Person => "per person".to_owned(),
                    hackboard_domain::OfferUnit::Team => "per team".to_owned(),
                },
                redeem_html: markdown(&o.redeem),
            })
            .collect(),
        links: def
            .links
            .iter()
            .map(|l| LinkView {
                label: l.label.clone(),
                url: l.url.clone(),
            })
            .collect(),
    }
}
