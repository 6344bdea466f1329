//! Sponsor credit codes: importing them all or nothing, handing each to
//! exactly one person or team, revoking and reassigning with an audit
//! trail, and the stock organizers see.
//!
//! A claim is one write transaction: the owner's live code if they have
//! one (a repeated claim returns it), else one `UPDATE … WHERE id = (the
//! first free code)` that takes it (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
//! so concurrent claimers take different codes; SQLite has one writer).
//! Partial unique indexes keep one live code per person or team per offer:
//! two claims by the same owner at once cannot both win.

use super::outbox::{Mail, enqueue};
use super::{Engine, Store, StoreError, audit, on_pool, write_tx};
use chrono::{DateTime, Utc};
use hackboard_domain::credits::CodeRow;

/// Who holds a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Person(i64),
    Team(i64),
}

impl Owner {
    fn column(self) -> &'static str {
        match self {
            Owner::Person(_) => "owner_user_id",
            Owner::Team(_) => "owner_team_id",
        }
    }
    fn id(self) -> i64 {
        match self {
            Owner::Person(id) | Owner::Team(id) => id,
        }
    }
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// A code was assigned now.
    New(String),
    /// The owner already had this code.
    Already(String),
    /// None left; `total` codes were ever imported.
    SoldOut { total: i64 },
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Done(usize),
    /// Nothing was imported: these rows (line, code) were imported before.
    Duplicates(Vec<(usize, String)>),
}

/// A code as its owner (or an organizer) sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldCode {
    pub id: i64,
    pub offer_id: i64,
    pub code: String,
    pub value: Option<String>,
    pub expires_at: Option<i64>,
    pub assigned_at: Option<i64>,
}

/// One offer's stock.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Stock {
    pub offer_id: i64,
    pub slug: String,
    pub imported: i64,
    pub assigned: i64,
    pub revoked: i64,
    pub left: i64,
}

/// A code with its owner, for organizers and the sponsor's export.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Assignment {
    pub id: i64,
    pub code: String,
    pub value: Option<String>,
    pub expires_at: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub person: Option<String>,
    pub email: Option<String>,
    pub owner_team_id: Option<i64>,
    pub team: Option<String>,
    pub assigned_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
}

/// Rows per multi-row INSERT (4 parameters each, well under both engines'
/// limits).
const BATCH: usize = 500;

impl Store {
    /// The id of the event's offer with this slug.
    pub async fn offer_id(&self, event_id: i64, slug: &str) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT id FROM credit_offers WHERE event_id = $1 AND slug = $2"
        )
        .bind(event_id)
        .bind(slug)
        .fetch_optional(p)
        .await?))
    }

    /// Imports codes for an offer, all or nothing: if any was imported
    /// before, nothing is written and those rows are returned.
    pub async fn import_codes(
        &self,
        event_id: i64,
        offer_id: i64,
        rows: &[CodeRow],
        now: DateTime<Utc>,
    ) -> Result<Imported, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            // Imports of one offer take turns (the offer row's lock).
            sqlx::query("UPDATE credit_offers SET id = id WHERE id = $1 AND event_id = $2")
                .bind(offer_id)
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT code FROM credit_codes WHERE offer_id = $1")
                    .bind(offer_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let existing: std::collections::HashSet<String> = existing.into_iter().collect();
            let duplicates: Vec<(usize, String)> = rows
                .iter()
                .filter(|r| existing.contains(&r.code))
                .map(|r| (r.line, r.code.clone()))
                .collect();
            if !duplicates.is_empty() {
                return Ok(Imported::Duplicates(duplicates));
            }
            for chunk in rows.chunks(BATCH) {
                let mut sql = String::from(
                    "INSERT INTO credit_codes (event_id, offer_id, code, value, expires_at, \
                     imported_at) VALUES ",
                );
                for i in 0..chunk.len() {
                    if i > 0 {
                        sql.push(',');
                    }
                    let b = i * 3;
                    sql.push_str(&format!("($1, $2, ${}, ${}, ${}, $3)", b + 4, b + 5, b + 6));
                }
                let mut q = sqlx::query(&sql).bind(event_id).bind(offer_id).bind(now);
                for r in chunk {
                    q = q
                        .bind(&r.code)
                        .bind(r.value.as_deref())
                        .bind(r.expires_at.map(|t| t.timestamp_millis()));
                }
                q.execute(&mut *tx).await?;
            }
            Ok::<Imported, StoreError>(Imported::Done(rows.len()))
        })
    }

    /// Gives `owner` a code of the offer: the one they hold, or the first
    /// free unexpired one. `mails` words the emails that carry the code;
    /// they are queued in the same transaction.
    pub async fn claim_code(
        &self,
        event_id: i64,
        offer_id: i64,
        owner: Owner,
        now: DateTime<Utc>,
        mails: &(dyn Fn(&str) -> Vec<Mail> + Send + Sync),
    ) -> Result<Claimed, StoreError> {
        let first = self.claim_once(event_id, offer_id, owner, now, mails).await;
        match first {
            // The same owner claimed at the same instant and won: theirs.
            Err(StoreError::Conflict { .. }) => Ok(self
                .held_code(offer_id, owner)
                .await?
                .map(|c| Claimed::Already(c.code))
                .ok_or(StoreError::Conflict {
                    constraint: "credit_codes_one_per_owner".into(),
                })?),
            other => other,
        }
    }

    async fn claim_once(
        &self,
        event_id: i64,
        offer_id: i64,
        owner: Owner,
        now: DateTime<Utc>,
        mails: &(dyn Fn(&str) -> Vec<Mail> + Send + Sync),
    ) -> Result<Claimed, StoreError> {
        let now_ms = now.timestamp_millis();
        let column = owner.column();
        let held_sql = format!(
            "SELECT code FROM credit_codes WHERE offer_id = $1 AND {column} = $2 \
             AND revoked_at IS NULL"
        );
        let lock = match self.engine() {
            Engine::Postgres => " FOR UPDATE SKIP LOCKED",
            Engine::Sqlite => "",
        };
        let take_sql = format!(
            "UPDATE credit_codes SET {column} = $2, assigned_at = $3 WHERE id = (\
             SELECT id FROM credit_codes WHERE offer_id = $1 AND event_id = $4 \
             AND assigned_at IS NULL \
             AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3) \
             ORDER BY id LIMIT 1{lock}) RETURNING code"
        );
        write_tx!(self, |tx| {
            let held: Option<String> = sqlx::query_scalar(&held_sql)
                .bind(offer_id)
                .bind(owner.id())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(code) = held {
                return Ok(Claimed::Already(code));
            }
            let taken: Option<String> = sqlx::query_scalar(&take_sql)
                .bind(offer_id)
                .bind(owner.id())
                .bind(now_ms)
                .bind(event_id)
                .fetch_optional(&mut *tx)
                .await?;
            match taken {
                Some(code) => {
                    for mail in mails(&code) {
                        enqueue!(tx, &mail, now_ms);
                    }
                    Ok::<Claimed, StoreError>(Claimed::New(code))
                }
                None => {
                    let total: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM credit_codes WHERE offer_id = $1")
                            .bind(offer_id)
                            .fetch_one(&mut *tx)
                            .await?;
                    Ok(Claimed::SoldOut { total })
                }
            }
        })
    }

    /// The live code `owner` holds for the offer.
    pub async fn held_code(
        &self,
        offer_id: i64,
        owner: Owner,
    ) -> Result<Option<HeldCode>, StoreError> {
        let sql = format!(
            "SELECT id, offer_id, code, value, expires_at, assigned_at FROM credit_codes \
             WHERE offer_id = $1 AND {} = $2 AND revoked_at IS NULL",
            owner.column()
        );
        Ok(on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(offer_id)
            .bind(owner.id())
            .fetch_optional(p)
            .await?))
    }

    /// Every live code a person holds in the event, theirs or their team's.
    pub async fn codes_held_by(
        &self,
        event_id: i64,
        user_id: i64,
        team_id: Option<i64>,
    ) -> Result<Vec<HeldCode>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, offer_id, code, value, expires_at, assigned_at FROM credit_codes \
             WHERE event_id = $1 AND revoked_at IS NULL \
             AND (owner_user_id = $2 OR owner_team_id = $3) ORDER BY id"
        )
        .bind(event_id)
        .bind(user_id)
        .bind(team_id)
        .fetch_all(p)
        .await?))
    }

    /// Imported, assigned, revoked and left, per offer (in the event
    /// file's order).
    pub async fn credit_stock(&self, event_id: i64) -> Result<Vec<Stock>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT o.id AS offer_id, o.slug, \
             COUNT(c.id) AS imported, \
             COUNT(c.assigned_at) AS assigned, \
             COUNT(c.revoked_at) AS revoked, \
             COUNT(c.id) - COUNT(CASE WHEN c.assigned_at IS NOT NULL OR c.revoked_at IS NOT NULL \
             THEN 1 END) AS \"left\" \
             FROM credit_offers o LEFT JOIN credit_codes c ON c.offer_id = o.id \
             WHERE o.event_id = $1 GROUP BY o.id, o.slug, o.position ORDER BY o.position"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?))
    }

    /// Every code of an offer with its owner, in import order.
    pub async fn assignments(&self, offer_id: i64) -> Result<Vec<Assignment>, StoreError> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT c.id, c.code, c.value, c.expires_at, c.owner_user_id, \
             u.display_name AS person, u.email, c.owner_team_id, t.name AS team, \
             c.assigned_at, c.revoked_at, c.revoked_reason \
             FROM credit_codes c LEFT JOIN users u ON u.id = c.owner_user_id \
             LEFT JOIN teams t ON t.id = c.owner_team_id \
             WHERE c.offer_id = $1 ORDER BY c.id"
        )
        .bind(offer_id)
        .fetch_all(p)
        .await?))
    }

    /// Revokes a code (it is never handed out again), with the reason in
    /// the audit log. False if no such live code exists in the event.
    pub async fn revoke_code(
        &self,
        event_id: i64,
        code_id: i64,
        actor: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = now.timestamp_millis();
        write_tx!(self, |tx| {
            let offer: Option<String> = sqlx::query_scalar(
                "UPDATE credit_codes SET revoked_at = $3, revoked_reason = $4 \
                 WHERE id = $1 AND event_id = $2 AND revoked_at IS NULL \
                 RETURNING (SELECT slug FROM credit_offers o WHERE o.id = offer_id)",
            )
            .bind(code_id)
            .bind(event_id)
            .bind(now)
            .bind(reason)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(offer) = offer else {
                return Ok(false);
            };
            let detail = format!("revoked code #{code_id} of offer {offer}");
            audit!(tx; event_id, actor, "credit_revoked", &detail, reason, now);
            Ok::<bool, StoreError>(true)
        })
    }

    /// Gives a live code to someone else (who must hold none for the
    /// offer), with the reason in the audit log and the code mailed to the
    /// new owner. False if no such live code exists in the event.
    #[allow(clippy::too_many_arguments)]
    pub async fn reassign_code(
        &self,
        event_id: i64,
        code_id: i64,
        to: Owner,
        actor: i64,
        reason: &str,
        now: DateTime<Utc>,
        mails: &(dyn Fn(&str) -> Vec<Mail> + Send + Sync),
    ) -> Result<bool, StoreError> {
        let now_ms = now.timestamp_millis();
        let (person, team) = match to {
            Owner::Person(id) => (Some(id), None),
            Owner::Team(id) => (None, Some(id)),
        };
        let sql = "UPDATE credit_codes SET owner_user_id = $3, owner_team_id = $5, \
             assigned_at = $4 WHERE id = $1 AND event_id = $2 AND revoked_at IS NULL \
             RETURNING code";
        write_tx!(self, |tx| {
            let code: Option<String> = sqlx::query_scalar(sql)
                .bind(code_id)
                .bind(event_id)
                .bind(person)
                .bind(now_ms)
                .bind(team)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(code) = code else {
                return Ok(false);
            };
            let whom = match to {
                Owner::Person(id) => format!("person #{id}"),
                Owner::Team(id) => format!("team #{id}"),
            };
            let detail = format!("gave code #{code_id} to {whom}");
            audit!(tx; event_id, actor, "credit_reassigned", &detail, reason, now_ms);
            for mail in mails(&code) {
                enqueue!(tx, &mail, now_ms);
            }
            Ok::<bool, StoreError>(true)
        })
    }

    /// Registered people of the event with their team and whether the
    /// Hugging Face snapshot (taken at the org-joining deadline) has them:
    /// the candidates for credits.
    pub async fn credit_candidates(
        &self,
        event_id: i64,
    ) -> Result<Vec<CreditCandidate>, StoreError> {
        /// id, name, email, Hugging Face handle, team.
        type Row = (i64, String, Option<String>, Option<String>, Option<i64>);
        let rows: Vec<Row> = on_pool!(self, |p| sqlx::query_as(
            "SELECT u.id, u.display_name, u.email, u.hf_handle, m.team_id \
                 FROM registrations r JOIN users u ON u.id = r.user_id \
                 LEFT JOIN team_members m ON m.event_id = r.event_id AND m.user_id = r.user_id \
                 WHERE r.event_id = $1 AND r.status = 'registered' ORDER BY r.seq"
        )
        .bind(event_id)
        .fetch_all(p)
        .await?);
        let snapshot: std::collections::HashSet<String> = self
            .hf_snapshot(event_id)
            .await?
            .map(|(_, members)| members.into_iter().collect())
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(
                |(user_id, display_name, email, hf, team_id)| CreditCandidate {
                    user_id,
                    display_name,
                    email,
                    team_id,
                    in_hf_snapshot: hf.is_some_and(|h| snapshot.contains(&h.to_lowercase())),
                },
            )
            .collect())
    }
}

/// A registered person, as credit eligibility sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCandidate {
    pub user_id: i64,
    pub display_name: String,
    pub email: Option<String>,
    pub team_id: Option<i64>,
    pub in_hf_snapshot: bool,
}
