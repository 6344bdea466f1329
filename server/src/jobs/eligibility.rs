//! The eligibility job: checks submissions against GitHub and Hugging Face
//! and stores each one's checklist. The same loop freezes the like counts
//! of events whose likes cutoff has passed (`jobs::likes::freeze_due`).
//!
//! A check is asked for by every save (in the save's transaction), by a
//! team's or an organizer's "check again", and by two sweeps that run once
//! per event across instances: when submissions close (the last zone's
//! deadline for a local-time deadline) and an hour before judging. Due
//! checks are claimed with a lease, so several instances share the work
//! and never run one check twice at once. A provider that cannot answer
//! (rate limit, timeout) leaves the check pending; it runs again at the
//! provider's reset time or with a growing backoff.

use crate::repo_facts::Providers;
use crate::store::eligibility::ClaimedCheck;
use crate::store::{Store, StoreError, StoredEvent, StoredSubmission};
use chrono::{DateTime, Duration as Span, Utc};
use chrono_tz::Tz;
use hackboard_domain::eligibility::{Checklist, Evidence, Fetched, Rules, evaluate};
use hackboard_domain::event::{EventDefinition, MilestoneKind, MilestoneTime};
use hackboard_domain::gallery::last_reached;
use hackboard_domain::submission::SubmissionContent;
use hackboard_domain::timeline::{Clock, resolve, zone_or_utc};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a claimed check may run before another instance may take it.
const LEASE: Duration = Duration::from_secs(120);
/// Checks claimed per round.
const BATCH: i64 = 20;
/// The longest wait between retries of a pending check.
const MAX_BACKOFF_MINUTES: i64 = 60;

/// The rules a project is checked against, for a team in `team_zone`.
pub fn rules_for(def: &EventDefinition, content: &SubmissionContent, team_zone: Tz) -> Rules {
    let at = |kind: MilestoneKind| {
        def.milestones
            .iter()
            .find(|m| m.kind == kind)
            .map(|m| (m, resolve(&m.time, team_zone)))
    };
    let ends = at(MilestoneKind::HackingEnds);
    let fix_before = match ends {
        Some((m, t)) => match &m.time {
            MilestoneTime::Local { .. } => format!(
                "before {} your time",
                t.with_timezone(&team_zone).format("%A %H:%M")
            ),
            MilestoneTime::Instant { zone, .. } => format!(
                "before {} ({})",
                t.with_timezone(zone).format("%A %H:%M"),
                zone.name()
            ),
        },
        None => "as soon as you can".into(),
    };
    Rules {
        hacking_starts: at(MilestoneKind::HackingStarts).map(|(_, t)| t),
        hacking_ends: ends.map(|(_, t)| t),
        hf_org: def.hf_org.clone(),
        model_in_org: content.tracks.iter().any(|slug| {
            def.tracks
                .iter()
                .any(|t| t.slug.as_str() == slug && t.model_in_org)
        }),
        fix_before,
    }
}

/// When a pending check runs again.
fn retry_at(evidence: &Evidence, attempts: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    let announced = evidence
        .github
        .iter()
        .map(|(_, f)| f_retry(f))
        .chain(evidence.hf.iter().map(|(_, f)| f_retry(f)))
        .flatten()
        .max();
    let backoff = Span::minutes(
        1i64.checked_shl(attempts.clamp(1, 7) as u32 - 1)
            .unwrap_or(MAX_BACKOFF_MINUTES)
            .min(MAX_BACKOFF_MINUTES),
    );
    match announced {
        Some(t) if t > now => t + Span::seconds(1),
        _ => now + backoff,
    }
}

fn f_retry<T>(f: &Fetched<T>) -> Option<DateTime<Utc>> {
    match f {
        Fetched::Unavailable { retry_at, .. } => *retry_at,
        _ => None,
    }
}

/// The job; clone it into the server's state to wake it.
#[derive(Clone)]
pub struct EligibilityJob {
    store: Store,
    providers: Arc<Providers>,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for EligibilityJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EligibilityJob").finish_non_exhaustive()
    }
}

impl EligibilityJob {
    pub fn new(store: Store, providers: Providers, clock: Arc<dyn Clock>) -> EligibilityJob {
        EligibilityJob {
            store,
            providers: Arc::new(providers),
            clock,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Makes a waiting job look for due checks now (after a save or a
    /// "check again").
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the sweeps that are due, then every due check; how many checks
    /// ran.
    pub async fn tick(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        for event in self.store.list_events().await? {
            self.sweeps(&event, now).await?;
        }
        crate::jobs::likes::freeze_due(&self.store, now).await?;
        let mut ran = 0;
        loop {
            let claimed = self
                .store
                .claim_due_checks(self.clock.now(), LEASE, BATCH)
                .await?;
            if claimed.is_empty() {
                return Ok(ran);
            }
            for claim in claimed {
                self.check(&claim).await?;
                ran += 1;
            }
        }
    }

    async fn sweeps(&self, event: &StoredEvent, now: DateTime<Utc>) -> Result<(), StoreError> {
        let def = &event.definition;
        let closing = last_reached(def, MilestoneKind::HackingEnds);
        let judging = last_reached(def, MilestoneKind::Judging).map(|t| t - Span::hours(1));
        for (name, at) in [("submissions_closed", closing), ("before_judging", judging)] {
            if let Some(at) = at
                && now >= at
                && let Some(n) = self.store.sweep_once(event.id, name, now).await?
            {
                tracing::info!(event = %def.slug, sweep = name, checks = n, "eligibility sweep");
            }
        }
        Ok(())
    }

    async fn check(&self, claim: &ClaimedCheck) -> Result<(), StoreError> {
        let Some(sub) = self.store.submission_by_id(claim.submission_id).await? else {
            return Ok(());
        };
        let Some(event) = self
            .store
            .list_events()
            .await?
            .into_iter()
            .find(|e| e.id == sub.event_id)
        else {
            return Ok(());
        };
        let team_zone = match sub.team_id {
            Some(t) => self
                .store
                .team(event.id, t)
                .await?
                .map(|t| zone_or_utc(&t.time_zone))
                .unwrap_or(chrono_tz::UTC),
            None => chrono_tz::UTC,
        };
        let (list, evidence) = self.run(&event.definition, &sub, team_zone).await;
        let now = self.clock.now();
        let next = list
            .pending()
            .then(|| retry_at(&evidence, claim.attempts, now));
        self.store
            .record_check(
                claim,
                list.status.as_str(),
                &to_json(&list),
                &to_json(&evidence),
                &sub.content_hash,
                next,
                now,
            )
            .await
    }

    /// Fetches and evaluates one submission.
    pub async fn run(
        &self,
        def: &EventDefinition,
        sub: &StoredSubmission,
        team_zone: Tz,
    ) -> (Checklist, Evidence) {
        let content = SubmissionContent::from_json(&sub.content);
        let rules = rules_for(def, &content, team_zone);
        let window = rules.hacking_starts.zip(rules.hacking_ends);
        let evidence = self
            .providers
            .gather(&content, window, self.clock.now())
            .await;
        (evaluate(&rules, &evidence), evidence)
    }

    /// Looks for due checks every `every` (and when woken) until `stop`.
    pub async fn run_until(self, every: Duration, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "eligibility checks failed; will retry");
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(every) => {}
                _ = self.wake.notified() => {}
            }
        }
    }
}

/// Serialises what the job stores (strings, numbers and dates only: this
/// cannot fail).
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_checks_wait_for_the_announced_reset_or_back_off_up_to_an_hour() {
        let now: DateTime<Utc> = "2026-11-29T12:00:00Z".parse().unwrap();
        let reset = now + Span::minutes(17);
        let limited = Evidence {
            fetched_at: now,
            github: None,
            hf: vec![(
                hackboard_domain::submission::HfRepo {
                    kind: hackboard_domain::submission::HfKind::Model,
                    id: "a/b".into(),
                },
                Fetched::Unavailable {
                    reason: "rate limit".into(),
                    retry_at: Some(reset),
                },
            )],
        };
        assert_eq!(retry_at(&limited, 1, now), reset + Span::seconds(1));
        let silent = Evidence {
            fetched_at: now,
            github: None,
            hf: vec![],
        };
        assert_eq!(retry_at(&silent, 1, now), now + Span::minutes(1));
        assert_eq!(retry_at(&silent, 3, now), now + Span::minutes(4));
        assert_eq!(retry_at(&silent, 50, now), now + Span::minutes(60));
    }
}
