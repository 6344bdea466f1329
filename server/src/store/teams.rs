//! Teams: creating, joining (by code, invitation or request), leaving,
//! captaincy, tracks, the team finder, and organizers' moves with their
//! audit log.
//!
//! Every membership change is one write transaction that first takes the
//! team row's lock (a conditional or no-op `UPDATE` on it; `BEGIN IMMEDIATE`
//! on SQLite), then reads, then writes, so the size limit, one team per
//! person and "the captain is a member" hold under any concurrency. The
//! constraints back them: `UNIQUE (event_id, user_id)` on members,
//! `UNIQUE (event_id, name_key)` on teams.

use super::outbox::{Mail, enqueue};
use super::{Store, StoreError, audit, on_pool, write_tx};
use chrono::{DateTime, Utc};
use hackboard_domain::team::TeamError;

/// After a member's row is deleted (the team row already locked): count
/// down, delete an empty team, or hand captaincy on if they held it.
macro_rules! after_departure {
    ($tx:ident, $team_id:expr, $user_id:expr) => {{
        let team_id: i64 = $team_id;
        let user_id: i64 = $user_id;
        let captain: i64 = sqlx::query_scalar(
            "UPDATE teams SET member_count = member_count - 1 WHERE id = $1 RETURNING captain_id",
        )
        .bind(team_id)
        .fetch_one(&mut *$tx)
        .await?;
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(team_id)
        .fetch_optional(&mut *$tx)
        .await?;
        match next {
            None => {
                sqlx::query("DELETE FROM teams WHERE id = $1")
                    .bind(team_id)
                    .execute(&mut *$tx)
                    .await?;
                Left::TeamDeleted
            }
            Some(next) if captain == user_id => {
                sqlx::query("UPDATE teams SET captain_id = $2 WHERE id = $1")
                    .bind(team_id)
                    .bind(next)
                    .execute(&mut *$tx)
                    .await?;
                Left::CaptainHandedTo(next)
            }
            Some(_) => Left::Stayed,
        }
    }};
}
pub(super) use after_departure;

/// Takes `user_id` out of `team_id`: locks the team row, deletes the member
/// row, then [`after_departure!`]. `None` (and nothing else written) if they
/// were no longer a member once the lock was held.
macro_rules! take_out_of_team {
    ($tx:ident, $team_id:expr, $user_id:expr) => {{
        let team_id: i64 = $team_id;
        let user_id: i64 = $user_id;
        sqlx::query("UPDATE teams SET member_count = member_count WHERE id = $1")
            .bind(team_id)
            .execute(&mut *$tx)
            .await?;
        let gone = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        if gone == 0 {
            None
        } else {
            Some($crate::store::teams::after_departure!(
                $tx, team_id, user_id
            ))
        }
    }};
}
pub(super) use take_out_of_team;

/// Before someone joins a team: locks their registration row with a no-op
/// write (PostgreSQL), so a withdrawal racing the join waits and then takes
/// the person out of the team, and refuses if they are not registered or
/// already in a team.
macro_rules! check_free_to_join {
    ($tx:ident, $event_id:expr, $user_id:expr) => {{
        let registered = sqlx::query(
            "UPDATE registrations SET status = status WHERE event_id = $1 \
             AND user_id = $2 AND status = 'registered'",
        )
        .bind($event_id)
        .bind($user_id)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if registered == 0 {
            return Err(refused(TeamError::NotRegistered));
        }
        let current: Option<String> = sqlx::query_scalar(
            "SELECT t.name FROM team_members m JOIN teams t ON t.id = m.team_id \
             WHERE m.event_id = $1 AND m.user_id = $2",
        )
        .bind($event_id)
        .bind($user_id)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some(team) = current {
            return Err(refused(TeamError::AlreadyInTeam { team }));
        }
    }};
}

/// Writes the member row (the team's count already taken care of); the
/// person's pending invitations and requests in the event go.
macro_rules! add_member {
    ($tx:ident, $team_id:expr, $event_id:expr, $user_id:expr, $now_ms:expr) => {{
        sqlx::query(
            "INSERT INTO team_members (team_id, event_id, user_id, joined_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind($team_id)
        .bind($event_id)
        .bind($user_id)
        .bind($now_ms)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM team_requests WHERE event_id = $1 AND user_id = $2")
            .bind($event_id)
            .bind($user_id)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// Locks the team row and refuses unless it is a team of the event whose
/// captain is `$captain`.
macro_rules! lock_as_captain {
    ($tx:ident, $event_id:expr, $team_id:expr, $captain:expr) => {{
        let captain: Option<i64> = sqlx::query_scalar(
            "UPDATE teams SET member_count = member_count WHERE id = $1 AND event_id = $2 \
             RETURNING captain_id",
        )
        .bind($team_id)
        .bind($event_id)
        .fetch_optional(&mut *$tx)
        .await?;
        match captain {
            None => return Err(refused(TeamError::UnknownTeam)),
            Some(c) if c != $captain => return Err(refused(TeamError::NotCaptain)),
            Some(_) => {}
        }
    }};
}

/// A team moving to another zone: written only from the zone the caller
/// read, and only before the instant the move closes (milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct ZoneMove<'a> {
    pub from: &'a str,
    pub now: i64,
    pub until: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Team {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub description: String,
    pub time_zone: String,
    pub captain_id: i64,
    pub invite_code: String,
    pub looking_for_members: bool,
    pub wanted_skills: String,
    pub member_count: i64,
    pub created_at: i64,
}

const TEAM_COLUMNS: &str = "t.id, t.event_id, t.name, t.description, t.time_zone, t.captain_id, \
     t.invite_code, t.looking_for_members, t.wanted_skills, t.member_count, t.created_at";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamMember {
    pub team_id: i64,
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub skills: String,
    pub time_zone: String,
    pub github_handle: Option<String>,
    pub hf_handle: Option<String>,
    pub joined_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamRequest {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub user_id: i64,
    pub display_name: String,
    /// `invitation` (a member invited the person) or `request` (the person
    /// asked to join).
    pub kind: String,
    pub created_by: i64,
    pub message: String,
    pub created_at: i64,
}

/// Someone looking for a team (registered, looking, in no team).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Seeker {
    pub user_id: i64,
    pub display_name: String,
    pub skills: String,
    pub time_zone: String,
    pub idea: Option<String>,
    pub track_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: Option<String>,
    pub action: String,
    pub detail: String,
    pub reason: String,
    pub created_at: i64,
}

/// What leaving did to the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// The team is gone: they were its last member.
    TeamDeleted,
    /// They were captain: captaincy went to the longest-standing member.
    CaptainHandedTo(i64),
    Stayed,
}

fn refused(e: TeamError) -> StoreError {
    StoreError::Refused(e)
}

impl Store {
    /// Creates a team with `user_id` as its captain and only member.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_team(
        &self,
        event_id: i64,
        user_id: i64,
        name: &str,
        name_key: &str,
        description: &str,
        time_zone: &str,
        invite_code: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let now = now.timestamp_millis();
        let out: Result<_, StoreError> = async {
            write_tx!(self, |tx| {
                check_free_to_join!(tx, event_id, user_id);
                let taken: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM teams WHERE event_id = $1 AND name_key = $2",
                )
                .bind(event_id)
                .bind(name_key)
                .fetch_one(&mut *tx)
                .await?;
                if taken > 0 {
                    return Err(refused(TeamError::NameTaken(name.to_owned())));
                }
                let id: i64 = sqlx::query_scalar(
                "INSERT INTO teams (event_id, name, name_key, description, time_zone, captain_id, \
                 invite_code, member_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) \
                 RETURNING id",
            )
            .bind(event_id)
            .bind(name)
            .bind(name_key)
            .bind(description)
            .bind(time_zone)
            .bind(user_id)
            .bind(invite_code)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
                add_member!(tx, id, event_id, user_id, now);
                Ok::<i64, StoreError>(id)
            })
        }
        .await;
        match out {
            // A racing create: say which constraint in words.
            Err(StoreError::Conflict { constraint }) => Err(
                if constraint.contains("name_key") || constraint.contains("teams") {
                    refused(TeamError::NameTaken(name.to_owned()))
                } else {
                    self.already_in_team(event_id, user_id).await
                },
            ),
            other => other,
        }
    }

    async fn already_in_team(&self, event_id: i64, user_id: i64) -> StoreError {
        match self.team_of(event_id, user_id).await {
            Ok(Some(t)) => refused(TeamError::AlreadyInTeam { team: t.name }),
            Ok(None) => refused(TeamError::NotInTeam),
            Err(e) => e,
        }
    }

    /// The person's team in the event, if any.
    pub async fn team_of(&self, event_id: i64, user_id: i64) -> Result<Option<Team>, StoreError> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM teams t JOIN team_members m ON m.team_id = t.id \
             WHERE m.event_id = $1 AND m.user_id = $2"
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(p)
            .await?))
    }

    pub async fn team(&self, event_id: i64, team_id: i64) -> Result<Option<Team>, StoreError> {
        let sql = format!("SELECT {TEAM_COLUMNS} FROM teams t WHERE t.event_id = $1 AND t.id = $2");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(team_id)
            .fetch_optional(p)
            .await?))
    }

    pub async fn team_by_code(
        &self,
        event_id: i64,
        code: &str,
    ) -> Result<Option<Team>, StoreError> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM teams t WHERE t.event_id = $1 AND t.invite_code = $2"
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(code)
            .fetch_optional(p)
            .await?))
    }

    /// Every team of the event, by name.
    pub async fn teams(&self, event_id: i64) -> Result<Vec<Team>, StoreError> {
        let sql =
            format!("SELECT {TEAM_COLUMNS} FROM teams t WHERE t.event_id = $1 ORDER BY t.name_key");
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    const MEMBER_SQL: &'static str = "SELECT m.team_id, m.user_id, u.display_name, u.email, \
         u.skills, u.time_zone, u.github_handle, u.hf_handle, m.joined_at \
         FROM team_members m JOIN users u ON u.id = m.user_id";

    /// A team's members, longest-standing first.
    pub async fn team_members(&self, team_id: i64) -> Result<Vec<TeamMember>, StoreError> {
        let sql = format!("{} WHERE m.team_id = $1 ORDER BY m.id", Self::MEMBER_SQL);
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(team_id)
            .fetch_all(p)
            .await?))
    }

    /// Every team member of the event (for lists and exports).
    pub async fn event_team_members(&self, event_id: i64) -> Result<Vec<TeamMember>, StoreError> {
        let sql = format!(
            "{} WHERE m.event_id = $1 ORDER BY m.team_id, m.id",
            Self::MEMBER_SQL
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    /// Adds `user_id` to the team if it has a free place (`max`), they are
    /// registered and in no team; their pending invitations and requests in
    /// the event go. One transaction whose first write is the conditional
    /// `UPDATE` of the team's member count.
    pub async fn join_team(
        &self,
        event_id: i64,
        team_id: i64,
        user_id: i64,
        max: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        let out: Result<_, StoreError> = async {
            write_tx!(self, |tx| {
                check_free_to_join!(tx, event_id, user_id);
                let took = sqlx::query(
                    "UPDATE teams SET member_count = member_count + 1 \
                 WHERE id = $1 AND event_id = $2 AND member_count < $3",
                )
                .bind(team_id)
                .bind(event_id)
                .bind(max)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if took == 0 {
                    let row: Option<(String, i64)> = sqlx::query_as(
                        "SELECT name, member_count FROM teams WHERE id = $1 AND event_id = $2",
                    )
                    .bind(team_id)
                    .bind(event_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    return Err(refused(match row {
                        Some((team, count)) => TeamError::Full { team, count, max },
                        None => TeamError::UnknownTeam,
                    }));
                }
                add_member!(tx, team_id, event_id, user_id, now);
                Ok::<(), StoreError>(())
            })
        }
        .await;
        match out {
            // Joined another team at the same instant: the constraint held.
            Err(StoreError::Conflict { .. }) => Err(self.already_in_team(event_id, user_id).await),
            other => other,
        }
    }

    /// Takes `user_id` out of their team: the last member's leaving deletes
    /// the team; a captain's leaving hands captaincy to the longest-standing
    /// member.
    pub async fn leave_team(&self, event_id: i64, user_id: i64) -> Result<Left, StoreError> {
        write_tx!(self, |tx| {
            let team_id: Option<i64> = sqlx::query_scalar(
                "SELECT team_id FROM team_members WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(team_id) = team_id else {
                return Err(refused(TeamError::NotInTeam));
            };
            // Lock the team, then read it again.
            take_out_of_team!(tx, team_id, user_id).ok_or(refused(TeamError::NotInTeam))
        })
    }

    /// The captain removes a member (not themselves).
    pub async fn remove_member(
        &self,
        event_id: i64,
        team_id: i64,
        captain_id: i64,
        member_id: i64,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            lock_as_captain!(tx, event_id, team_id, captain_id);
            if member_id == captain_id {
                return Err(refused(TeamError::CaptainRemoval));
            }
            let gone = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(team_id)
                .bind(member_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if gone == 0 {
                return Err(refused(TeamError::NotTeammate("That person".into())));
            }
            sqlx::query("UPDATE teams SET member_count = member_count - 1 WHERE id = $1")
                .bind(team_id)
                .execute(&mut *tx)
                .await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Hands captaincy from `from` (who must be captain) to a member.
    pub async fn transfer_captain(
        &self,
        event_id: i64,
        team_id: i64,
        from: i64,
        to: i64,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            lock_as_captain!(tx, event_id, team_id, from);
            let member: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2",
            )
            .bind(team_id)
            .bind(to)
            .fetch_one(&mut *tx)
            .await?;
            if member == 0 {
                return Err(refused(TeamError::NotTeammate("That person".into())));
            }
            sqlx::query("UPDATE teams SET captain_id = $2 WHERE id = $1")
                .bind(team_id)
                .bind(to)
                .execute(&mut *tx)
                .await?;
            Ok::<(), StoreError>(())
        })
    }

    /// Changes what the team says about itself. A zone move (`zone_move`)
    /// is written only if the team is still in the zone the caller read and
    /// the move is still open at the caller's instant (the statement checks
    /// both, so two moves cannot cross and none lands after the freeze);
    /// `false` when it was not written.
    pub async fn update_team(
        &self,
        team_id: i64,
        description: &str,
        time_zone: &str,
        zone_move: Option<ZoneMove<'_>>,
        looking_for_members: bool,
        wanted_skills: &str,
    ) -> Result<bool, StoreError> {
        let (from, now, until) = match zone_move {
            Some(m) => (m.from, m.now, m.until),
            None => (time_zone, 0, 1),
        };
        let done = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE teams SET description = $2, time_zone = $3, looking_for_members = $4, \
                 wanted_skills = $5 WHERE id = $1 \
                 AND (time_zone = $3 OR (time_zone = $6 AND $7 < $8))",
            )
            .bind(team_id)
            .bind(description)
            .bind(time_zone)
            .bind(looking_for_members)
            .bind(wanted_skills)
            .bind(from)
            .bind(now)
            .bind(until)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Replaces the team's join code: the old link stops working.
    pub async fn replace_invite_code(&self, team_id: i64, code: &str) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE teams SET invite_code = $2 WHERE id = $1")
                .bind(team_id)
                .bind(code)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Replaces the team's tracks (already checked against the event).
    pub async fn set_team_tracks(&self, team_id: i64, slugs: &[String]) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            sqlx::query("DELETE FROM team_tracks WHERE team_id = $1")
                .bind(team_id)
                .execute(&mut *tx)
                .await?;
            for s in slugs {
                sqlx::query("INSERT INTO team_tracks (team_id, track_slug) VALUES ($1, $2)")
                    .bind(team_id)
                    .bind(s)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<(), StoreError>(())
        })
    }

    pub async fn team_tracks(&self, team_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT track_slug FROM team_tracks WHERE team_id = $1 ORDER BY track_slug"
        )
        .bind(team_id)
        .fetch_all(p)
        .await?))
    }

    /// (team id, track slug) for every team of the event.
    pub async fn event_team_tracks(&self, event_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT tt.team_id, tt.track_slug FROM team_tracks tt JOIN teams t ON t.id = tt.team_id \
             WHERE t.event_id = $1 ORDER BY tt.team_id, tt.track_slug"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?
        }))
    }

    /// Records an invitation or a join request (and queues `mail` with it).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_team_request(
        &self,
        event_id: i64,
        team_id: i64,
        user_id: i64,
        kind: &str,
        created_by: i64,
        message: &str,
        mail: Option<&Mail>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let now_ms = now.timestamp_millis();
        let out: Result<_, StoreError> = async {
            write_tx!(self, |tx| {
                let id: i64 = sqlx::query_scalar(
                "INSERT INTO team_requests (team_id, event_id, user_id, kind, created_by, message, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(team_id)
            .bind(event_id)
            .bind(user_id)
            .bind(kind)
            .bind(created_by)
            .bind(message)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
                if let Some(mail) = mail {
                    enqueue!(tx, mail, now_ms);
                }
                Ok::<i64, StoreError>(id)
            })
        }
        .await;
        match out {
            Err(StoreError::Conflict { .. }) => {
                let name = self
                    .user(user_id)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_else(|| "That person".into());
                Err(refused(TeamError::AlreadyPending(name)))
            }
            other => other,
        }
    }

    const REQUEST_SQL: &'static str = "SELECT r.id, r.team_id, t.name AS team_name, r.user_id, \
         u.display_name, r.kind, r.created_by, r.message, r.created_at \
         FROM team_requests r JOIN teams t ON t.id = r.team_id JOIN users u ON u.id = r.user_id";

    pub async fn team_request(
        &self,
        event_id: i64,
        id: i64,
    ) -> Result<Option<TeamRequest>, StoreError> {
        let sql = format!("{} WHERE r.event_id = $1 AND r.id = $2", Self::REQUEST_SQL);
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(id)
            .fetch_optional(p)
            .await?))
    }

    /// Pending invitations and requests of a team, oldest first.
    pub async fn requests_of_team(&self, team_id: i64) -> Result<Vec<TeamRequest>, StoreError> {
        let sql = format!("{} WHERE r.team_id = $1 ORDER BY r.id", Self::REQUEST_SQL);
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(team_id)
            .fetch_all(p)
            .await?))
    }

    /// A person's pending invitations and requests in the event.
    pub async fn requests_of_user(
        &self,
        event_id: i64,
        user_id: i64,
    ) -> Result<Vec<TeamRequest>, StoreError> {
        let sql = format!(
            "{} WHERE r.event_id = $1 AND r.user_id = $2 ORDER BY r.id",
            Self::REQUEST_SQL
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(event_id)
            .bind(user_id)
            .fetch_all(p)
            .await?))
    }

    /// Declines or withdraws an invitation or request.
    pub async fn delete_team_request(&self, event_id: i64, id: i64) -> Result<bool, StoreError> {
        let n = on_pool!(self, |p| sqlx::query(
            "DELETE FROM team_requests WHERE event_id = $1 AND id = $2"
        )
        .bind(event_id)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// What a participant tells the team finder.
    pub async fn set_finder_profile(
        &self,
        event_id: i64,
        user_id: i64,
        idea: &str,
        track_slug: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO finder_profiles (event_id, user_id, idea, track_slug, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, user_id) DO UPDATE SET \
                 idea = excluded.idea, track_slug = excluded.track_slug, \
                 updated_at = excluded.updated_at",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(idea)
            .bind(track_slug)
            .bind(now.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Registered participants who say they are looking and are in no team.
    pub async fn seekers(&self, event_id: i64) -> Result<Vec<Seeker>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT u.id AS user_id, u.display_name, u.skills, u.time_zone, f.idea, f.track_slug \
             FROM registrations r JOIN users u ON u.id = r.user_id \
             LEFT JOIN finder_profiles f ON f.event_id = r.event_id AND f.user_id = r.user_id \
             WHERE r.event_id = $1 AND r.status = 'registered' AND r.looking_for_team \
             AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.event_id = r.event_id \
                             AND m.user_id = r.user_id) \
             ORDER BY r.seq"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }

    /// Sets whether a registrant is looking for a team.
    pub async fn set_looking_for_team(
        &self,
        event_id: i64,
        user_id: i64,
        looking: bool,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE registrations SET looking_for_team = $3 WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(looking)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// An organizer moves a person into `to_team` (or out of any team when
    /// `None`), past the size limit and the lock, with a reason kept in the
    /// audit log in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn organizer_move(
        &self,
        event_id: i64,
        user_id: i64,
        to_team: Option<i64>,
        actor_id: i64,
        detail: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            if let Some(t) = to_team {
                let exists = sqlx::query(
                    "UPDATE teams SET member_count = member_count WHERE id = $1 AND event_id = $2",
                )
                .bind(t)
                .bind(event_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if exists == 0 {
                    return Err(refused(TeamError::UnknownTeam));
                }
            }
            let from: Option<i64> = sqlx::query_scalar(
                "SELECT team_id FROM team_members WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            if from.is_some() && from == to_team {
                return Ok(());
            }
            if let Some(from) = from {
                let _: Option<Left> = take_out_of_team!(tx, from, user_id);
            }
            if let Some(to) = to_team {
                sqlx::query("UPDATE teams SET member_count = member_count + 1 WHERE id = $1")
                    .bind(to)
                    .execute(&mut *tx)
                    .await?;
                add_member!(tx, to, event_id, user_id, now);
            }
            audit!(tx; event_id, actor_id, "team_move", detail, reason, now);
            Ok::<(), StoreError>(())
        })
    }

    /// The event's audit log, newest first.
    pub async fn audit_log(&self, event_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT a.id, u.display_name AS actor, a.action, a.detail, a.reason, a.created_at \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
             WHERE a.event_id = $1 ORDER BY a.id DESC"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }
}
