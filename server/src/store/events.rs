//! Events: import (insert or update by slug), read one, list all.

use super::{Pool, Store, StoreError, on_pool};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::credits::{Delivery, Eligibility};
use hackboard_domain::registration::RegistrationSettings;
use hackboard_domain::{
    CreditOffer, EventDefinition, EventFormat, Gallery, Likers, Link, Milestone, MilestoneKind,
    MilestoneTime, OfferUnit, Slug, TeamSize, Track,
};

/// An event as stored: its database id and its definition.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    /// Bumped by every change to the definition.
    pub revision: i64,
    pub updated_at: DateTime<Utc>,
    pub definition: EventDefinition,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    slug: String,
    name: String,
    description: String,
    home_zone: String,
    format: String,
    rules: String,
    hf_org: Option<String>,
    team_min: i64,
    team_max: i64,
    updated_at: i64,
    revision: i64,
    capacity: Option<i64>,
    invite_only: bool,
    questions: String,
    tracks_per_team: i64,
    gallery_opens: String,
    likers: String,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    event_id: i64,
    label: String,
    url: String,
}

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    event_id: i64,
    kind: String,
    title: String,
    at_utc: Option<i64>,
    zone: Option<String>,
    local_time: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TrackRow {
    event_id: i64,
    slug: String,
    name: String,
    description: String,
    sponsor: Option<String>,
    requirements: String,
    model_in_org: bool,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    event_id: i64,
    slug: String,
    sponsor: String,
    value: String,
    redeem: String,
    per: String,
    eligible: String,
    delivery: String,
    opens: Option<String>,
    closes: Option<String>,
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn millis_to_utc(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| corrupt(format!("instant {ms}")))
}

fn parse_zone(z: &str) -> Result<Tz, StoreError> {
    z.parse::<Tz>()
        .map_err(|_| corrupt(format!("time zone {z}")))
}

/// The children of a set of events, loaded in one query per table.
struct Children {
    links: Vec<LinkRow>,
    milestones: Vec<MilestoneRow>,
    tracks: Vec<TrackRow>,
    offers: Vec<OfferRow>,
}

fn assemble(row: EventRow, children: &Children) -> Result<StoredEvent, StoreError> {
    let id = row.id;
    let links = children
        .links
        .iter()
        .filter(|l| l.event_id == id)
        .map(|l| Link {
            label: l.label.clone(),
            url: l.url.clone(),
        })
        .collect();
    let milestones = children
        .milestones
        .iter()
        .filter(|m| m.event_id == id)
        .map(|m| {
            let kind = MilestoneKind::from_key(&m.kind)
                .ok_or_else(|| corrupt(format!("milestone kind {}", m.kind)))?;
            let time = match (&m.at_utc, &m.zone, &m.local_time) {
                (Some(ms), Some(zone), None) => MilestoneTime::Instant {
                    utc: millis_to_utc(*ms)?,
                    zone: parse_zone(zone)?,
                },
                (None, None, Some(local)) => MilestoneTime::Local {
                    local: NaiveDateTime::parse_from_str(local, LOCAL_FORMAT)
                        .map_err(|_| corrupt(format!("local time {local}")))?,
                },
                _ => return Err(corrupt("milestone time")),
            };
            Ok(Milestone {
                kind,
                title: m.title.clone(),
                time,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let tracks = children
        .tracks
        .iter()
        .filter(|t| t.event_id == id)
        .map(|t| {
            Ok(Track {
                slug: Slug::parse(&t.slug).map_err(corrupt)?,
                name: t.name.clone(),
                description: t.description.clone(),
                sponsor: t.sponsor.clone(),
                requirements: serde_json::from_str(&t.requirements).map_err(corrupt)?,
                model_in_org: t.model_in_org,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let offers = children
        .offers
        .iter()
        .filter(|o| o.event_id == id)
        .map(|o| {
            Ok(CreditOffer {
                slug: Slug::parse(&o.slug).map_err(corrupt)?,
                sponsor: o.sponsor.clone(),
                value: o.value.clone(),
                redeem: o.redeem.clone(),
                per: OfferUnit::parse(&o.per).ok_or_else(|| corrupt(&o.per))?,
                eligible: Eligibility::parse(&o.eligible).ok_or_else(|| corrupt(&o.eligible))?,
                delivery: Delivery::parse(&o.delivery).ok_or_else(|| corrupt(&o.delivery))?,
                opens: o
                    .opens
                    .as_deref()
                    .map(|k| MilestoneKind::from_key(k).ok_or_else(|| corrupt(k)))
                    .transpose()?,
                closes: o
                    .closes
                    .as_deref()
                    .map(|k| MilestoneKind::from_key(k).ok_or_else(|| corrupt(k)))
                    .transpose()?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let registration = RegistrationSettings {
        capacity: row
            .capacity
            .map(|c| u32::try_from(c).map_err(corrupt))
            .transpose()?,
        invite_only: row.invite_only,
        questions: serde_json::from_str(&row.questions).map_err(corrupt)?,
    };
    let team_size = TeamSize {
        min: u32::try_from(row.team_min).map_err(corrupt)?,
        max: u32::try_from(row.team_max).map_err(corrupt)?,
    };
    Ok(StoredEvent {
        id,
        revision: row.revision,
        updated_at: millis_to_utc(row.updated_at)?,
        definition: EventDefinition {
            slug: Slug::parse(&row.slug).map_err(corrupt)?,
            name: row.name,
            description: row.description,
            home_zone: parse_zone(&row.home_zone)?,
            format: EventFormat::parse(&row.format).ok_or_else(|| corrupt(&row.format))?,
            links,
            tracks,
            offers,
            rules: row.rules,
            hf_org: row.hf_org,
            team_size,
            tracks_per_team: u32::try_from(row.tracks_per_team).map_err(corrupt)?,
            milestones,
            registration,
            gallery: Gallery {
                opens: MilestoneKind::from_key(&row.gallery_opens)
                    .ok_or_else(|| corrupt(&row.gallery_opens))?,
                likers: Likers::parse(&row.likers).ok_or_else(|| corrupt(&row.likers))?,
            },
        },
    })
}

const EVENT_COLUMNS: &str = "id, slug, name, description, home_zone, format, rules, hf_org, \
     team_min, team_max, updated_at, revision, capacity, invite_only, questions, tracks_per_team, \
     gallery_opens, likers";

/// Loads events matching `filter` (a WHERE clause on `events`, `$1` bound to
/// `arg` when given) with all their children, in one consistent read.
macro_rules! load_events {
    ($tx:expr, $filter:expr, $arg:expr) => {{
        let filter: &str = $filter;
        let arg: Option<&str> = $arg;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events {filter} ORDER BY id");
        let mut q = sqlx::query_as::<_, EventRow>(&sql);
        if let Some(a) = arg {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&mut *$tx).await?;
        let child = |table: &str, cols: &str| {
            format!(
                "SELECT event_id, {cols} FROM {table} WHERE event_id IN \
                 (SELECT id FROM events {filter}) ORDER BY event_id, position"
            )
        };
        macro_rules! children_of {
            ($row:ty, $table:expr, $cols:expr) => {{
                let sql = child($table, $cols);
                let mut q = sqlx::query_as::<_, $row>(&sql);
                if let Some(a) = arg {
                    q = q.bind(a);
                }
                q.fetch_all(&mut *$tx).await?
            }};
        }
        let children = Children {
            links: children_of!(LinkRow, "event_links", "label, url"),
            milestones: children_of!(
                MilestoneRow,
                "milestones",
                "kind, title, at_utc, zone, local_time"
            ),
            tracks: children_of!(
                TrackRow,
                "tracks",
                "slug, name, description, sponsor, requirements, model_in_org"
            ),
            offers: children_of!(
                OfferRow,
                "credit_offers",
                "slug, sponsor, value, redeem, per, eligible, delivery, opens, closes"
            ),
        };
        rows.into_iter()
            .map(|r| assemble(r, &children))
            .collect::<Result<Vec<StoredEvent>, StoreError>>()
    }};
}

impl Store {
    /// Inserts the event, or replaces the definition of the event with the
    /// same slug, atomically. Tracks and offers keep their ids when their slug
    /// stays (later records refer to them); ones no longer listed are removed.
    pub async fn upsert_event(
        &self,
        def: &EventDefinition,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        self.upsert_event_checked(def, None, now)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Replaces the event's definition only if it is still at `revision`
    /// (an edit made from what an organizer saw). `None`: it changed
    /// meanwhile, and nothing was written.
    pub async fn replace_event_at_revision(
        &self,
        def: &EventDefinition,
        revision: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        self.upsert_event_checked(def, Some(revision), now).await
    }

    async fn upsert_event_checked(
        &self,
        def: &EventDefinition,
        expected: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let now_ms = now.timestamp_millis();
        // Deletes the event's rows of `$table` whose slug is not in `$keep`
        // (a track or offer taken out of the definition).
        macro_rules! delete_unlisted {
            ($tx:ident, $table:literal, $id:expr, $keep:expr) => {
                let existing: Vec<String> = sqlx::query_scalar(concat!(
                    "SELECT slug FROM ",
                    $table,
                    " WHERE event_id = $1"
                ))
                .bind($id)
                .fetch_all(&mut *$tx)
                .await?;
                for gone in existing.iter().filter(|s| !$keep.contains(&s.as_str())) {
                    sqlx::query(concat!(
                        "DELETE FROM ",
                        $table,
                        " WHERE event_id = $1 AND slug = $2"
                    ))
                    .bind($id)
                    .bind(gone)
                    .execute(&mut *$tx)
                    .await?;
                }
            };
        }
        macro_rules! write {
            ($tx:ident) => {{
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO events (slug, name, description, home_zone, format, rules, \
                     hf_org, team_min, team_max, created_at, updated_at, capacity, invite_only, \
                     questions, tracks_per_team, gallery_opens, likers) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14, \
                     $15, $16) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, \
                     description = excluded.description, home_zone = excluded.home_zone, \
                     format = excluded.format, rules = excluded.rules, hf_org = excluded.hf_org, \
                     team_min = excluded.team_min, team_max = excluded.team_max, \
                     updated_at = excluded.updated_at, revision = events.revision + 1, \
                     capacity = excluded.capacity, invite_only = excluded.invite_only, \
                     questions = excluded.questions, tracks_per_team = excluded.tracks_per_team, \
                     gallery_opens = excluded.gallery_opens, likers = excluded.likers \
                     RETURNING id",
                )
                .bind(def.slug.as_str())
                .bind(&def.name)
                .bind(&def.description)
                .bind(def.home_zone.name())
                .bind(def.format.as_str())
                .bind(&def.rules)
                .bind(def.hf_org.as_deref())
                .bind(i64::from(def.team_size.min))
                .bind(i64::from(def.team_size.max))
                .bind(now_ms)
                .bind(def.registration.capacity.map(i64::from))
                .bind(def.registration.invite_only)
                .bind(serde_json::to_string(&def.registration.questions).map_err(corrupt)?)
                .bind(i64::from(def.tracks_per_team))
                .bind(def.gallery.opens.key())
                .bind(def.gallery.likers.as_str())
                .fetch_one(&mut *$tx)
                .await?;

                sqlx::query("DELETE FROM event_links WHERE event_id = $1")
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                for (pos, link) in def.links.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO event_links (event_id, position, label, url) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(pos as i64)
                    .bind(&link.label)
                    .bind(&link.url)
                    .execute(&mut *$tx)
                    .await?;
                }

                sqlx::query("DELETE FROM milestones WHERE event_id = $1")
                    .bind(id)
                    .execute(&mut *$tx)
                    .await?;
                for (pos, m) in def.milestones.iter().enumerate() {
                    let (at_utc, zone, local) = match &m.time {
                        MilestoneTime::Instant { utc, zone } => {
                            (Some(utc.timestamp_millis()), Some(zone.name()), None)
                        }
                        MilestoneTime::Local { local } => {
                            (None, None, Some(local.format(LOCAL_FORMAT).to_string()))
                        }
                    };
                    sqlx::query(
                        "INSERT INTO milestones (event_id, position, kind, title, at_utc, \
                         zone, local_time) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(pos as i64)
                    .bind(m.kind.key())
                    .bind(&m.title)
                    .bind(at_utc)
                    .bind(zone)
                    .bind(local)
                    .execute(&mut *$tx)
                    .await?;
                }

                let keep: Vec<&str> = def.tracks.iter().map(|t| t.slug.as_str()).collect();
                delete_unlisted!($tx, "tracks", id, keep);
                for (pos, t) in def.tracks.iter().enumerate() {
                    let requirements =
                        serde_json::to_string(&t.requirements).map_err(corrupt)?;
                    sqlx::query(
                        "INSERT INTO tracks (event_id, slug, position, name, description, \
                         sponsor, requirements, model_in_org) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (event_id, slug) DO UPDATE SET position = excluded.position, \
                         name = excluded.name, description = excluded.description, \
                         sponsor = excluded.sponsor, requirements = excluded.requirements, \
                         model_in_org = excluded.model_in_org",
                    )
                    .bind(id)
                    .bind(t.slug.as_str())
                    .bind(pos as i64)
                    .bind(&t.name)
                    .bind(&t.description)
                    .bind(t.sponsor.as_deref())
                    .bind(requirements)
                    .bind(t.model_in_org)
                    .execute(&mut *$tx)
                    .await?;
                }

                let keep: Vec<&str> = def.offers.iter().map(|o| o.slug.as_str()).collect();
                delete_unlisted!($tx, "credit_offers", id, keep);
                for (pos, o) in def.offers.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO credit_offers (event_id, slug, position, sponsor, value, \
                         redeem, per, eligible, delivery, opens, closes) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                         ON CONFLICT (event_id, slug) DO UPDATE SET position = excluded.position, \
                         sponsor = excluded.sponsor, value = excluded.value, \
                         redeem = excluded.redeem, per = excluded.per, \
                         eligible = excluded.eligible, delivery = excluded.delivery, \
                         opens = excluded.opens, closes = excluded.closes",
                    )
                    .bind(id)
                    .bind(o.slug.as_str())
                    .bind(pos as i64)
                    .bind(&o.sponsor)
                    .bind(&o.value)
                    .bind(&o.redeem)
                    .bind(o.per.as_str())
                    .bind(o.eligible.key())
                    .bind(o.delivery.as_str())
                    .bind(o.opens.as_ref().map(|k| k.key()))
                    .bind(o.closes.as_ref().map(|k| k.key()))
                    .execute(&mut *$tx)
                    .await?;
                }
                Ok::<i64, StoreError>(id)
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => {
                // IMMEDIATE takes the write lock up front: a deferred
                // transaction that upgrades later fails with "database is
                // locked" when another writer got there first.
                let _turn = self.writer.lock().await;
                let mut tx = self.sqlite_writer(p).begin_with("BEGIN IMMEDIATE").await?;
                if let Some(expected) = expected {
                    let now_at: Option<i64> =
                        sqlx::query_scalar("SELECT revision FROM events WHERE slug = $1")
                            .bind(def.slug.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                    if now_at != Some(expected) {
                        return Ok(None);
                    }
                }
                let id = write!(tx)?;
                tx.commit().await?;
                Ok(Some(id))
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                // Serialise imports of the same event across instances.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .bind(def.slug.as_str())
                    .execute(&mut *tx)
                    .await?;
                if let Some(expected) = expected {
                    let now_at: Option<i64> =
                        sqlx::query_scalar("SELECT revision FROM events WHERE slug = $1")
                            .bind(def.slug.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                    if now_at != Some(expected) {
                        return Ok(None);
                    }
                }
                let id = write!(tx)?;
                tx.commit().await?;
                Ok(Some(id))
            }
        }
    }

    /// The event with this slug, with everything that defines it.
    pub async fn event_by_slug(&self, slug: &str) -> Result<Option<StoredEvent>, StoreError> {
        let mut events = match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin().await?;
                let events = load_events!(tx, "WHERE slug = $1", Some(slug))?;
                tx.commit().await?;
                events
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                let events = load_events!(tx, "WHERE slug = $1", Some(slug))?;
                tx.commit().await?;
                events
            }
        };
        Ok(events.pop())
    }

    /// Every event, oldest first.
    pub async fn list_events(&self) -> Result<Vec<StoredEvent>, StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin().await?;
                let events = load_events!(tx, "", None)?;
                tx.commit().await?;
                Ok(events)
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                let events = load_events!(tx, "", None)?;
                tx.commit().await?;
                Ok(events)
            }
        }
    }

    /// The revision of the event with this slug, if any: a single-row read
    /// used to revalidate cached copies.
    pub async fn event_revision(&self, slug: &str) -> Result<Option<i64>, StoreError> {
        let v: Option<i64> = on_pool!(self, |p| {
            sqlx::query_scalar("SELECT revision FROM events WHERE slug = $1")
                .bind(slug)
                .fetch_optional(p)
                .await?
        });
        Ok(v)
    }

    /// How many events exist (the demo is loaded only into an empty platform).
    pub async fn event_count(&self) -> Result<i64, StoreError> {
        let n: i64 = on_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM events")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }
}
