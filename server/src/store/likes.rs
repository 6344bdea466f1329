//! Likes: one live like per account per submitted project, refused in the
//! same statement once the cutoff has passed or the snapshot exists, and
//! the snapshot taken once, after every like in flight has finished.

use super::{Engine, Store, StoreError, audit, on_pool, write_tx};
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
    /// The account is in the project's team.
    Own,
    /// The organizers voided this account's like of the project.
    Voided,
    /// The event lets only registered participants like.
    NotEligible,
    /// The event's definition changed since the revision the caller
    /// checked its rules against (nothing written: check again).
    Changed,
}

/// A like, as the caller words it.
pub struct LikeRequest<'a> {
    pub event_id: i64,
    /// The event's revision the caller's rules (window, who may like)
    /// come from: the like is written only if it is still current.
    pub revision: i64,
    pub submission_id: i64,
    pub user_id: i64,
    pub now: DateTime<Utc>,
    pub cutoff: DateTime<Utc>,
    /// Keyed hashes of the client's address and user agent.
    pub client_hash: &'a str,
    pub agent_hash: &'a str,
    /// Only registered participants may like.
    pub registered_only: bool,
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

/// A like waiting for the writer.
pub(super) struct QueuedLike {
    event_id: i64,
    revision: i64,
    submission_id: i64,
    user_id: i64,
    now_ms: i64,
    cutoff_ms: i64,
    client_hash: String,
    agent_hash: String,
    registered_only: bool,
    reply: tokio::sync::oneshot::Sender<Written>,
}

/// The queue of likes waiting for the writer.
pub(super) type LikeQueue = tokio::sync::mpsc::UnboundedSender<QueuedLike>;

/// The columns of a like to write, as the statement names them.
const LIKE_ROW: &str = "event_id, revision, submission_id, user_id, created_at, cutoff_at, client_hash, \
     agent_hash, registered_only";

/// Inserts the rows `r` that pass every check (each row its own); rows
/// the one-like index refuses are skipped; returns the pairs inserted.
///
/// The project's event is compared with `IS NOT DISTINCT FROM` (for these
/// NOT NULL columns the same as `=`): an equality would let PostgreSQL's
/// planner, before it has statistics of a fresh event, find the project
/// through the event's index (reading every project of the event for each
/// like; measured: 6 million rows read for 30,000 likes) instead of by its
/// primary key.
const LIKE_INSERT: &str = "INSERT INTO likes (event_id, submission_id, user_id, created_at, \
     client_hash, agent_hash) \
     SELECT r.event_id, s.id, r.user_id, r.created_at, r.client_hash, r.agent_hash \
     FROM r JOIN submissions s ON s.id = r.submission_id \
     WHERE s.event_id IS NOT DISTINCT FROM r.event_id \
     AND s.status = 'submitted' AND r.created_at < r.cutoff_at \
     AND EXISTS (SELECT 1 FROM events e WHERE e.id = r.event_id AND e.revision = r.revision) \
     AND NOT EXISTS (SELECT 1 FROM like_snapshots n WHERE n.event_id = r.event_id) \
     AND NOT EXISTS (SELECT 1 FROM team_members m \
         WHERE m.team_id = s.team_id AND m.user_id = r.user_id) \
     AND NOT EXISTS (SELECT 1 FROM likes v WHERE v.event_id = r.event_id \
         AND v.user_id = r.user_id AND v.submission_id = s.id \
         AND v.voided_at IS NOT NULL) \
     AND (r.registered_only = FALSE OR EXISTS (SELECT 1 FROM registrations g \
         WHERE g.event_id = r.event_id AND g.user_id = r.user_id \
         AND g.status = 'registered')) \
     ON CONFLICT DO NOTHING \
     RETURNING submission_id, user_id";

/// Likes written at most in one statement (9 parameters each).
const LIKE_BATCH: usize = 256;

/// What the writer answers for one like: whether it was inserted, and
/// the project's count read just after (when that read worked).
type Written = Result<(bool, Option<i64>), StoreError>;

/// Writes the queued likes, a batch at a time, until every store handle
/// is gone: each batch's one INSERT, then the counts and the answers
/// while the next batch is written. One batch at a time on both engines
/// (on PostgreSQL, four at once measured no faster, and two batches
/// taking the same likes in opposite orders could deadlock). A failed
/// batch is retried one like at a time, so one bad row (say, an account
/// deleted meanwhile) fails only itself.
async fn like_writer(store: Store, mut queue: tokio::sync::mpsc::UnboundedReceiver<QueuedLike>) {
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
    loop {
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::with_capacity(LIKE_BATCH);
        if queue.recv_many(&mut batch, LIKE_BATCH).await == 0 {
            return;
        }
        let store = store.clone_for_writer();
        tokio::spawn(async move {
            let written = store.insert_likes(&batch).await;
            drop(permit);
            match written {
                Ok(inserted) => answer_likes(store, batch, inserted).await,
                Err(_) if batch.len() > 1 => {
                    for l in batch {
                        match store.insert_likes(std::slice::from_ref(&l)).await {
                            Ok(inserted) => {
                                answer_likes(store.clone_for_writer(), vec![l], inserted).await
                            }
                            Err(e) => {
                                let _ = l.reply.send(Err(e));
                            }
                        }
                    }
                }
                Err(e) => {
                    if let Some(l) = batch.into_iter().next() {
                        let _ = l.reply.send(Err(e));
                    }
                }
            }
        });
    }
}

/// Answers each like of a written batch, with its project's count.
async fn answer_likes(
    store: Store,
    batch: Vec<QueuedLike>,
    mut inserted: std::collections::HashSet<(i64, i64)>,
) {
    let mut projects: Vec<i64> = batch
        .iter()
        .filter(|l| inserted.contains(&(l.submission_id, l.user_id)))
        .map(|l| l.submission_id)
        .collect();
    projects.sort_unstable();
    projects.dedup();
    let counts = store.counts_of(&projects).await.ok();
    for l in batch {
        // The same account may ask twice in one batch: the first asking
        // is answered "liked", the other "already".
        let first = inserted.remove(&(l.submission_id, l.user_id));
        let count = counts
            .as_ref()
            .filter(|_| first)
            .map(|c| c.get(&l.submission_id).copied().unwrap_or(0));
        let _ = l.reply.send(Ok((first, count)));
    }
}

impl Store {
    /// Likes a submitted project of the event, if `now` is before the
    /// cutoff, no snapshot exists, the account is not in the project's
    /// team and (when the event says so) is registered — all checked in
    /// the INSERT itself.
    pub async fn like(&self, r: &LikeRequest<'_>) -> Result<Liked, StoreError> {
        Ok(self.like_counted(r).await?.0)
    }

    /// [`Store::like`], with the project's live count once it is written
    /// (when it was: `Liked` or `Already`).
    ///
    /// Likes arriving together are written together: they queue, and one
    /// writer task sends each batch as one INSERT (every row checked in
    /// the statement, duplicates skipped by the one-like-per-account
    /// index), then reads the batch's counts while the next batch is
    /// written — one commit for many likes. Each like's outcome is its own.
    pub async fn like_counted(
        &self,
        r: &LikeRequest<'_>,
    ) -> Result<(Liked, Option<i64>), StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let queued = QueuedLike {
            event_id: r.event_id,
            revision: r.revision,
            submission_id: r.submission_id,
            user_id: r.user_id,
            now_ms: r.now.timestamp_millis(),
            cutoff_ms: r.cutoff.timestamp_millis(),
            client_hash: r.client_hash.to_owned(),
            agent_hash: r.agent_hash.to_owned(),
            registered_only: r.registered_only,
            reply,
        };
        let queue = self.like_queue.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(like_writer(self.clone_for_writer(), rx));
            tx
        });
        let written = match queue.send(queued) {
            Ok(()) => answer
                .await
                .unwrap_or_else(|_| Err(StoreError::Corrupt("the like writer stopped".into()))),
            // The writer's runtime is gone (a store used across runtimes):
            // write this one alone.
            Err(tokio::sync::mpsc::error::SendError(q)) => {
                let inserted = self.insert_likes(std::slice::from_ref(&q)).await?;
                Ok((inserted.contains(&(q.submission_id, q.user_id)), None))
            }
        }?;
        match written {
            (true, Some(count)) => Ok((Liked::Liked, Some(count))),
            (true, None) => Ok((Liked::Liked, Some(self.like_count(r.submission_id).await?))),
            (false, _) => {
                let why = self.why_not_liked(r).await?;
                let count = if why == Liked::Already {
                    Some(self.like_count(r.submission_id).await?)
                } else {
                    None
                };
                Ok((why, count))
            }
        }
    }

    /// Writes a batch of likes in one statement (its own transaction; on
    /// SQLite in the writers' turn): the (project, account) pairs it
    /// inserted; the others were skipped by the statement's checks or the
    /// one-like index.
    async fn insert_likes(
        &self,
        batch: &[QueuedLike],
    ) -> Result<std::collections::HashSet<(i64, i64)>, StoreError> {
        // One statement is one transaction on both engines (SQLite takes
        // the write lock when the statement starts, as BEGIN IMMEDIATE
        // would). The rows come as VALUES on SQLite (in-process: a new
        // statement per batch size costs little), as arrays on PostgreSQL
        // (one statement, prepared once per connection, for every size).
        let inserted: Vec<(i64, i64)> = match &self.pool {
            super::Pool::Sqlite(p) => {
                let rows = (0..batch.len())
                    .map(|i| {
                        let b = i * 9;
                        format!(
                            "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), \
                             CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), \
                             CAST(${} AS TEXT), CAST(${} AS TEXT), CAST(${} AS BOOLEAN))",
                            b + 1,
                            b + 2,
                            b + 3,
                            b + 4,
                            b + 5,
                            b + 6,
                            b + 7,
                            b + 8,
                            b + 9
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("WITH r ({LIKE_ROW}) AS (VALUES {rows}) {LIKE_INSERT}");
                let mut q = sqlx::query_as(&sql);
                for l in batch {
                    q = q
                        .bind(l.event_id)
                        .bind(l.revision)
                        .bind(l.submission_id)
                        .bind(l.user_id)
                        .bind(l.now_ms)
                        .bind(l.cutoff_ms)
                        .bind(&l.client_hash)
                        .bind(&l.agent_hash)
                        .bind(l.registered_only);
                }
                // SQLite's writers take turns.
                let _turn = self.writer.lock().await;
                q.fetch_all(self.sqlite_writer(p)).await?
            }
            super::Pool::Postgres(p) => {
                let sql = format!(
                    "WITH r ({LIKE_ROW}) AS (SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], \
                     $3::BIGINT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[], $7::TEXT[], \
                     $8::TEXT[], $9::BOOLEAN[])) {LIKE_INSERT}"
                );
                let column = |f: fn(&QueuedLike) -> i64| batch.iter().map(f).collect::<Vec<i64>>();
                sqlx::query_as(&sql)
                    .bind(column(|l| l.event_id))
                    .bind(column(|l| l.revision))
                    .bind(column(|l| l.submission_id))
                    .bind(column(|l| l.user_id))
                    .bind(column(|l| l.now_ms))
                    .bind(column(|l| l.cutoff_ms))
                    .bind(
                        batch
                            .iter()
                            .map(|l| l.client_hash.clone())
                            .collect::<Vec<_>>(),
                    )
                    .bind(
                        batch
                            .iter()
                            .map(|l| l.agent_hash.clone())
                            .collect::<Vec<_>>(),
                    )
                    .bind(batch.iter().map(|l| l.registered_only).collect::<Vec<_>>())
                    .fetch_all(p)
                    .await?
            }
        };
        Ok(inserted.into_iter().collect())
    }

    /// The live counts of some projects.
    async fn counts_of(
        &self,
        projects: &[i64],
    ) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
        if projects.is_empty() {
            return Ok(Default::default());
        }
        const LIVE: &str = "AND withdrawn_at IS NULL AND voided_at IS NULL GROUP BY submission_id";
        let rows: Vec<(i64, i64)> = match &self.pool {
            super::Pool::Sqlite(p) => {
                let list = (1..=projects.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "SELECT submission_id, COUNT(*) FROM likes \
                     WHERE submission_id IN ({list}) {LIVE}"
                );
                let mut q = sqlx::query_as(&sql);
                for id in projects {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            }
            super::Pool::Postgres(p) => {
                let sql = format!(
                    "SELECT submission_id, COUNT(*) FROM likes \
                     WHERE submission_id = ANY($1::BIGINT[]) {LIVE}"
                );
                sqlx::query_as(&sql)
                    .bind(projects.to_vec())
                    .fetch_all(p)
                    .await?
            }
        };
        Ok(rows.into_iter().collect())
    }

    /// Why a like was not written (the reads only explain; the INSERT
    /// decided).
    async fn why_not_liked(&self, r: &LikeRequest<'_>) -> Result<Liked, StoreError> {
        let revision: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT revision FROM events WHERE id = $1"
        )
        .bind(r.event_id)
        .fetch_optional(p)
        .await?);
        if revision != Some(r.revision) {
            return Ok(Liked::Changed);
        }
        let project: Option<(String, Option<i64>)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT status, team_id FROM submissions WHERE id = $1 AND event_id = $2"
        )
        .bind(r.submission_id)
        .bind(r.event_id)
        .fetch_optional(p)
        .await?);
        let Some((_, team)) = project.filter(|(s, _)| s == "submitted") else {
            return Ok(Liked::NoProject);
        };
        let own: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT team_id FROM team_members WHERE team_id = $1 AND user_id = $2"
        )
        .bind(team.unwrap_or(-1))
        .bind(r.user_id)
        .fetch_optional(p)
        .await?);
        if own.is_some() {
            return Ok(Liked::Own);
        }
        let (live, voided): (i64, i64) = on_pool!(self, |p| sqlx::query_as(
            "SELECT COUNT(CASE WHEN voided_at IS NULL AND withdrawn_at IS NULL THEN 1 END), \
             COUNT(CASE WHEN voided_at IS NOT NULL THEN 1 END) \
             FROM likes WHERE event_id = $3 AND user_id = $2 AND submission_id = $1"
        )
        .bind(r.submission_id)
        .bind(r.user_id)
        .bind(r.event_id)
        .fetch_one(p)
        .await?);
        if voided > 0 {
            return Ok(Liked::Voided);
        }
        if r.now >= r.cutoff || self.like_snapshot(r.event_id).await?.is_some() {
            return Ok(Liked::Closed);
        }
        if live > 0 || !r.registered_only {
            return Ok(Liked::Already);
        }
        Ok(Liked::NotEligible)
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
                // until this commits (they then see the snapshot). SHARE
                // ROW EXCLUSIVE also conflicts with itself: two instances
                // freezing at once take turns, and the second finds the
                // first's snapshot.
                sqlx::query("LOCK TABLE likes IN SHARE ROW EXCLUSIVE MODE")
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

    /// The live count of one project.
    pub async fn like_count(&self, submission_id: i64) -> Result<i64, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM likes WHERE submission_id = $1 \
             AND withdrawn_at IS NULL AND voided_at IS NULL"
        )
        .bind(submission_id)
        .fetch_one(p)
        .await?))
    }

    /// The projects the account likes now.
    pub async fn liked_by(&self, event_id: i64, user_id: i64) -> Result<Vec<i64>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT submission_id FROM likes WHERE event_id = $1 AND user_id = $2 \
             AND withdrawn_at IS NULL AND voided_at IS NULL"
        )
        .bind(event_id)
        .bind(user_id)
        .fetch_all(p)
        .await?))
    }

    /// Per submitted project: live count and when its latest counted like
    /// arrived (it reached its count then), counting likes made before
    /// `until`.
    pub async fn like_stats(
        &self,
        event_id: i64,
        until: DateTime<Utc>,
    ) -> Result<Vec<LikeStat>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT s.id AS submission_id, COUNT(l.id) AS likes, MAX(l.created_at) AS reached_at \
             FROM submissions s LEFT JOIN likes l ON l.submission_id = s.id \
             AND l.withdrawn_at IS NULL AND l.voided_at IS NULL AND l.created_at < $2 \
             WHERE s.event_id = $1 AND s.status = 'submitted' GROUP BY s.id"
        )
        .bind(event_id)
        .bind(until.timestamp_millis())
        .fetch_all(p)
        .await?))
    }

    /// Likes voided after the snapshot was taken that the snapshot counted,
    /// per project: the frozen count minus these is the adjusted count.
    pub async fn voided_after_snapshot(
        &self,
        event_id: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT l.submission_id, COUNT(*) FROM likes l \
             JOIN like_snapshots z ON z.event_id = l.event_id \
             WHERE l.event_id = $1 AND l.voided_at >= z.taken_at AND l.created_at < z.taken_at \
             AND (l.withdrawn_at IS NULL OR l.withdrawn_at >= z.taken_at) \
             GROUP BY l.submission_id"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }

    /// Every like of the event with who made it, for the integrity review.
    pub async fn like_log(&self, event_id: i64) -> Result<Vec<LikeLogRow>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT l.id, l.submission_id, l.user_id, u.display_name, u.created_at AS account_created_at, \
             l.created_at, l.client_hash, l.agent_hash, l.withdrawn_at, l.voided_at, l.void_reason \
             FROM likes l JOIN users u ON u.id = l.user_id WHERE l.event_id = $1 ORDER BY l.id"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?
        }))
    }

    /// Voids likes of the event (never deletes them), with the reason in
    /// the audit log; how many were voided.
    pub async fn void_likes(
        &self,
        event_id: i64,
        ids: &[i64],
        reason: &str,
        actor: i64,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let mut voided = 0;
            for id in ids {
                voided += sqlx::query(
                    "UPDATE likes SET voided_at = $3, void_reason = $4, voided_by = $5 \
                     WHERE id = $1 AND event_id = $2 AND voided_at IS NULL",
                )
                .bind(id)
                .bind(event_id)
                .bind(now)
                .bind(reason)
                .bind(actor)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            if voided > 0 {
                let mut listed: Vec<String> = ids.iter().map(i64::to_string).collect();
                listed.truncate(200);
                let detail = format!("{voided} like(s) voided: {}", listed.join(", "));
                audit!(tx; event_id, actor, "likes_voided", &detail, reason, now);
            }
            Ok::<u64, StoreError>(voided)
        })
    }

    /// The confirmed wild card, if any.
    pub async fn wild_card(&self, event_id: i64) -> Result<Option<WildCard>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT w.submission_id, w.likes, u.display_name AS confirmed_by, w.confirmed_at \
             FROM wild_cards w LEFT JOIN users u ON u.id = w.confirmed_by WHERE w.event_id = $1"
        )
        .bind(event_id)
        .fetch_optional(p)
        .await?))
    }

    /// Confirms the wild card once (the first confirmation stands); the
    /// audit log has it. False if one was confirmed before.
    pub async fn confirm_wild_card(
        &self,
        event_id: i64,
        submission_id: i64,
        likes: i64,
        actor: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let first = sqlx::query(
                "INSERT INTO wild_cards (event_id, submission_id, likes, confirmed_by, confirmed_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(submission_id)
            .bind(likes)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if first {
                let detail = format!("submission {submission_id} with {likes} like(s)");
                audit!(tx; event_id, actor, "wild_card_confirmed", &detail, "", now);
            }
            Ok::<bool, StoreError>(first)
        })
    }
}

/// One project's live likes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LikeStat {
    pub submission_id: i64,
    pub likes: i64,
    pub reached_at: Option<i64>,
}

/// One like, for the integrity review.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LikeLogRow {
    pub id: i64,
    pub submission_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub account_created_at: i64,
    pub created_at: i64,
    pub client_hash: String,
    pub agent_hash: String,
    pub withdrawn_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
}

/// The confirmed wild-card finalist.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WildCard {
    pub submission_id: i64,
    pub likes: i64,
    pub confirmed_by: Option<String>,
    pub confirmed_at: i64,
}
