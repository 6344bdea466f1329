//! Eligibility as organizers decide it: a check's checklist with their
//! decisions applied, the report over every project of an event, and the
//! audited decisions themselves. The checks are run by
//! `jobs::eligibility`.

use crate::store::eligibility::StoredCheck;
use crate::store::{Store, StoreError, StoredSubmission};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_app::wire::{CheckItemView, ChecklistView};
use hackboard_domain::eligibility::{Checklist, Override, Status, with_overrides};

/// A check's checklist with the organizers' decisions applied, from what
/// is stored (none before the first check).
pub fn decided(checklist: Option<&str>, overrides: &[Override]) -> Option<Checklist> {
    let list: Checklist = serde_json::from_str(checklist?).ok()?;
    Some(with_overrides(&list, overrides))
}

/// The overrides of one submission, from the stored rows.
pub fn overrides_of(
    rows: &[crate::store::eligibility::StoredOverride],
    submission_id: i64,
) -> Vec<Override> {
    rows.iter()
        .filter(|o| o.submission_id == submission_id)
        .filter_map(|o| {
            Some(Override {
                key: o.item_key.clone(),
                status: Status::parse(&o.status)?,
                reason: o.reason.clone(),
            })
        })
        .collect()
}

/// One project of the organizers' report.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub submission: StoredSubmission,
    pub team: Option<String>,
    pub check: Option<crate::store::eligibility::StoredCheck>,
    pub overrides: Vec<crate::store::eligibility::StoredOverride>,
    /// The checklist with the organizers' decisions applied.
    pub decided: Option<Checklist>,
}

impl ReportRow {
    /// `pass`, `review`, `pending`, `fail`, or `unchecked` before the first
    /// check.
    pub fn status(&self) -> &'static str {
        self.decided
            .as_ref()
            .map_or("unchecked", |c| c.status.as_str())
    }
}

/// Every submission of the event with its check and decisions.
pub async fn report(store: &Store, event_id: i64) -> Result<Vec<ReportRow>, StoreError> {
    let teams = store.teams(event_id).await?;
    let checks = store.checks_of_event(event_id).await?;
    let overrides = store.overrides_of_event(event_id).await?;
    Ok(store
        .submissions(event_id)
        .await?
        .into_iter()
        .map(|s| {
            let check = checks.iter().find(|c| c.submission_id == s.id).cloned();
            let mine: Vec<_> = overrides
                .iter()
                .filter(|o| o.submission_id == s.id)
                .cloned()
                .collect();
            let decided = check
                .as_ref()
                .and_then(|c| decided(c.checklist.as_deref(), &overrides_of(&mine, s.id)));
            ReportRow {
                team: s
                    .team_id
                    .and_then(|t| teams.iter().find(|x| x.id == t))
                    .map(|t| t.name.clone()),
                submission: s,
                check,
                overrides: mine,
                decided,
            }
        })
        .collect())
}

/// Why an organizer's decision was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecisionFail {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records (or with `status` `clear`, withdraws) an organizer's decision
/// on item `key` of a submission — `project` decides the whole project —
/// with a reason, in the audit log. The caller has checked that `actor`
/// organizes the event.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    store: &Store,
    event_id: i64,
    submission_id: i64,
    key: &str,
    status: &str,
    reason: &str,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<(), DecisionFail> {
    let refuse = |m: &str| Err(DecisionFail::Refused(m.to_owned()));
    let reason = reason.trim();
    if reason.is_empty() {
        return refuse("Give a reason: it goes in the audit log and the team sees it.");
    }
    if reason.chars().count() > 500 {
        return refuse("Keep the reason under 500 characters.");
    }
    let Some(check) = store.check_of(submission_id).await? else {
        if store
            .submission_by_id(submission_id)
            .await?
            .is_none_or(|s| s.event_id != event_id)
        {
            return refuse("There is no such project in this event.");
        }
        if key != hackboard_domain::eligibility::PROJECT_KEY {
            return refuse(
                "This project has not been checked yet: only a decision on the whole project is possible.",
            );
        }
        return record(
            store,
            event_id,
            submission_id,
            key,
            status,
            reason,
            actor,
            now,
        )
        .await;
    };
    if check.event_id != event_id {
        return refuse("There is no such project in this event.");
    }
    let known = key == hackboard_domain::eligibility::PROJECT_KEY
        || check
            .checklist
            .as_deref()
            .and_then(|c| serde_json::from_str::<Checklist>(c).ok())
            .is_some_and(|c| c.items.iter().any(|i| i.key == key));
    if !known {
        return refuse("That is not an item of this project's checklist.");
    }
    record(
        store,
        event_id,
        submission_id,
        key,
        status,
        reason,
        actor,
        now,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn record(
    store: &Store,
    event_id: i64,
    submission_id: i64,
    key: &str,
    status: &str,
    reason: &str,
    actor: i64,
    now: DateTime<Utc>,
) -> Result<(), DecisionFail> {
    let detail = format!("submission {submission_id}: {key} → {status}");
    let done = if status == "clear" {
        store
            .clear_override(event_id, submission_id, key, reason, actor, &detail, now)
            .await?
    } else {
        let Some(s) = Status::parse(status).filter(|s| *s != Status::Pending) else {
            return Err(DecisionFail::Refused(
                "Choose pass, review, fail or clear.".into(),
            ));
        };
        store
            .set_override(
                event_id,
                submission_id,
                key,
                s.as_str(),
                reason,
                actor,
                &detail,
                now,
            )
            .await?
    };
    if done {
        Ok(())
    } else if status == "clear" {
        Err(DecisionFail::Refused(
            "There was no decision on that item to withdraw.".into(),
        ))
    } else {
        Err(DecisionFail::Refused(
            "There is no such project in this event.".into(),
        ))
    }
}

pub fn status_label(status: &str) -> String {
    match Status::parse(status) {
        Some(s) => s.label().to_owned(),
        None => "Not checked yet".to_owned(),
    }
}

/// The checklist as shown, in the viewer's zone; `current_hash` is the
/// submission's content now (a newer save makes the check stale).
pub fn checklist_view(
    decided: Option<&Checklist>,
    check: &StoredCheck,
    viewer_zone: Tz,
    current_hash: &str,
) -> ChecklistView {
    let checked = match check.checked_at.and_then(DateTime::from_timestamp_millis) {
        Some(t) => format!(
            "Checked {} (your time).",
            t.with_timezone(&viewer_zone).format("%a %d %b %H:%M")
        ),
        None => "The first check is on its way.".to_owned(),
    };
    let stale = check
        .content_hash
        .as_deref()
        .is_some_and(|h| h != current_hash)
        || (check.checked_at.is_some() && check.due_at.is_some() && check.attempts == 0);
    ChecklistView {
        status: decided.map_or("unchecked".into(), |c| c.status.as_str().to_owned()),
        status_label: decided.map_or("Not checked yet".into(), |c| c.status.label().to_owned()),
        checked,
        stale,
        items: decided
            .map(|c| {
                c.items
                    .iter()
                    .map(|i| CheckItemView {
                        key: i.key.clone(),
                        label: i.label.clone(),
                        status: i.status.as_str().to_owned(),
                        status_label: i.status.label().to_owned(),
                        message: i.message.clone(),
                        evidence: i
                            .evidence
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
