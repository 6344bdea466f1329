//! Eligibility checks: the latest checklist of each submission, when the
//! next check is due, organizers' overrides (audited), the once-only
//! sweeps at milestones, and projects' cover images.
//!
//! A check is requested by setting `due_at`; a job claims due rows by
//! moving `due_at` forward by a lease in one `UPDATE … RETURNING`, so two
//! instances never run the same check at once and a check whose instance
//! died runs again when the lease ends. Recording a result clears `due_at`
//! only if nobody asked again while the check ran.

use super::{Store, StoreError, audit, on_pool, write_tx};
use chrono::{DateTime, Utc};

/// The latest check of one submission.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCheck {
    pub submission_id: i64,
    pub event_id: i64,
    /// `pass`, `review`, `pending` or `fail` (before overrides).
    pub status: String,
    /// JSON of the domain's `Checklist`; none before the first check.
    pub checklist: Option<String>,
    /// JSON of the domain's `Evidence`.
    pub evidence: Option<String>,
    pub content_hash: Option<String>,
    pub checked_at: Option<i64>,
    pub due_at: Option<i64>,
    pub attempts: i64,
}

/// A claimed check: run it, then record it with the same `lease`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedCheck {
    pub submission_id: i64,
    pub attempts: i64,
    #[sqlx(rename = "due_at")]
    pub lease: i64,
}

/// An organizer's decision on one item of one submission.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredOverride {
    pub submission_id: i64,
    pub item_key: String,
    pub status: String,
    pub reason: String,
    pub decided_by: Option<String>,
    pub decided_at: i64,
}

/// A cover image as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Cover {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Asks for a check of one submission now (in a save's transaction too).
pub(super) const REQUEST_CHECK: &str = "INSERT INTO eligibility_checks (submission_id, event_id, due_at) VALUES ($1, $2, $3) \
     ON CONFLICT (submission_id) DO UPDATE SET due_at = excluded.due_at, attempts = 0";

const CHECK_COLUMNS: &str = "submission_id, event_id, status, checklist, evidence, content_hash, \
     checked_at, due_at, attempts";

impl Store {
    /// Asks for a check of the submission as soon as the job runs.
    pub async fn request_check(
        &self,
        event_id: i64,
        submission_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM submissions WHERE id = $1 AND event_id = $2")
                    .bind(submission_id)
                    .bind(event_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_some() {
                sqlx::query(REQUEST_CHECK)
                    .bind(submission_id)
                    .bind(event_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<bool, StoreError>(exists.is_some())
        })
    }

    /// Runs the sweep named `name` for the event once across instances:
    /// the first caller asks for a check of every submitted project and
    /// gets how many; later callers get `None`.
    pub async fn sweep_once(
        &self,
        event_id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let first = sqlx::query(
                "INSERT INTO eligibility_sweeps (event_id, milestone, run_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (event_id, milestone) DO NOTHING",
            )
            .bind(event_id)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let mut asked = None;
            if first {
                asked = Some(
                    sqlx::query(
                        "INSERT INTO eligibility_checks (submission_id, event_id, due_at) \
                         SELECT id, event_id, $2 FROM submissions \
                         WHERE event_id = $1 AND status = 'submitted' \
                         ON CONFLICT (submission_id) DO UPDATE SET due_at = excluded.due_at, \
                         attempts = 0",
                    )
                    .bind(event_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                );
            }
            Ok::<Option<u64>, StoreError>(asked)
        })
    }

    /// Claims up to `limit` due checks for `lease`.
    pub async fn claim_due_checks(
        &self,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedCheck>, StoreError> {
        let now_ms = now.timestamp_millis();
        let until = now_ms + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2);
        write_tx!(self, |tx| {
            let claimed: Vec<ClaimedCheck> = sqlx::query_as(
                "UPDATE eligibility_checks SET due_at = $2, attempts = attempts + 1 \
                 WHERE due_at <= $1 AND submission_id IN (SELECT submission_id \
                 FROM eligibility_checks WHERE due_at <= $1 ORDER BY due_at LIMIT $3) \
                 RETURNING submission_id, attempts, due_at",
            )
            .bind(now_ms)
            .bind(until)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            Ok::<Vec<ClaimedCheck>, StoreError>(claimed)
        })
    }

    /// Stores a check's result. `next_due`: when to check again (a pending
    /// provider); kept only if nobody asked again while this check ran.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_check(
        &self,
        claim: &ClaimedCheck,
        status: &str,
        checklist: &str,
        evidence: &str,
        content_hash: &str,
        next_due: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let next = next_due.map(|t| t.timestamp_millis());
        write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE eligibility_checks SET status = $2, checklist = $3, evidence = $4, \
                 content_hash = $5, checked_at = $6, \
                 due_at = CASE WHEN due_at = $7 THEN $8 ELSE due_at END, \
                 attempts = CASE WHEN due_at = $7 AND $8 IS NOT NULL THEN attempts ELSE 0 END \
                 WHERE submission_id = $1",
            )
            .bind(claim.submission_id)
            .bind(status)
            .bind(checklist)
            .bind(evidence)
            .bind(content_hash)
            .bind(now.timestamp_millis())
            .bind(claim.lease)
            .bind(next)
            .execute(&mut *tx)
            .await?;
            Ok::<(), StoreError>(())
        })
    }

    pub async fn check_of(&self, submission_id: i64) -> Result<Option<StoredCheck>, StoreError> {
        let sql =
            format!("SELECT {CHECK_COLUMNS} FROM eligibility_checks WHERE submission_id = $1");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(submission_id)
            .fetch_optional(p)
            .await?))
    }

    pub async fn checks_of_event(&self, event_id: i64) -> Result<Vec<StoredCheck>, StoreError> {
        let sql = format!(
            "SELECT {CHECK_COLUMNS} FROM eligibility_checks WHERE event_id = $1 \
             ORDER BY submission_id"
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    /// Records an organizer's decision on an item (or the whole project),
    /// replacing an earlier one, with the reason in the audit log.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_override(
        &self,
        event_id: i64,
        submission_id: i64,
        item_key: &str,
        status: &str,
        reason: &str,
        actor: i64,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM submissions WHERE id = $1 AND event_id = $2")
                    .bind(submission_id)
                    .bind(event_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_some() {
                sqlx::query(
                    "INSERT INTO eligibility_overrides (submission_id, item_key, status, reason, \
                     decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (submission_id, item_key) DO UPDATE SET status = excluded.status, \
                     reason = excluded.reason, decided_by = excluded.decided_by, \
                     decided_at = excluded.decided_at",
                )
                .bind(submission_id)
                .bind(item_key)
                .bind(status)
                .bind(reason)
                .bind(actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                audit!(tx; event_id, actor, "eligibility_overridden", detail, reason, now);
            }
            Ok::<bool, StoreError>(exists.is_some())
        })
    }

    /// Withdraws an organizer's decision, with the reason in the audit log.
    #[allow(clippy::too_many_arguments)]
    pub async fn clear_override(
        &self,
        event_id: i64,
        submission_id: i64,
        item_key: &str,
        reason: &str,
        actor: i64,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let gone = sqlx::query(
                "DELETE FROM eligibility_overrides WHERE item_key = $2 AND submission_id = \
                 (SELECT id FROM submissions WHERE id = $1 AND event_id = $3)",
            )
            .bind(submission_id)
            .bind(item_key)
            .bind(event_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if gone {
                audit!(tx; event_id, actor, "eligibility_override_withdrawn", detail, reason, now);
            }
            Ok::<bool, StoreError>(gone)
        })
    }

    /// Every override of the event's submissions, with who decided.
    pub async fn overrides_of_event(
        &self,
        event_id: i64,
    ) -> Result<Vec<StoredOverride>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT o.submission_id, o.item_key, o.status, o.reason, u.display_name AS decided_by, \
             o.decided_at FROM eligibility_overrides o JOIN submissions s ON s.id = o.submission_id \
             LEFT JOIN users u ON u.id = o.decided_by WHERE s.event_id = $1 \
             ORDER BY o.submission_id, o.item_key"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?
        }))
    }

    /// Stores (or replaces) a submission's cover image.
    pub async fn put_cover(
        &self,
        submission_id: i64,
        cover: &Cover,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO submission_covers (submission_id, content_type, bytes, sha256, \
                 uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (submission_id) DO UPDATE SET content_type = excluded.content_type, \
                 bytes = excluded.bytes, sha256 = excluded.sha256, \
                 uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
            )
            .bind(submission_id)
            .bind(&cover.content_type)
            .bind(&cover.bytes)
            .bind(&cover.sha256)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<(), StoreError>(())
        })
    }

    pub async fn cover(&self, submission_id: i64) -> Result<Option<Cover>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT content_type, bytes, sha256 FROM submission_covers WHERE submission_id = $1"
        )
        .bind(submission_id)
        .fetch_optional(p)
        .await?))
    }

    /// The sha256 of each submission's cover in the event (to link it).
    pub async fn cover_hashes(&self, event_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT c.submission_id, c.sha256 FROM submission_covers c \
             JOIN submissions s ON s.id = c.submission_id WHERE s.event_id = $1"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }
}
