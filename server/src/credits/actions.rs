//! Sponsor credits as participants and organizers use them: who may claim
//! (the domain's rules on facts read from the store), the claim itself, the
//! organizers' import, distribution, revocation and reassignment. The HTML
//! forms, the API and the command line all come through here.

use crate::config::Config;
use crate::store::{Claimed, Imported, Owner, Store, StoreError, StoredEvent, User};
use crate::web::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::credits::{
    CreditError, Delivery, Facts, OfferInput, RowError, eligibility, offer_from_input,
    parse_codes_csv, window,
};
use hackboard_domain::email::EmailAddress;
use hackboard_domain::timeline::zone_or_utc as zone;
use hackboard_domain::{CreditOffer, OfferUnit};

/// Why a credit action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CreditFail {
    #[error("{0}")]
    Refused(CreditError),
    /// Bad CSV rows, every one by line number; nothing was imported.
    #[error("{} rows are wrong; nothing was imported", .0.len())]
    BadRows(Vec<RowError>),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CreditError> for CreditFail {
    fn from(e: CreditError) -> Self {
        CreditFail::Refused(e)
    }
}

pub type CreditResult<T> = Result<T, CreditFail>;

/// What a claim gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimResult {
    pub code: String,
    /// False when the person (or team) already had it.
    pub new: bool,
}

/// Registered people with their team, Hugging Face snapshot membership,
/// team tracks and submissions: what eligibility is decided on.
pub struct Roster {
    candidates: Vec<crate::store::CreditCandidate>,
    snapshot_taken: bool,
    tracks: Vec<(i64, String)>,
    teams: Vec<crate::store::Team>,
    submitted: std::collections::HashSet<i64>,
}

/// What a distribution did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Codes assigned now.
    pub assigned: usize,
    /// People or teams who already had one.
    pub already: usize,
    /// Eligible, but no code was left for them.
    pub waiting: Vec<String>,
}

/// Mail builders need owned data (they run inside the store's transaction).
struct MailPlan {
    to: Vec<(EmailAddress, String)>,
    value: String,
    sponsor: String,
    event: String,
    redeem: String,
    url: String,
}

impl MailPlan {
    fn mails(&self, code: &str) -> Vec<crate::store::Mail> {
        self.to
            .iter()
            .map(|(addr, name)| {
                crate::mail::credit_code_mail(
                    addr,
                    name,
                    &self.value,
                    &self.sponsor,
                    &self.event,
                    code,
                    &self.redeem,
                    &self.url,
                )
            })
            .collect()
    }
}

/// Who acts on which event, when.
pub struct CreditActor<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub event: &'a StoredEvent,
    pub user: &'a User,
    pub now: DateTime<Utc>,
}

impl CreditActor<'_> {
    fn offer(&self, slug: &str) -> CreditResult<&CreditOffer> {
        self.event
            .definition
            .offers
            .iter()
            .find(|o| o.slug.as_str() == slug)
            .ok_or_else(|| CreditError::UnknownOffer(slug.to_owned()).into())
    }

    async fn offer_id(&self, offer: &CreditOffer) -> CreditResult<i64> {
        self.store
            .offer_id(self.event.id, offer.slug.as_str())
            .await?
            .ok_or_else(|| CreditError::UnknownOffer(offer.slug.as_str().to_owned()).into())
    }

    async fn require_organizer(&self) -> CreditResult<()> {
        if crate::auth::may_organize(self.store, self.event.id, self.user).await? {
            Ok(())
        } else {
            Err(CreditFail::Forbidden(
                "Only the event's organizers can manage credits.",
            ))
        }
    }

    /// What the rules need to know about a person.
    pub async fn facts_of(&self, user_id: i64) -> CreditResult<(Facts, Option<i64>)> {
        let registered = self
            .store
            .registration_status(self.event.id, user_id)
            .await?
            == Some(crate::store::RegistrationStatus::Registered);
        let team = self.store.team_of(self.event.id, user_id).await?;
        let team_tracks = match &team {
            Some(t) => self.store.team_tracks(t.id).await?,
            None => vec![],
        };
        let submitted = match &team {
            Some(t) => self
                .store
                .submission_of_team(self.event.id, t.id)
                .await?
                .is_some_and(|s| s.status == "submitted"),
            None => false,
        };
        let snapshot = self.store.hf_snapshot(self.event.id).await?;
        let user = self.store.user(user_id).await?;
        let in_hf_snapshot = match (&snapshot, user.and_then(|u| u.hf_handle)) {
            (Some((_, members)), Some(h)) => members.contains(&h.to_lowercase()),
            _ => false,
        };
        Ok((
            Facts {
                registered,
                in_team: team.is_some(),
                team_tracks,
                snapshot_taken: snapshot.is_some(),
                in_hf_snapshot,
                submitted,
            },
            team.map(|t| t.id),
        ))
    }

    /// Everyone a code for `owner` goes to by email: the person, or each
    /// member of the team.
    async fn plan(&self, offer: &CreditOffer, owner: Owner) -> CreditResult<MailPlan> {
        let mut to = Vec::new();
        match owner {
            Owner::Person(id) => {
                if let Some(u) = self.store.user(id).await? {
                    to.extend(
                        u.email
                            .as_deref()
                            .and_then(|e| EmailAddress::parse(e).ok())
                            .map(|a| (a, u.display_name.clone())),
                    );
                }
            }
            Owner::Team(id) => {
                for m in self.store.team_members(id).await? {
                    to.extend(
                        m.email
                            .as_deref()
                            .and_then(|e| EmailAddress::parse(e).ok())
                            .map(|a| (a, m.display_name.clone())),
                    );
                }
            }
        }
        Ok(MailPlan {
            to,
            value: offer.value.clone(),
            sponsor: offer.sponsor.clone(),
            event: self.event.definition.name.clone(),
            redeem: offer.redeem.clone(),
            url: format!(
                "{}/events/{}/credits",
                self.config.base_url, self.event.definition.slug
            ),
        })
    }

    async fn give(
        &self,
        offer: &CreditOffer,
        offer_id: i64,
        owner: Owner,
    ) -> CreditResult<Claimed> {
        let plan = self.plan(offer, owner).await?;
        Ok(self
            .store
            .claim_code(self.event.id, offer_id, owner, self.now, &|code| {
                plan.mails(code)
            })
            .await?)
    }

    /// The signed-in person claims the offer (for their team, if it is a
    /// team offer). A repeated claim returns the same code.
    pub async fn claim(&self, slug: &str) -> CreditResult<ClaimResult> {
        let offer = self.offer(slug)?;
        let offer_id = self.offer_id(offer).await?;
        let (facts, team) = self.facts_of(self.user.id).await?;
        let owner = match (offer.per, team) {
            (OfferUnit::Team, Some(t)) => Owner::Team(t),
            _ => Owner::Person(self.user.id),
        };
        // Someone who holds a code sees it again, whatever changed since.
        if let Some(held) = self.store.held_code(offer_id, owner).await? {
            return Ok(ClaimResult {
                code: held.code,
                new: false,
            });
        }
        match offer.delivery {
            Delivery::Direct => return Err(CreditError::NoCodes.into()),
            Delivery::Organizer => return Err(CreditError::SentByOrganizers.into()),
            Delivery::Claim => {}
        }
        let viewer = zone(&self.user.time_zone);
        eligibility(offer, &self.event.definition, &facts, viewer)?;
        window(offer, &self.event.definition, self.now, viewer)?;
        match self.give(offer, offer_id, owner).await? {
            Claimed::New(code) => Ok(ClaimResult { code, new: true }),
            Claimed::Already(code) => Ok(ClaimResult { code, new: false }),
            Claimed::SoldOut { total } => Err(CreditError::SoldOut { total }.into()),
        }
    }

    /// Imports codes from CSV text, all or nothing (organizers).
    pub async fn import(&self, slug: &str, csv: &str) -> CreditResult<usize> {
        self.require_organizer().await?;
        let offer = self.offer(slug)?;
        if offer.delivery == Delivery::Direct {
            return Err(CreditError::NoCodes.into());
        }
        let offer_id = self.offer_id(offer).await?;
        let rows = parse_codes_csv(csv).map_err(CreditFail::BadRows)?;
        if rows.is_empty() {
            return Err(CreditFail::BadRows(vec![RowError {
                line: 1,
                message: "there are no codes in the file".into(),
            }]));
        }
        match self
            .store
            .import_codes(self.event.id, offer_id, &rows, self.now)
            .await?
        {
            Imported::Done(n) => Ok(n),
            Imported::Duplicates(d) => Err(CreditFail::BadRows(
                d.into_iter()
                    .map(|(line, _)| RowError {
                        line,
                        message: "this code was imported before".into(),
                    })
                    .collect(),
            )),
        }
    }

    /// Assigns a code to everyone eligible who has none (organizers).
    pub async fn distribute(&self, slug: &str) -> CreditResult<Distribution> {
        self.require_organizer().await?;
        let offer = self.offer(slug)?;
        if offer.delivery == Delivery::Direct {
            return Err(CreditError::NoCodes.into());
        }
        window(
            offer,
            &self.event.definition,
            self.now,
            zone(&self.user.time_zone),
        )?;
        let offer_id = self.offer_id(offer).await?;
        let mut out = Distribution::default();
        let roster = self.roster().await?;
        for (owner, name) in self.eligible_owners(&roster, offer) {
            match self.give(offer, offer_id, owner).await? {
                Claimed::New(_) => out.assigned += 1,
                Claimed::Already(_) => out.already += 1,
                Claimed::SoldOut { .. } => out.waiting.push(name),
            }
        }
        Ok(out)
    }

    /// Everything eligibility needs about every registered person, read
    /// once (a page or a distribution checks several offers against it).
    pub async fn roster(&self) -> CreditResult<Roster> {
        Ok(Roster {
            candidates: self.store.credit_candidates(self.event.id).await?,
            snapshot_taken: self.store.hf_snapshot(self.event.id).await?.is_some(),
            tracks: self.store.event_team_tracks(self.event.id).await?,
            teams: self.store.teams(self.event.id).await?,
            submitted: self
                .store
                .submissions(self.event.id)
                .await?
                .into_iter()
                .filter(|s| s.status == "submitted")
                .filter_map(|s| s.team_id)
                .collect(),
        })
    }

    /// Everyone the offer may reach: (owner, name), in registration order.
    pub fn eligible_owners(&self, roster: &Roster, offer: &CreditOffer) -> Vec<(Owner, String)> {
        let mut out: Vec<(Owner, String)> = Vec::new();
        for c in &roster.candidates {
            let facts = Facts {
                registered: true,
                in_team: c.team_id.is_some(),
                team_tracks: roster
                    .tracks
                    .iter()
                    .filter(|(t, _)| Some(*t) == c.team_id)
                    .map(|(_, s)| s.clone())
                    .collect(),
                snapshot_taken: roster.snapshot_taken,
                in_hf_snapshot: c.in_hf_snapshot,
                submitted: c.team_id.is_some_and(|t| roster.submitted.contains(&t)),
            };
            if eligibility(offer, &self.event.definition, &facts, Tz::UTC).is_err() {
                continue;
            }
            let entry = match (offer.per, c.team_id) {
                (OfferUnit::Team, Some(t)) => (
                    Owner::Team(t),
                    roster
                        .teams
                        .iter()
                        .find(|x| x.id == t)
                        .map(|x| format!("team {}", x.name))
                        .unwrap_or_default(),
                ),
                _ => (Owner::Person(c.user_id), c.display_name.clone()),
            };
            if !out.iter().any(|(o, _)| *o == entry.0) {
                out.push(entry);
            }
        }
        out
    }

    /// Adds an offer to the event, or changes the one with its slug
    /// (organizers). Refused if the event changed since it was read.
    pub async fn save_offer(&self, input: &OfferInput) -> CreditResult<bool> {
        self.require_organizer().await?;
        let offer = offer_from_input(input, &self.event.definition)
            .map_err(|m| CreditFail::Refused(CreditError::Invalid(m)))?;
        let mut def = self.event.definition.clone();
        let new = match def.offers.iter_mut().find(|o| o.slug == offer.slug) {
            Some(existing) => {
                *existing = offer;
                false
            }
            None => {
                def.offers.push(offer);
                true
            }
        };
        match self
            .store
            .replace_event_at_revision(&def, self.event.revision, self.now)
            .await?
        {
            Some(_) => Ok(new),
            None => Err(CreditError::Invalid(
                "The event changed while you were editing: reload the page and try again.".into(),
            )
            .into()),
        }
    }

    /// Revokes a code with a reason (organizers).
    pub async fn revoke(&self, code_id: i64, reason: &str) -> CreditResult<()> {
        self.require_organizer().await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CreditError::ReasonMissing.into());
        }
        if self
            .store
            .revoke_code(self.event.id, code_id, self.user.id, reason, self.now)
            .await?
        {
            Ok(())
        } else {
            Err(CreditError::UnknownCode.into())
        }
    }

    /// Gives a code to another person (organizers); the code is mailed.
    pub async fn reassign(
        &self,
        slug: &str,
        code_id: i64,
        to_user: i64,
        reason: &str,
    ) -> CreditResult<()> {
        self.require_organizer().await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(CreditError::ReasonMissing.into());
        }
        let offer = self.offer(slug)?;
        let owner = match offer.per {
            OfferUnit::Person => Owner::Person(to_user),
            OfferUnit::Team => match self.store.team_of(self.event.id, to_user).await? {
                Some(t) => Owner::Team(t.id),
                None => {
                    return Err(CreditError::NotEligible(
                        "That person is in no team, and this credit is per team.".into(),
                    )
                    .into());
                }
            },
        };
        let plan = self.plan(offer, owner).await?;
        let done = self
            .store
            .reassign_code(
                self.event.id,
                code_id,
                owner,
                self.user.id,
                reason,
                self.now,
                &|code| plan.mails(code),
            )
            .await;
        match done {
            Ok(true) => Ok(()),
            Ok(false) => Err(CreditError::UnknownCode.into()),
            Err(StoreError::Conflict { .. }) => {
                let name = self
                    .store
                    .user(to_user)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_else(|| "That person".into());
                Err(CreditError::AlreadyHasCode(name).into())
            }
            Err(e) => Err(e.into()),
        }
    }
}
/// At most this many bad rows are listed in a notice (all are counted).
const LISTED_ROWS: usize = 20;

/// The words for a failure, as the page shows them.
pub fn failure_words(e: &CreditFail) -> String {
    match e {
        CreditFail::BadRows(rows) => {
            let mut words: Vec<String> = rows
                .iter()
                .take(LISTED_ROWS)
                .map(ToString::to_string)
                .collect();
            if rows.len() > LISTED_ROWS {
                words.push(format!("and {} more", rows.len() - LISTED_ROWS));
            }
            format!("Nothing was imported. {}.", words.join("; "))
        }
        other => other.to_string(),
    }
}

impl From<CreditFail> for ApiError {
    fn from(e: CreditFail) -> Self {
        match e {
            CreditFail::Refused(c) => {
                let status = match c {
                    CreditError::UnknownOffer(_) | CreditError::UnknownCode => {
                        StatusCode::NOT_FOUND
                    }
                    CreditError::NotEligible(_) => StatusCode::FORBIDDEN,
                    CreditError::ReasonMissing | CreditError::Invalid(_) => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                    _ => StatusCode::CONFLICT,
                };
                ApiError::Refused(status, c.code(), c.to_string())
            }
            e @ CreditFail::BadRows(_) => ApiError::Refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                failure_words(&e),
            ),
            CreditFail::Forbidden(m) => {
                ApiError::Refused(StatusCode::FORBIDDEN, "forbidden", m.into())
            }
            CreditFail::Store(e) => ApiError::Internal(e),
        }
    }
}
