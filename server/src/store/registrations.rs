//! Registrations: who is in an event, waitlisted, rejected or withdrawn;
//! invite links; Hugging Face org membership and its deadline snapshot.
//!
//! Capacity holds under any concurrency: a seat is taken by one statement,
//! `UPDATE events SET registered_count = registered_count + 1 WHERE … AND
//! registered_count < capacity`, inside a transaction that first locks the
//! event row, so the waitlist order (`seq`) is the registration order.

use super::outbox::{Mail, enqueue};
use super::teams::take_out_of_team;
use super::{Left, Store, StoreError, on_pool, write_tx};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationStatus {
    Registered,
    Waitlisted,
    Rejected,
    Withdrawn,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Rejected => "rejected",
            RegistrationStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<RegistrationStatus> {
        match s {
            "registered" => Some(RegistrationStatus::Registered),
            "waitlisted" => Some(RegistrationStatus::Waitlisted),
            "rejected" => Some(RegistrationStatus::Rejected),
            "withdrawn" => Some(RegistrationStatus::Withdrawn),
            _ => None,
        }
    }
}

/// One person's registration, with what organizers filter on.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub hf_handle: Option<String>,
    pub status: String,
    pub seq: i64,
    /// JSON object: question id → answer.
    pub answers: String,
    pub looking_for_team: bool,
    pub created_at: i64,
    /// Whether the person's Hugging Face handle is among the org's members.
    pub in_hf_org: bool,
}

/// What happened to a registration attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterOutcome {
    Registered,
    /// Waitlisted at this position (1 = next in line).
    Waitlisted(i64),
    /// Already registered or waitlisted: nothing changed.
    Already(RegistrationStatus),
    /// Rejected by an organizer earlier: nothing changed.
    Rejected,
    /// The invite token is unknown, expired or used up.
    InviteInvalid,
}

#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    pub status: Option<RegistrationStatus>,
    pub in_hf_org: Option<bool>,
    pub looking_for_team: Option<bool>,
}

/// Builds the mail for an outcome (so it can be queued in the same
/// transaction).
pub type MailFor<'a> = &'a (dyn Fn(&RegisterOutcome) -> Option<Mail> + Send + Sync);

impl Store {
    /// Registers `user_id` for the event, or waitlists them when it is full.
    /// `invite_hash` is required (and consumed) when `invite_only`.
    #[allow(clippy::too_many_arguments)]
    pub async fn register(
        &self,
        event_id: i64,
        user_id: i64,
        answers_json: &str,
        looking_for_team: bool,
        invite_hash: Option<&str>,
        invite_only: bool,
        now: DateTime<Utc>,
        mail_for: MailFor<'_>,
    ) -> Result<RegisterOutcome, StoreError> {
        let now_ms = now.timestamp_millis();
        write_tx!(self, |tx| {
            // Lock the event row (PostgreSQL; SQLite already holds the
            // write lock): seats and waitlist order are decided one at a time.
            sqlx::query("UPDATE events SET registered_count = registered_count WHERE id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT status FROM registrations WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            match existing.as_deref().and_then(RegistrationStatus::parse) {
                Some(RegistrationStatus::Rejected) => return Ok(RegisterOutcome::Rejected),
                Some(s @ (RegistrationStatus::Registered | RegistrationStatus::Waitlisted)) => {
                    return Ok(RegisterOutcome::Already(s));
                }
                _ => {}
            }
            if invite_only {
                let used = match invite_hash {
                    Some(hash) => sqlx::query(
                        "UPDATE registration_invites SET uses = uses + 1 WHERE token_hash = $1 \
                         AND event_id = $2 AND uses < max_uses \
                         AND (expires_at IS NULL OR expires_at > $3)",
                    )
                    .bind(hash)
                    .bind(event_id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                    None => 0,
                };
                if used != 1 {
                    return Ok(RegisterOutcome::InviteInvalid);
                }
            }
            let seq: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM registrations WHERE event_id = $1",
            )
            .bind(event_id)
            .fetch_one(&mut *tx)
            .await?;
            let seated = sqlx::query(
                "UPDATE events SET registered_count = registered_count + 1 WHERE id = $1 \
                 AND (capacity IS NULL OR registered_count < capacity)",
            )
            .bind(event_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            let status = if seated {
                RegistrationStatus::Registered
            } else {
                RegistrationStatus::Waitlisted
            };
            sqlx::query(
                "INSERT INTO registrations (event_id, user_id, status, seq, answers, \
                 looking_for_team, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
                 ON CONFLICT (event_id, user_id) DO UPDATE SET status = excluded.status, \
                 seq = excluded.seq, answers = excluded.answers, \
                 looking_for_team = excluded.looking_for_team, updated_at = excluded.updated_at",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(status.as_str())
            .bind(seq)
            .bind(answers_json)
            .bind(looking_for_team)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            let outcome = if seated {
                RegisterOutcome::Registered
            } else {
                let ahead: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM registrations WHERE event_id = $1 \
                     AND status = 'waitlisted' AND seq <= $2",
                )
                .bind(event_id)
                .bind(seq)
                .fetch_one(&mut *tx)
                .await?;
                RegisterOutcome::Waitlisted(ahead)
            };
            if let Some(mail) = mail_for(&outcome) {
                enqueue!(tx, &mail, now_ms);
            }
            Ok::<RegisterOutcome, StoreError>(outcome)
        })
    }

    /// Moves a registration to `to` (withdraw, reject, promote), keeping the
    /// seat count exact. Promotion fails with `Conflict` when the event is
    /// full. Returns the previous status, or `NotFound`.
    pub async fn set_registration_status(
        &self,
        event_id: i64,
        user_id: i64,
        to: RegistrationStatus,
        now: DateTime<Utc>,
        mail: Option<&Mail>,
    ) -> Result<RegistrationStatus, StoreError> {
        self.move_registration(event_id, user_id, to, now, mail, None)
            .await
    }

    /// The participant withdraws: only a registration that is registered or
    /// waitlisted can be withdrawn (`NotFound` otherwise), so a declined
    /// person cannot withdraw and register again.
    pub async fn withdraw_registration(
        &self,
        event_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<RegistrationStatus, StoreError> {
        self.move_registration(
            event_id,
            user_id,
            RegistrationStatus::Withdrawn,
            now,
            None,
            Some(&[
                RegistrationStatus::Registered,
                RegistrationStatus::Waitlisted,
            ]),
        )
        .await
    }

    async fn move_registration(
        &self,
        event_id: i64,
        user_id: i64,
        to: RegistrationStatus,
        now: DateTime<Utc>,
        mail: Option<&Mail>,
        only_from: Option<&[RegistrationStatus]>,
    ) -> Result<RegistrationStatus, StoreError> {
        let now_ms = now.timestamp_millis();
        write_tx!(self, |tx| {
            sqlx::query("UPDATE events SET registered_count = registered_count WHERE id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let from: String = sqlx::query_scalar(
                "SELECT status FROM registrations WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let from = RegistrationStatus::parse(&from)
                .ok_or_else(|| StoreError::Corrupt(format!("registration status {from}")))?;
            if only_from.is_some_and(|allowed| !allowed.contains(&from)) {
                return Err(StoreError::NotFound);
            }
            if from == to {
                return Ok(from);
            }
            if from == RegistrationStatus::Registered {
                sqlx::query(
                    "UPDATE events SET registered_count = registered_count - 1 WHERE id = $1",
                )
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            }
            if to == RegistrationStatus::Registered {
                let seated = sqlx::query(
                    "UPDATE events SET registered_count = registered_count + 1 WHERE id = $1 \
                     AND (capacity IS NULL OR registered_count < capacity)",
                )
                .bind(event_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if !seated {
                    return Err(StoreError::Conflict {
                        constraint: "capacity".into(),
                    });
                }
            }
            sqlx::query(
                "UPDATE registrations SET status = $3, updated_at = $4 \
                 WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(to.as_str())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            if from == RegistrationStatus::Registered {
                // Only registered people are team members: someone who
                // withdraws or is turned down leaves their team, which hands
                // captaincy on or disappears if they were the last.
                let team_id: Option<i64> = sqlx::query_scalar(
                    "SELECT team_id FROM team_members WHERE event_id = $1 AND user_id = $2",
                )
                .bind(event_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(team_id) = team_id {
                    let _left: Option<Left> = take_out_of_team!(tx, team_id, user_id);
                }
                sqlx::query("DELETE FROM team_requests WHERE event_id = $1 AND user_id = $2")
                    .bind(event_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(mail) = mail {
                enqueue!(tx, mail, now_ms);
            }
            Ok(from)
        })
    }

    /// Registrations of an event in registration order, filtered.
    pub async fn registrations(
        &self,
        event_id: i64,
        filter: &RegistrationFilter,
    ) -> Result<Vec<Registration>, StoreError> {
        let sql = "SELECT r.id, r.user_id, u.display_name, u.email, u.hf_handle, r.status, r.seq, \
             r.answers, r.looking_for_team, r.created_at, \
             (m.username IS NOT NULL) AS in_hf_org \
             FROM registrations r JOIN users u ON u.id = r.user_id \
             LEFT JOIN hf_org_members m ON m.event_id = r.event_id AND m.username = LOWER(u.hf_handle) \
             WHERE r.event_id = $1 \
             AND ($2 IS NULL OR r.status = $2) \
             AND ($3 IS NULL OR (m.username IS NOT NULL) = $3) \
             AND ($4 IS NULL OR r.looking_for_team = $4) \
             ORDER BY r.seq";
        let rows: Vec<Registration> = on_pool!(self, |p| {
            sqlx::query_as(sql)
                .bind(event_id)
                .bind(filter.status.map(|s| s.as_str()))
                .bind(filter.in_hf_org)
                .bind(filter.looking_for_team)
                .fetch_all(p)
                .await?
        });
        Ok(rows)
    }

    /// The caller's own registration status, if any.
    pub async fn registration_status(
        &self,
        event_id: i64,
        user_id: i64,
    ) -> Result<Option<RegistrationStatus>, StoreError> {
        let s: Option<String> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT status FROM registrations WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(p)
            .await?
        });
        Ok(s.as_deref().and_then(RegistrationStatus::parse))
    }

    /// Registration settings: capacity, invite-only, questions (JSON).
    pub async fn set_registration_settings(
        &self,
        event_id: i64,
        capacity: Option<i64>,
        invite_only: bool,
        questions_json: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE events SET capacity = $2, invite_only = $3, questions = $4 WHERE id = $1",
            )
            .bind(event_id)
            .bind(capacity)
            .bind(invite_only)
            .bind(questions_json)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// (capacity, invite_only, questions JSON, registered count)
    pub async fn registration_settings(
        &self,
        event_id: i64,
    ) -> Result<(Option<i64>, bool, String, i64), StoreError> {
        let row: (Option<i64>, bool, String, i64) = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT capacity, invite_only, questions, registered_count FROM events WHERE id = $1",
            )
            .bind(event_id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound)?
        });
        Ok(row)
    }

    /// Creates an invite link's token (stored hashed).
    pub async fn create_invite(
        &self,
        event_id: i64,
        token_hash: &str,
        max_uses: i64,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let id: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO registration_invites (event_id, token_hash, max_uses, expires_at, \
                 created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(event_id)
            .bind(token_hash)
            .bind(max_uses)
            .bind(expires_at.map(|t| t.timestamp_millis()))
            .bind(now.timestamp_millis())
            .fetch_one(p)
            .await?
        });
        Ok(id)
    }

    /// The event's invite links, newest first.
    pub async fn invites(&self, event_id: i64) -> Result<Vec<Invite>, StoreError> {
        let rows: Vec<Invite> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, max_uses, uses, expires_at, created_at FROM registration_invites \
                 WHERE event_id = $1 ORDER BY id DESC",
            )
            .bind(event_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows)
    }

    /// Ends an invite link now; `false` if it is not this event's or had
    /// already ended.
    pub async fn revoke_invite(
        &self,
        event_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        let n = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE registration_invites SET expires_at = $3 WHERE id = $1 AND event_id = $2 \
                 AND (expires_at IS NULL OR expires_at > $3)",
            )
            .bind(id)
            .bind(event_id)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    // ---- Hugging Face org membership -------------------------------------

    /// Replaces the members seen in the org's public list with `usernames`
    /// (members seen through their own sign-in stay) and records the
    /// refresh. Usernames are kept lower-case: Hugging Face names are
    /// case-insensitive.
    pub async fn set_hf_org_members(
        &self,
        event_id: i64,
        usernames: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        let mut names: Vec<String> = usernames.iter().map(|u| u.to_lowercase()).collect();
        names.sort();
        names.dedup();
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM hf_org_members WHERE event_id = $1 AND source = 'list'")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            for u in &names {
                sqlx::query(
                    "INSERT INTO hf_org_members (event_id, username, seen_at, source) \
                     VALUES ($1, $2, $3, 'list') \
                     ON CONFLICT (event_id, username) DO UPDATE SET seen_at = excluded.seen_at",
                )
                .bind(event_id)
                .bind(u)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO hf_org_refreshes (event_id, attempted_at, succeeded_at, public_members, last_error) \
                 VALUES ($1, $2, $2, $3, NULL) \
                 ON CONFLICT (event_id) DO UPDATE SET attempted_at = excluded.attempted_at, \
                 succeeded_at = excluded.succeeded_at, public_members = excluded.public_members, \
                 last_error = NULL",
            )
            .bind(event_id)
            .bind(now)
            .bind(names.len() as i64)
            .execute(&mut *tx)
            .await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Records a refresh of the org's members list that failed; what was
    /// known stays.
    pub async fn record_hf_refresh_failure(
        &self,
        event_id: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO hf_org_refreshes (event_id, attempted_at, last_error) VALUES ($1, $2, $3) \
                 ON CONFLICT (event_id) DO UPDATE SET attempted_at = excluded.attempted_at, \
                 last_error = excluded.last_error",
            )
            .bind(event_id)
            .bind(now.timestamp_millis())
            .bind(error)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Records one member seen through their own Hugging Face sign-in.
    pub async fn add_hf_org_member(
        &self,
        event_id: i64,
        username: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO hf_org_members (event_id, username, seen_at, source) \
                 VALUES ($1, $2, $3, 'sign_in') \
                 ON CONFLICT (event_id, username) DO UPDATE SET seen_at = excluded.seen_at, \
                 source = 'sign_in'",
            )
            .bind(event_id)
            .bind(username.to_lowercase())
            .bind(now.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Whether `username` is known to be in the event's org now.
    pub async fn is_hf_org_member(
        &self,
        event_id: i64,
        username: &str,
    ) -> Result<bool, StoreError> {
        let n: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM hf_org_members WHERE event_id = $1 AND username = $2",
            )
            .bind(event_id)
            .bind(username.to_lowercase())
            .fetch_one(p)
            .await?
        });
        Ok(n > 0)
    }

    /// What is known of the event's org: members seen, the last refresh of
    /// the public list and the deadline snapshot.
    pub async fn hf_org_status(&self, event_id: i64) -> Result<HfOrgStatus, StoreError> {
        let members: i64 = on_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM hf_org_members WHERE event_id = $1")
                .bind(event_id)
                .fetch_one(p)
                .await?
        });
        let refresh: Option<(i64, Option<i64>, i64, Option<String>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT attempted_at, succeeded_at, public_members, last_error \
                 FROM hf_org_refreshes WHERE event_id = $1",
            )
            .bind(event_id)
            .fetch_optional(p)
            .await?
        });
        let snapshot = self.hf_snapshot(event_id).await?;
        Ok(HfOrgStatus {
            members_known: members,
            attempted_at: refresh.as_ref().map(|r| r.0),
            succeeded_at: refresh.as_ref().and_then(|r| r.1),
            public_members: refresh.as_ref().map(|r| r.2).unwrap_or(0),
            last_error: refresh.and_then(|r| r.3),
            snapshot,
        })
    }

    /// Takes the deadline snapshot of the org's members, once: a second call
    /// (another instance, a retry) keeps the first. Returns whether this call
    /// took it.
    pub async fn take_hf_snapshot(
        &self,
        event_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let mut members: Vec<String> =
                sqlx::query_scalar("SELECT username FROM hf_org_members WHERE event_id = $1")
                    .bind(event_id)
                    .fetch_all(&mut *tx)
                    .await?;
            // Byte order, not the database's collation: readers binary-search it.
            members.sort();
            let json =
                serde_json::to_string(&members).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let n = sqlx::query(
                "INSERT INTO hf_org_snapshots (event_id, taken_at, members) VALUES ($1, $2, $3) \
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(now)
            .bind(json)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            Ok::<bool, StoreError>(n == 1)
        })
    }

    /// The snapshot: when it was taken and who was in the org.
    pub async fn hf_snapshot(
        &self,
        event_id: i64,
    ) -> Result<Option<(i64, Vec<String>)>, StoreError> {
        let row: Option<(i64, String)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT taken_at, members FROM hf_org_snapshots WHERE event_id = $1")
                .bind(event_id)
                .fetch_optional(p)
                .await?
        });
        row.map(|(t, m)| {
            serde_json::from_str(&m)
                .map(|members| (t, members))
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }
}

/// What is known of an event's Hugging Face org (times in epoch ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HfOrgStatus {
    /// Members known now (public list and sign-ins).
    pub members_known: i64,
    pub attempted_at: Option<i64>,
    pub succeeded_at: Option<i64>,
    /// Members in the public list at the last successful refresh.
    pub public_members: i64,
    pub last_error: Option<String>,
    /// The deadline snapshot: when, and who (sorted).
    pub snapshot: Option<(i64, Vec<String>)>,
}

/// An invite link (its token is only ever known to whoever created it).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invite {
    pub id: i64,
    pub max_uses: i64,
    pub uses: i64,
    /// Epoch ms.
    pub expires_at: Option<i64>,
    pub created_at: i64,
}
