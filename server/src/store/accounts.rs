//! Users and the ways they sign in; sessions, sign-in links, API tokens,
//! rate limits and roles.

use super::outbox::{Mail, enqueue};
use super::{Store, StoreError, on_pool, write_tx};
use chrono::{DateTime, Utc};

/// A person with an account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub time_zone: String,
    pub country: String,
    /// JSON array of strings.
    pub skills: String,
    pub github_handle: Option<String>,
    pub hf_handle: Option<String>,
    pub bio: String,
    pub is_admin: bool,
    pub created_at: i64,
}

/// What a sign-in tells us about the person (filled into a new account).
#[derive(Debug, Clone, Default)]
pub struct NewIdentity {
    /// `github`, `huggingface` or `email`.
    pub provider: String,
    /// The provider's immutable id (for email: the lowercased address).
    pub subject: String,
    pub login: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub github_handle: Option<String>,
    pub hf_handle: Option<String>,
}

/// What removing a role did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    /// The person did not have the role.
    NotHeld,
    /// Refused: they are the event's only organizer.
    LastOrganizer,
}

/// An event role beyond participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Judge,
    Organizer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Judge => "judge",
            Role::Organizer => "organizer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "judge" => Some(Role::Judge),
            "organizer" => Some(Role::Organizer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const USER_COLUMNS: &str = "id, display_name, email, time_zone, country, skills, github_handle, \
     hf_handle, bio, is_admin, created_at";

/// The user columns with a table alias (`u.id, u.display_name, …`).
fn user_columns_of(alias: &str) -> String {
    USER_COLUMNS
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An account with when its session or token was last recorded as used.
#[derive(sqlx::FromRow)]
struct Touched {
    #[sqlx(flatten)]
    user: User,
    touched_at: Option<i64>,
}

/// What a touch records: a session seen or an API token used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Touch {
    Session,
    ApiToken,
}

/// A touch waiting for the writer.
pub(super) struct QueuedTouch {
    what: Touch,
    hash: String,
    at: i64,
    done: tokio::sync::oneshot::Sender<Result<(), StoreError>>,
}

pub(super) type TouchQueue = tokio::sync::mpsc::UnboundedSender<QueuedTouch>;

/// Records the queued touches together: per batch, one UPDATE per kind
/// (each row moved forward only, to the batch's latest time), so ten
/// thousand accounts arriving at once cost a few statements, not ten
/// thousand commits. Each caller waits for its own touch to be written.
async fn touch_writer(store: Store, mut queue: tokio::sync::mpsc::UnboundedReceiver<QueuedTouch>) {
    let mut batch = Vec::with_capacity(512);
    while queue.recv_many(&mut batch, 512).await > 0 {
        let mut result = Ok(());
        for what in [Touch::Session, Touch::ApiToken] {
            let mut hashes: Vec<&str> = batch
                .iter()
                .filter(|t| t.what == what)
                .map(|t| t.hash.as_str())
                .collect();
            if hashes.is_empty() {
                continue;
            }
            hashes.sort_unstable();
            hashes.dedup();
            let at = batch.iter().filter(|t| t.what == what).map(|t| t.at).max();
            if let Err(e) = store.write_touches(what, &hashes, at.unwrap_or(0)).await {
                result = Err(e);
            }
        }
        for t in batch.drain(..) {
            let _ = t.done.send(match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError::Corrupt(format!("recording a touch: {e}"))),
            });
        }
    }
}

/// How stale a session's last-seen or a token's last-used time may get
/// before a request records it again.
const TOUCH_EVERY_MS: i64 = 60_000;

impl Store {
    /// Records that a session was seen or a token used at `at` (through
    /// the touch writer, with other touches arriving at the same time).
    async fn touch(&self, what: Touch, hash: &str, at: i64) -> Result<(), StoreError> {
        let queue = self.touch_queue.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            tokio::spawn(touch_writer(self.clone_for_writer(), rx));
            tx
        });
        let (done, wait) = tokio::sync::oneshot::channel();
        let queued = QueuedTouch {
            what,
            hash: hash.to_owned(),
            at,
            done,
        };
        match queue.send(queued) {
            Ok(()) => wait
                .await
                .unwrap_or_else(|_| Err(StoreError::Corrupt("the touch writer stopped".into()))),
            Err(tokio::sync::mpsc::error::SendError(q)) => {
                self.write_touches(what, &[q.hash.as_str()], at).await
            }
        }
    }

    async fn write_touches(&self, what: Touch, hashes: &[&str], at: i64) -> Result<(), StoreError> {
        let list = (2..hashes.len() + 2)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = match what {
            Touch::Session => format!(
                "UPDATE sessions SET last_seen_at = $1 WHERE id_hash IN ({list}) \
                 AND last_seen_at < $1"
            ),
            Touch::ApiToken => format!(
                "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash IN ({list}) \
                 AND (last_used_at IS NULL OR last_used_at < $1)"
            ),
        };
        write_tx!(self, |tx| {
            let mut q = sqlx::query(&sql).bind(at);
            for h in hashes {
                q = q.bind(*h);
            }
            q.execute(&mut *tx).await?;
            Ok::<(), StoreError>(())
        })
    }

    /// The account signed in with this identity, created (with the
    /// identity) if it is the first sign-in. Never merges accounts by email.
    /// Returns the user id and whether the account is new.
    pub async fn user_for_identity(
        &self,
        identity: &NewIdentity,
        now: DateTime<Utc>,
    ) -> Result<(i64, bool), StoreError> {
        // Two first sign-ins with one identity can both find nothing; the
        // identity's primary key lets one win and the other, retried, finds
        // the winner's account.
        let mut attempt = 0;
        loop {
            match self.user_for_identity_once(identity, now).await {
                Err(StoreError::Conflict { .. }) if attempt < 3 => attempt += 1,
                other => return other,
            }
        }
    }

    async fn user_for_identity_once(
        &self,
        identity: &NewIdentity,
        now: DateTime<Utc>,
    ) -> Result<(i64, bool), StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM identities WHERE provider = $1 AND subject = $2",
            )
            .bind(&identity.provider)
            .bind(&identity.subject)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = existing {
                // Keep handles fresh: they can change at the provider.
                sqlx::query(
                    "UPDATE identities SET login = $3 WHERE provider = $1 AND subject = $2",
                )
                .bind(&identity.provider)
                .bind(&identity.subject)
                .bind(&identity.login)
                .execute(&mut *tx)
                .await?;
                Ok((id, false))
            } else {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (display_name, email, github_handle, hf_handle, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&identity.display_name)
                .bind(&identity.email)
                .bind(&identity.github_handle)
                .bind(&identity.hf_handle)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO identities (provider, subject, user_id, login, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&identity.provider)
                .bind(&identity.subject)
                .bind(id)
                .bind(&identity.login)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Ok((id, true))
            }
        })
    }

    /// Links a further identity to a signed-in user. Fails with `Conflict`
    /// when the identity already belongs to another account.
    pub async fn link_identity(
        &self,
        user_id: i64,
        identity: &NewIdentity,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let owner: Option<i64> = sqlx::query_scalar(
                "SELECT user_id FROM identities WHERE provider = $1 AND subject = $2",
            )
            .bind(&identity.provider)
            .bind(&identity.subject)
            .fetch_optional(&mut *tx)
            .await?;
            match owner {
                Some(o) if o == user_id => Ok(()),
                Some(_) => Err(StoreError::Conflict {
                    constraint: "identities_pkey".into(),
                }),
                None => {
                    sqlx::query(
                        "INSERT INTO identities (provider, subject, user_id, login, created_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&identity.provider)
                    .bind(&identity.subject)
                    .bind(user_id)
                    .bind(&identity.login)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE users SET github_handle = COALESCE($2, github_handle), \
                         hf_handle = COALESCE($3, hf_handle), email = COALESCE(email, $4) \
                         WHERE id = $1",
                    )
                    .bind(user_id)
                    .bind(&identity.github_handle)
                    .bind(&identity.hf_handle)
                    .bind(&identity.email)
                    .execute(&mut *tx)
                    .await?;
                    Ok(())
                }
            }
        })
    }

    /// The providers a user can sign in with.
    pub async fn identities_of(
        &self,
        user_id: i64,
    ) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let rows: Vec<(String, Option<String>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT provider, login FROM identities WHERE user_id = $1 ORDER BY provider",
            )
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let user: Option<User> = on_pool!(self, |p| {
            sqlx::query_as(&sql).bind(id).fetch_optional(p).await?
        });
        Ok(user)
    }

    /// Accounts whose mail address is `email` (several may share one).
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 ORDER BY id");
        let users: Vec<User> = on_pool!(self, |p| {
            sqlx::query_as(&sql).bind(email).fetch_all(p).await?
        });
        Ok(users)
    }

    /// Accounts whose GitHub or Hugging Face handle is `handle` (any case).
    pub async fn users_by_handle(&self, handle: &str) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE LOWER(github_handle) = $1 \
             OR LOWER(hf_handle) = $1 ORDER BY id"
        );
        let users: Vec<User> = on_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(handle.trim_start_matches('@').to_lowercase())
                .fetch_all(p)
                .await?
        });
        Ok(users)
    }

    /// Saves the editable profile fields.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_profile(
        &self,
        user_id: i64,
        display_name: &str,
        time_zone: &str,
        country: &str,
        skills_json: &str,
        bio: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE users SET display_name = $2, time_zone = $3, country = $4, skills = $5, \
                 bio = $6 WHERE id = $1",
            )
            .bind(user_id)
            .bind(display_name)
            .bind(time_zone)
            .bind(country)
            .bind(skills_json)
            .bind(bio)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    pub async fn set_admin(&self, user_id: i64, admin: bool) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE users SET is_admin = $2 WHERE id = $1")
                .bind(user_id)
                .bind(admin)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    // ---- sessions ----------------------------------------------------

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $3, $4)",
            )
            .bind(id_hash)
            .bind(user_id)
            .bind(now)
            .bind(expires_at.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The user of a live session, touching it: one statement checks the
    /// absolute expiry and the inactivity timeout and records activity.
    pub async fn session_user(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_timeout_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .session_account(id_hash, now, idle_timeout_ms)
            .await?
            .map(|u| u.id))
    }

    /// The account of a live session, in one read (see `session_user`).
    pub async fn session_account(
        &self,
        id_hash: &str,
        now: DateTime<Utc>,
        idle_timeout_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        let now = now.timestamp_millis();
        let sql = format!(
            "SELECT {}, s.last_seen_at AS touched_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 \
             AND s.expires_at > $2 AND s.last_seen_at > $3",
            user_columns_of("u")
        );
        let found: Option<Touched> = on_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(id_hash)
                .bind(now)
                .bind(now - idle_timeout_ms)
                .fetch_optional(p)
                .await?
        });
        let Some(Touched { user, touched_at }) = found else {
            return Ok(None);
        };
        // The idle clock moves to the minute (see `TOUCH_EVERY_MS`).
        if touched_at.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
            self.touch(Touch::Session, id_hash, now).await?;
        }
        Ok(Some(user))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Signs a user out everywhere.
    pub async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        let n = on_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n)
    }

    // ---- sign-in links -----------------------------------------------

    /// Stores a sign-in link's token hash and queues its mail, atomically.
    pub async fn create_login_token(
        &self,
        token_hash: &str,
        email: &str,
        next_path: Option<&str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        mail: &Mail,
    ) -> Result<(), StoreError> {
        let now_ms = now.timestamp_millis();
        write_tx!(self, |tx| {
            sqlx::query(
                "INSERT INTO login_tokens (token_hash, email, next_path, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(email)
            .bind(next_path)
            .bind(now_ms)
            .bind(expires_at.timestamp_millis())
            .execute(&mut *tx)
            .await?;
            enqueue!(tx, mail, now_ms);
            Ok::<(), StoreError>(())
        })
    }

    /// Uses a sign-in link, once: returns its address and `next` path when
    /// it exists, is unused and has not expired, and marks it used in the
    /// same statement.
    pub async fn consume_login_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        let now = now.timestamp_millis();
        let row: Option<(String, Option<String>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "UPDATE login_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
                 AND expires_at > $2 RETURNING email, next_path",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(p)
            .await?
        });
        Ok(row)
    }

    // ---- rate limits ---------------------------------------------------

    /// Counts one hit in `bucket` for the window starting at `window_start`
    /// and returns the hits so far in it, in one statement.
    pub async fn rate_limit_hit(&self, bucket: &str, window_start: i64) -> Result<i64, StoreError> {
        let hits: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 \
                 RETURNING hits",
            )
            .bind(bucket)
            .bind(window_start)
            .fetch_one(p)
            .await?
        });
        Ok(hits)
    }

    /// Forgets windows that ended before `before`.
    pub async fn prune_rate_limits(&self, before: i64) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
                .bind(before)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    // ---- API tokens --------------------------------------------------------

    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let id: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user_id)
            .bind(name)
            .bind(token_hash)
            .bind(now.timestamp_millis())
            .fetch_one(p)
            .await?
        });
        Ok(id)
    }

    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows: Vec<ApiToken> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens \
                 WHERE user_id = $1 ORDER BY id",
            )
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Revokes one of the user's tokens; `false` if it is not theirs.
    pub async fn revoke_api_token(
        &self,
        user_id: i64,
        token_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let n = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 \
                 AND revoked_at IS NULL",
            )
            .bind(token_id)
            .bind(user_id)
            .bind(now.timestamp_millis())
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// The user a bearer token authenticates, recording its use.
    pub async fn api_token_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self.api_token_account(token_hash, now).await?.map(|u| u.id))
    }

    /// The account of a live API token, in one read (see `api_token_user`).
    pub async fn api_token_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let now = now.timestamp_millis();
        let sql = format!(
            "SELECT {}, t.last_used_at AS touched_at FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 \
             AND t.revoked_at IS NULL",
            user_columns_of("u")
        );
        let found: Option<Touched> = on_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(token_hash)
                .fetch_optional(p)
                .await?
        });
        let Some(Touched { user, touched_at }) = found else {
            return Ok(None);
        };
        // Recorded to the minute: a write on every request would make
        // every API call queue for the database's writer.
        if touched_at.is_none_or(|t| now - t >= TOUCH_EVERY_MS) {
            self.touch(Touch::ApiToken, token_hash, now).await?;
        }
        Ok(Some(user))
    }

    // ---- roles ---------------------------------------------------------------

    pub async fn grant_role(
        &self,
        event_id: i64,
        user_id: i64,
        role: Role,
        granted_by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO event_roles (event_id, user_id, role, granted_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, user_id, role) DO NOTHING",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(role.as_str())
            .bind(granted_by)
            .bind(now.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Removes a role. With `keep_one_organizer` (the web and the API) the
    /// event keeps at least one organizer: removing the last one is refused,
    /// atomically (the event row is locked first, so two organizers removing
    /// each other cannot both succeed). The platform admin's command line
    /// passes `false`.
    pub async fn revoke_role(
        &self,
        event_id: i64,
        user_id: i64,
        role: Role,
        keep_one_organizer: bool,
    ) -> Result<RevokeOutcome, StoreError> {
        write_tx!(self, |tx| {
            // A no-op write: a row lock on PostgreSQL (SQLite's BEGIN
            // IMMEDIATE already serializes writers).
            sqlx::query("UPDATE events SET updated_at = updated_at WHERE id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            if keep_one_organizer && role == Role::Organizer {
                let organizers: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM event_roles WHERE event_id = $1 AND role = 'organizer'",
                )
                .bind(event_id)
                .fetch_one(&mut *tx)
                .await?;
                let holds: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM event_roles WHERE event_id = $1 AND user_id = $2 \
                     AND role = 'organizer'",
                )
                .bind(event_id)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                if holds == 1 && organizers == 1 {
                    return Ok(RevokeOutcome::LastOrganizer);
                }
            }
            let n = sqlx::query(
                "DELETE FROM event_roles WHERE event_id = $1 AND user_id = $2 AND role = $3",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok::<RevokeOutcome, StoreError>(if n == 1 {
                RevokeOutcome::Revoked
            } else {
                RevokeOutcome::NotHeld
            })
        })
    }

    pub async fn roles_of(&self, event_id: i64, user_id: i64) -> Result<Vec<Role>, StoreError> {
        let rows: Vec<String> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT role FROM event_roles WHERE event_id = $1 AND user_id = $2 ORDER BY role",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.iter().filter_map(|r| Role::parse(r)).collect())
    }

    /// Everyone with a role in the event: (user id, display name, role).
    pub async fn event_staff(&self, event_id: i64) -> Result<Vec<(i64, String, Role)>, StoreError> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT u.id, u.display_name, r.role FROM event_roles r JOIN users u \
                 ON u.id = r.user_id WHERE r.event_id = $1 ORDER BY r.role, u.display_name",
            )
            .bind(event_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, role)| Role::parse(&role).map(|r| (id, name, r)))
            .collect())
    }

    // ---- OAuth flows -----------------------------------------------------

    /// Records a started OAuth flow (its state stored hashed).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_oauth_flow(
        &self,
        state_hash: &str,
        provider: &str,
        pkce_verifier: &str,
        next_path: &str,
        link_user_id: Option<i64>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO oauth_flows (state_hash, provider, pkce_verifier, next_path, \
                 link_user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(state_hash)
            .bind(provider)
            .bind(pkce_verifier)
            .bind(next_path)
            .bind(link_user_id)
            .bind(now.timestamp_millis())
            .bind(expires_at.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Ends an OAuth flow, once: its PKCE verifier, `next` path and the user
    /// linking an identity, when it exists for this provider, is unused and
    /// has not expired.
    pub async fn consume_oauth_flow(
        &self,
        state_hash: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, Option<String>, Option<i64>)>, StoreError> {
        let now = now.timestamp_millis();
        let row: Option<(String, Option<String>, Option<i64>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "UPDATE oauth_flows SET used_at = $3 WHERE state_hash = $1 AND provider = $2 \
                 AND used_at IS NULL AND expires_at > $3 \
                 RETURNING pkce_verifier, next_path, link_user_id",
            )
            .bind(state_hash)
            .bind(provider)
            .bind(now)
            .fetch_optional(p)
            .await?
        });
        Ok(row)
    }
}
