//! The demo event as a test reads it on a running server: as stored, its
//! definition, when its milestones fall, and its teams.

use crate::TestApp;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard::store::{StoredEvent, Team};
use hackboard_domain::Slug;
use hackboard_domain::timeline::{Clock, resolve};
use hackboard_domain::{EventDefinition, MilestoneKind};

impl TestApp {
    /// The demo event as stored.
    pub async fn demo_event(&self) -> StoredEvent {
        self.store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap()
    }

    /// The demo event's definition, as stored.
    pub async fn definition(&self) -> EventDefinition {
        self.demo_event().await.definition
    }

    /// The instant of the demo event's milestone `kind`, its local time
    /// read in `zone`.
    pub async fn milestone_in(&self, kind: MilestoneKind, zone: Tz) -> DateTime<Utc> {
        let def = self.definition().await;
        let milestone = def
            .milestones
            .iter()
            .find(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("the demo event has a {kind:?} milestone"));
        resolve(&milestone.time, zone)
    }

    /// The instant of the demo event's milestone `kind`, its local time
    /// read in the event's home zone.
    pub async fn milestone(&self, kind: MilestoneKind) -> DateTime<Utc> {
        let zone = self.definition().await.home_zone;
        self.milestone_in(kind, zone).await
    }

    /// Changes the demo event's definition with `change` and saves it, at
    /// the clock's time (as an organizer's edit would).
    pub async fn change_event(&self, change: impl FnOnce(&mut EventDefinition)) {
        let mut def = self.definition().await;
        change(&mut def);
        self.store
            .upsert_event(&def, self.clock.now())
            .await
            .unwrap();
    }

    /// A second event, a copy of the demo event at `/events/other-hackathon`,
    /// saved at the clock's time: its id.
    pub async fn other_event(&self) -> i64 {
        let mut other = self.definition().await;
        other.slug = Slug::parse("other-hackathon").unwrap();
        self.store
            .upsert_event(&other, self.clock.now())
            .await
            .unwrap()
    }

    /// When the demo event's milestone `kind` was reached, as the gallery
    /// reads it.
    pub async fn reached(&self, kind: MilestoneKind) -> DateTime<Utc> {
        hackboard_domain::gallery::last_reached(&self.definition().await, kind).unwrap()
    }

    /// Two hours into the hacking, the team of `token` (a captain's API
    /// token) submits the project "Breton tutor" (track anything-goes,
    /// repository ada/tutor): its submission id.
    pub async fn breton_tutor(&self, token: &str) -> i64 {
        let start = self.reached(MilestoneKind::HackingStarts).await;
        self.clock.set(start + chrono::Duration::hours(2));
        self.demo_project(
            token,
            "Breton tutor",
            "anything-goes",
            "ada/tutor",
            &[],
            true,
        )
        .await
    }

    /// The demo event's team called `name`.
    pub async fn team_named(&self, name: &str) -> Team {
        self.store
            .teams(self.event_id().await)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.name == name)
            .expect("the team exists")
    }
}
