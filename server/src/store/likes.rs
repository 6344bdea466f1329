//! Likes: one live like per account per submitted project, refused in the
//! same statement once the cutoff has passed or the snapshot exists, and
//! the snapshot taken once, after every like in flight has finished.

use super::{Engine, Store, StoreError, on_pool, write_tx};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What a like did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liked {
    Liked,
    /// The account already likes it (nothing changed).
    Already,
    /// The cutoff has passed or the counts are frozen.
    Closed,
    /// No such submitted project in the event.
    NoProject,
}

/// One project's frozen count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FrozenCount {
    pub submission_id: i64,
    pub likes: i64,
    pub rank: i64,
}

/// The frozen counts with their hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikeSnapshot {
    pub cutoff_at: i64,
    pub taken_at: i64,
    /// Canonical JSON of the counts, as hashed.
    pub counts: String,
    pub sha256: String,
}

impl LikeSnapshot {
    pub fn counts(&self) -> Vec<FrozenCount> {
        serde_json::from_str(&self.counts).unwrap_or_default()
    }
}

/// SHA-256 of a text, in hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Likes a submitted project of the event for `user_id`, if `now` is
    /// before `cutoff` and no snapshot exists — checked in the INSERT
    /// itself.
    #[allow(clippy::too_many_arguments)]
    pub async fn like(
        &self,
        event_id: i64,
        submission_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
        cutoff: DateTime<Utc>,
        client_hash: &str,
        agent_hash: &str,
    ) -> Result<Liked, StoreError> {
        let (now_ms, cutoff_ms) = (now.timestamp_millis(), cutoff.timestamp_millis());
        let inserted: Result<u64, StoreError> = async {
            write_tx!(self, |tx| {
                let r = sqlx::query(
                    "INSERT INTO likes (event_id, submission_id, user_id, created_at, \
                     client_hash, agent_hash) \
                     SELECT $1, s.id, $3, $4, $6, $7 FROM submissions s \
                     WHERE s.id = $2 AND s.event_id = $1 AND s.status = 'submitted' \
                     AND $4 < $5 \
                     AND NOT EXISTS (SELECT 1 FROM like_snapshots WHERE event_id = $1)",
                )
                .bind(event_id)
                .bind(submission_id)
                .bind(user_id)
                .bind(now_ms)
                .bind(cutoff_ms)
                .bind(client_hash)
                .bind(agent_hash)
                .execute(&mut *tx)
                .await?;
                Ok::<u64, StoreError>(r.rows_affected())
            })
        }
        .await;
        match inserted {
            Ok(1) => Ok(Liked::Liked),
            Ok(_) => {
                let submitted: Option<String> = on_pool!(self, |p| sqlx::query_scalar(
                    "SELECT status FROM submissions WHERE id = $1 AND event_id = $2"
                )
                .bind(submission_id)
                .bind(event_id)
                .fetch_optional(p)
                .await?);
                if submitted.as_deref() != Some("submitted") {
                    Ok(Liked::NoProject)
                } else {
                    Ok(Liked::Closed)
                }
            }
            Err(StoreError::Conflict { .. }) => Ok(Liked::Already),
            Err(e) => Err(e),
        }
    }

    /// Withdraws the account's like, before the cutoff and the snapshot.
    /// True if a like was withdrawn.
    pub async fn unlike(
        &self,
        event_id: i64,
        submission_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
        cutoff: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = on_pool!(self, |p| sqlx::query(
            "UPDATE likes SET withdrawn_at = $4 WHERE event_id = $1 AND submission_id = $2 \
             AND user_id = $3 AND withdrawn_at IS NULL AND voided_at IS NULL AND $4 < $5 \
             AND NOT EXISTS (SELECT 1 FROM like_snapshots WHERE event_id = $1)"
        )
        .bind(event_id)
        .bind(submission_id)
        .bind(user_id)
        .bind(now.timestamp_millis())
        .bind(cutoff.timestamp_millis())
        .execute(p)
        .await?
        .rows_affected());
        Ok(r == 1)
    }

    /// Live like counts per submitted project of the event, most first.
    pub async fn like_counts(&self, event_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT s.id, COUNT(l.id) FROM submissions s \
             LEFT JOIN likes l ON l.submission_id = s.id AND l.withdrawn_at IS NULL \
             AND l.voided_at IS NULL \
             WHERE s.event_id = $1 AND s.status = 'submitted' \
             GROUP BY s.id ORDER BY COUNT(l.id) DESC, s.id"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }

    /// Freezes the counts once: after it, likes and withdrawals are
    /// refused. Waits for likes in flight. Returns the snapshot (the
    /// existing one if it was taken before).
    pub async fn take_like_snapshot(
        &self,
        event_id: i64,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<LikeSnapshot, StoreError> {
        let engine = self.engine();
        let taken: Option<LikeSnapshot> = write_tx!(self, |tx| {
            if engine == Engine::Postgres {
                // Waits for every like being written; blocks new ones
                // until this commits (they then see the snapshot).
                sqlx::query("LOCK TABLE likes IN SHARE MODE")
                    .execute(&mut *tx)
                    .await?;
            }
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT event_id FROM like_snapshots WHERE event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if exists.is_some() {
                Ok::<Option<LikeSnapshot>, StoreError>(None)
            } else {
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT s.id, COUNT(l.id) FROM submissions s \
                     LEFT JOIN likes l ON l.submission_id = s.id AND l.withdrawn_at IS NULL \
                     AND l.voided_at IS NULL \
                     WHERE s.event_id = $1 AND s.status = 'submitted' \
                     GROUP BY s.id ORDER BY COUNT(l.id) DESC, s.id",
                )
                .bind(event_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut counts = Vec::with_capacity(rows.len());
                let mut rank = 0;
                let mut previous = None;
                for (i, (id, likes)) in rows.into_iter().enumerate() {
                    if previous != Some(likes) {
                        rank = i as i64 + 1;
                        previous = Some(likes);
                    }
                    counts.push(FrozenCount {
                        submission_id: id,
                        likes,
                        rank,
                    });
                }
                let text = serde_json::to_string(&counts)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let snapshot = LikeSnapshot {
                    cutoff_at: cutoff.timestamp_millis(),
                    taken_at: now.timestamp_millis(),
                    sha256: sha256_hex(&text),
                    counts: text,
                };
                sqlx::query(
                    "INSERT INTO like_snapshots (event_id, cutoff_at, taken_at, counts, sha256) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(event_id)
                .bind(snapshot.cutoff_at)
                .bind(snapshot.taken_at)
                .bind(&snapshot.counts)
                .bind(&snapshot.sha256)
                .execute(&mut *tx)
                .await?;
                Ok(Some(snapshot))
            }
        })?;
        match taken {
            Some(s) => Ok(s),
            None => self
                .like_snapshot(event_id)
                .await?
                .ok_or(StoreError::NotFound),
        }
    }

    pub async fn like_snapshot(&self, event_id: i64) -> Result<Option<LikeSnapshot>, StoreError> {
        let row: Option<(i64, i64, String, String)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT cutoff_at, taken_at, counts, sha256 FROM like_snapshots WHERE event_id = $1"
        )
        .bind(event_id)
        .fetch_optional(p)
        .await?);
        Ok(
            row.map(|(cutoff_at, taken_at, counts, sha256)| LikeSnapshot {
                cutoff_at,
                taken_at,
                counts,
                sha256,
            }),
        )
    }
}
