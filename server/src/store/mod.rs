//! The only place SQL lives.
//!
//! One `Store` serves SQLite (the embedded default) and PostgreSQL (the
//! scale-out engine). Statements are written once in the portable subset both
//! understand (`$1` placeholders, `RETURNING`, BIGINT milliseconds for
//! instants) and run on whichever pool is configured; each engine has its own
//! migrations under `migrations/`. The contract suite in
//! `tests/tests/store_contract.rs` runs every function here on both.

pub mod accounts;
mod credits;
pub mod eligibility;
mod events;
mod likes;
mod outbox;
mod registrations;
mod submissions;
mod teams;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

pub use accounts::{ApiToken, NewIdentity, RevokeOutcome, Role, User};
pub use credits::{Assignment, Claimed, CreditCandidate, HeldCode, Imported, Owner, Stock};
pub use events::StoredEvent;
pub use likes::{
    FrozenCount, LikeLogRow, LikeRequest, LikeSnapshot, LikeStat, Liked, WildCard, sha256_hex,
};
pub use outbox::{Mail, OutboxMessage};
pub use registrations::{HfOrgStatus, Invite, MailFor};
pub use registrations::{RegisterOutcome, Registration, RegistrationFilter, RegistrationStatus};
pub use submissions::{SaveRequest, Saved, StoredSubmission, SubmissionVersion};
pub use teams::{AuditEntry, Left, Seeker, Team, TeamMember, TeamRequest, ZoneMove};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// What went wrong in the store, in the terms the layers above need.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or check constraint refused the write.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// A row could not be turned back into a domain value (should never
    /// happen: everything is validated before it is written).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("unsupported database URL (use sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Database(sqlx::Error),
    /// A rule refused the change (said in words for the person).
    #[error("{0}")]
    Refused(hackboard_domain::team::TeamError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return StoreError::NotFound;
        }
        if let Some(db) = e.as_database_error()
            && (db.is_unique_violation() || db.is_check_violation())
        {
            let constraint = db
                .constraint()
                .map(str::to_owned)
                .unwrap_or_else(|| db.message().to_owned());
            return StoreError::Conflict { constraint };
        }
        StoreError::Database(e)
    }
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same statement text on whichever pool this store has; the body is
/// expanded once per engine so each arm is typed against its own driver.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Commits `$tx` if `$body` (evaluated first) is `Ok`; an `Err` drops the
/// transaction, which rolls it back.
macro_rules! commit_if_ok {
    ($tx:ident, $body:expr) => {{
        let out = $body;
        match out {
            Ok(v) => {
                $tx.commit().await?;
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }};
}
pub(crate) use commit_if_ok;

/// Runs `$body` in a write transaction that cannot race: `BEGIN IMMEDIATE`
/// on SQLite (the write lock is taken up front; a deferred transaction that
/// upgrades later fails with "database is locked" under load), a plain
/// transaction on PostgreSQL, where the body takes the row locks it needs.
/// `$tx` is bound to the transaction; the body returns `Result<T, StoreError>`.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(p) => {
                // Writers queue here, in order, rather than in SQLite's
                // busy handler (which sleeps and retries, unfairly).
                let _turn = $store.writer.lock().await;
                let mut $tx = $store
                    .sqlite_writer(p)
                    .begin_with("BEGIN IMMEDIATE")
                    .await?;
                $crate::store::commit_if_ok!($tx, $body)
            }
            $crate::store::Pool::Postgres(p) => {
                let mut $tx = p.begin().await?;
                $crate::store::commit_if_ok!($tx, $body)
            }
        }
    };
}
pub(crate) use write_tx;

/// Writes one line of the event's audit log in the transaction `$tx`:
/// `audit!(tx; event_id, actor_id, "action", detail, reason, now_ms)`.
macro_rules! audit {
    ($tx:ident; $event_id:expr, $actor:expr, $action:expr, $detail:expr, $reason:expr, $now_ms:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (event_id, actor_id, action, detail, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($event_id)
        .bind($actor)
        .bind($action)
        .bind($detail)
        .bind($reason)
        .bind($now_ms)
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use audit;

/// How often SQLite's write-ahead log is copied back into the database
/// file, by a passive checkpoint on a reader connection, so that commits do
/// not do it in the writer's turn (measured: like storm 7,713-7,953 ->
/// 8,688-8,942 likes/s).
const SQLITE_CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Pages the write-ahead log may hold before a commit checkpoints it
/// itself: the backstop should the background checkpoint fall behind.
const SQLITE_CHECKPOINT_BACKSTOP_PAGES: &str = "10000";

/// The task that checkpoints SQLite's write-ahead log; aborted when the
/// last `Store` handle holding it is dropped.
#[derive(Debug)]
struct Checkpointer(tokio::task::AbortHandle);

impl Checkpointer {
    fn start(pool: SqlitePool) -> std::sync::Arc<Checkpointer> {
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(SQLITE_CHECKPOINT_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !pool.is_closed() {
                every.tick().await;
                // PASSIVE never waits for readers or the writer; what it
                // cannot copy now it copies next time (or the backstop does).
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                    && !pool.is_closed()
                {
                    tracing::warn!(error = %e, "SQLite checkpoint failed");
                }
            }
        });
        std::sync::Arc::new(Checkpointer(task.abort_handle()))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A handle on the database. Cheap to clone (it holds a pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite has one writer at a time: this process's writers take turns.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite: the one connection writers use in their turn.
    write_pool: Option<SqlitePool>,
    /// SQLite: copies the write-ahead log back into the database file
    /// beside the writer (stops with the last handle).
    checkpointer: Option<std::sync::Arc<Checkpointer>>,
    /// Likes waiting to be written together (the writer task starts with
    /// the first like).
    like_queue: std::sync::Arc<std::sync::OnceLock<likes::LikeQueue>>,
    /// Sessions seen and tokens used, waiting to be recorded together.
    touch_queue: std::sync::Arc<std::sync::OnceLock<accounts::TouchQueue>>,
}

impl Store {
    /// Connects to `url`: `sqlite:path/to/file.db` (created if missing; WAL,
    /// busy timeout, foreign keys on) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("wal_autocheckpoint", SQLITE_CHECKPOINT_BACKSTOP_PAGES);
            // No ping before each use: the file is local and a connection
            // cannot go stale, and the ping was a second round trip to the
            // connection's thread for every statement.
            let pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(8)
                .min_connections(1)
                .connect_with(options.clone())
                .await?;
            // Writers use one connection of their own: a connection drops
            // its page cache whenever another one wrote, so the writer's
            // cache stays warm only if every write in turn goes through it
            // (measured: like storm 7,103-7,210 -> 8,350-8,595 likes/s).
            let write_pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(1)
                .min_connections(1)
                .connect_with(options)
                .await?;
            let checkpointer = Checkpointer::start(pool.clone());
            Ok(Store {
                pool: Pool::Sqlite(pool),
                writer: Default::default(),
                write_pool: Some(write_pool),
                checkpointer: Some(checkpointer),
                like_queue: Default::default(),
                touch_queue: Default::default(),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No ping before each use (it doubled the round trips of
            // every statement); connections are recycled instead, and one
            // broken by a server restart fails one statement and is closed.
            let pool = PgPoolOptions::new()
                .test_before_acquire(false)
                .idle_timeout(Duration::from_secs(60))
                .max_lifetime(Duration::from_secs(30 * 60))
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(
                    // Notices ("relation _sqlx_migrations already exists,
                    // skipping" on every start) are not for the log.
                    PgConnectOptions::from_str(url)?.options([("client_min_messages", "warning")]),
                )
                .await?;
            Ok(Store {
                pool: Pool::Postgres(pool),
                writer: Default::default(),
                write_pool: None,
                checkpointer: None,
                like_queue: Default::default(),
                touch_queue: Default::default(),
            })
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    /// The handle the like and touch writers keep: it shares the pool and
    /// the writers' turn but not the queues, so a writer stops once every
    /// other handle is gone.
    fn clone_for_writer(&self) -> Store {
        Store {
            pool: self.pool.clone(),
            writer: self.writer.clone(),
            write_pool: self.write_pool.clone(),
            checkpointer: self.checkpointer.clone(),
            like_queue: Default::default(),
            touch_queue: Default::default(),
        }
    }

    /// The pool SQLite writers use in their turn (`readers` only for a
    /// store built without one).
    fn sqlite_writer<'a>(&'a self, readers: &'a SqlitePool) -> &'a SqlitePool {
        self.write_pool.as_ref().unwrap_or(readers)
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the embedded migrations of this engine. Safe to run from
    /// several instances at once (sqlx takes an advisory lock on PostgreSQL).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// A round trip to the database, for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await);
        if let Some(p) = &self.write_pool {
            p.close().await;
        }
    }
}
