//! Submissions: one per team per event, saved with optimistic concurrency
//! and every attempt kept; extensions of a team's deadline.
//!
//! A save is one transaction: it locks the team's submission row (a no-op
//! `UPDATE`), compares versions, and either writes the next version with a
//! conditional `UPDATE … WHERE version = base` or, when someone saved in
//! between, keeps the losing text as a non-accepted version and answers
//! with the current one. The first save inserts the row; two first saves
//! at once meet the `UNIQUE (event_id, team_id)` constraint and the loser
//! is answered the same way.

use super::outbox::{Mail, enqueue};
use super::{Store, StoreError, audit, on_pool, write_tx};
use chrono::{DateTime, Utc};

/// A team's submission as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSubmission {
    pub id: i64,
    pub event_id: i64,
    pub team_id: Option<i64>,
    pub version: i64,
    /// `draft` or `submitted`.
    pub status: String,
    pub title: String,
    /// JSON of `SubmissionContent`.
    pub content: String,
    pub content_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

/// One saved (or losing) version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubmissionVersion {
    pub version: i64,
    pub accepted: bool,
    pub status: String,
    pub content: String,
    pub content_hash: String,
    pub saved_by: Option<String>,
    pub saved_at: i64,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Saved as this version.
    Saved {
        id: i64,
        version: i64,
        status: String,
    },
    /// Someone saved first: this is the current submission; the caller's
    /// text was kept as a version that did not become current.
    Conflict(Box<StoredSubmission>),
}

/// A save, as the caller words it.
pub struct SaveRequest<'a> {
    pub event_id: i64,
    pub team_id: i64,
    /// The version the text was edited from (0: none yet).
    pub base_version: i64,
    pub title: &'a str,
    pub content: &'a str,
    pub content_hash: &'a str,
    pub submit: bool,
    pub user_id: i64,
    pub now: DateTime<Utc>,
    /// Receipts to queue when the save submits.
    pub receipts: &'a [Mail],
}

const COLUMNS: &str = "id, event_id, team_id, version, status, title, content, content_hash, \
     created_at, updated_at, submitted_at";

impl Store {
    pub async fn submission_of_team(
        &self,
        event_id: i64,
        team_id: i64,
    ) -> Result<Option<StoredSubmission>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM submissions WHERE event_id = $1 AND team_id = $2");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(team_id)
            .fetch_optional(p)
            .await?))
    }

    pub async fn submission_by_id(&self, id: i64) -> Result<Option<StoredSubmission>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM submissions WHERE id = $1");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?))
    }

    /// Every submission of the event, oldest first.
    pub async fn submissions(&self, event_id: i64) -> Result<Vec<StoredSubmission>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM submissions WHERE event_id = $1 ORDER BY id");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    /// Saves (and possibly submits) a team's submission; see the module.
    pub async fn save_submission(&self, r: &SaveRequest<'_>) -> Result<Saved, StoreError> {
        match self.save_once(r).await {
            // Another first save created the row at the same moment: now
            // there is a row, and this save is compared against it.
            Err(StoreError::Conflict { .. }) if r.base_version == 0 => self.save_once(r).await,
            other => other,
        }
    }

    async fn save_once(&self, r: &SaveRequest<'_>) -> Result<Saved, StoreError> {
        let now = r.now.timestamp_millis();
        let select = format!(
            "UPDATE submissions SET version = version WHERE event_id = $1 AND team_id = $2 \
             RETURNING {COLUMNS}"
        );
        write_tx!(self, |tx| {
            let current: Option<StoredSubmission> = sqlx::query_as(&select)
                .bind(r.event_id)
                .bind(r.team_id)
                .fetch_optional(&mut *tx)
                .await?;
            let status = if r.submit { "submitted" } else { "draft" };
            // A labeled block, not `return`: the losing text must be
            // committed too (`return` would leave the transaction unfinished).
            let outcome = 'save: {
                let (id, version, status) = match current {
                    None if r.base_version == 0 => {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO submissions (event_id, team_id, version, status, title, \
                         content, content_hash, created_at, updated_at, submitted_at) \
                         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
                        )
                        .bind(r.event_id)
                        .bind(r.team_id)
                        .bind(status)
                        .bind(r.title)
                        .bind(r.content)
                        .bind(r.content_hash)
                        .bind(now)
                        .bind(r.submit.then_some(now))
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, 1, status.to_owned())
                    }
                    None => return Err(StoreError::NotFound),
                    Some(cur) if cur.version != r.base_version => {
                        sqlx::query(
                            "INSERT INTO submission_versions (submission_id, version, accepted, \
                         status, content, content_hash, saved_by, saved_at) \
                         VALUES ($1, $2, FALSE, $3, $4, $5, $6, $7)",
                        )
                        .bind(cur.id)
                        .bind(r.base_version)
                        .bind(status)
                        .bind(r.content)
                        .bind(r.content_hash)
                        .bind(r.user_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        break 'save Saved::Conflict(Box::new(cur));
                    }
                    Some(cur) => {
                        // Once submitted, a submission stays submitted.
                        let (version, status): (i64, String) = sqlx::query_as(
                        "UPDATE submissions SET version = version + 1, title = $3, content = $4, \
                         content_hash = $5, updated_at = $6, \
                         status = CASE WHEN $7 THEN 'submitted' ELSE status END, \
                         submitted_at = CASE WHEN $7 THEN $6 ELSE submitted_at END \
                         WHERE id = $1 AND version = $2 RETURNING version, status",
                    )
                    .bind(cur.id)
                    .bind(r.base_version)
                    .bind(r.title)
                    .bind(r.content)
                    .bind(r.content_hash)
                    .bind(now)
                    .bind(r.submit)
                    .fetch_one(&mut *tx)
                    .await?;
                        (cur.id, version, status)
                    }
                };
                sqlx::query(
                    "INSERT INTO submission_versions (submission_id, version, accepted, status, \
                 content, content_hash, saved_by, saved_at) \
                 VALUES ($1, $2, TRUE, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(version)
                .bind(&status)
                .bind(r.content)
                .bind(r.content_hash)
                .bind(r.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                // Every accepted save asks for an eligibility check, in the
                // same transaction: no saved submission goes unchecked.
                sqlx::query(super::eligibility::REQUEST_CHECK)
                    .bind(id)
                    .bind(r.event_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if r.submit {
                    for mail in r.receipts {
                        enqueue!(tx, mail, now);
                    }
                }
                Saved::Saved {
                    id,
                    version,
                    status,
                }
            };
            Ok::<Saved, StoreError>(outcome)
        })
    }

    /// Every version of a submission, accepted or not, oldest first.
    pub async fn submission_versions(
        &self,
        submission_id: i64,
    ) -> Result<Vec<SubmissionVersion>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT v.version, v.accepted, v.status, v.content, v.content_hash, \
             u.display_name AS saved_by, v.saved_at \
             FROM submission_versions v LEFT JOIN users u ON u.id = v.saved_by \
             WHERE v.submission_id = $1 ORDER BY v.id"
        )
        .bind(submission_id)
        .fetch_all(p)
        .await?))
    }

    /// Extends one team's deadline until `until`, with the reason in the
    /// audit log (a later grant replaces an earlier one).
    #[allow(clippy::too_many_arguments)]
    pub async fn grant_extension(
        &self,
        event_id: i64,
        team_id: i64,
        until: DateTime<Utc>,
        reason: &str,
        actor: i64,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO submission_extensions (event_id, team_id, until_at, reason, \
                 granted_by, granted_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (event_id, team_id) DO UPDATE SET until_at = excluded.until_at, \
                 reason = excluded.reason, granted_by = excluded.granted_by, \
                 granted_at = excluded.granted_at",
            )
            .bind(event_id)
            .bind(team_id)
            .bind(until.timestamp_millis())
            .bind(reason)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit!(tx; event_id, actor, "submission_extended", detail, reason, now);
            Ok::<(), StoreError>(())
        })
    }

    /// Keeps a save that could not be applied, so the form can show it
    /// again; its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn keep_attempt(
        &self,
        event_id: i64,
        team_id: i64,
        user_id: i64,
        base_version: i64,
        submit: bool,
        content: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO submission_attempts (event_id, team_id, user_id, base_version, submit, \
             content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(event_id)
        .bind(team_id)
        .bind(user_id)
        .bind(base_version)
        .bind(submit)
        .bind(content)
        .bind(now.timestamp_millis())
        .fetch_one(p)
        .await?))
    }

    /// A kept attempt of this team: (base version, submit, content).
    pub async fn attempt(
        &self,
        event_id: i64,
        team_id: i64,
        id: i64,
    ) -> Result<Option<(i64, bool, String)>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT base_version, submit, content FROM submission_attempts \
             WHERE id = $1 AND event_id = $2 AND team_id = $3"
        )
        .bind(id)
        .bind(event_id)
        .bind(team_id)
        .fetch_optional(p)
        .await?))
    }

    /// The end of a team's extension, if it has one.
    pub async fn extension_of(
        &self,
        event_id: i64,
        team_id: i64,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let until: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT until_at FROM submission_extensions WHERE event_id = $1 AND team_id = $2"
        )
        .bind(event_id)
        .bind(team_id)
        .fetch_optional(p)
        .await?);
        Ok(until.and_then(DateTime::from_timestamp_millis))
    }
}
