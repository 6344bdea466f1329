//! Likes as people use them: who may like (the event's setting), the
//! window (from the gallery's opening to the likes extraction), an account
//! never likes its own team's project, per-account and per-client rate
//! limits, keyed hashes of the client's address and user agent for the
//! integrity review; the snapshot at the cutoff; the wild-card proposal
//! and its confirmation.
//!
//! The rate limits are kept in each instance's memory: with several
//! instances a client can reach the limit once per instance, which is
//! enough to stop a script and costs no database write per like.

use crate::auth::RateLimiter;
use crate::config::Config;
use crate::store::{LikeRequest, Liked, Store, StoreError, StoredEvent, User};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use hackboard_domain::Likers;
use hackboard_domain::gallery::{Candidate, likes_cutoff, likes_open, wild_card};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Arc;

/// A project's count and whether the viewer likes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LikeState {
    pub likes: i64,
    pub liked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum LikeFail {
    /// A rule said no, in words; nothing changed.
    #[error("{0}")]
    Refused(String),
    #[error("No such project in this event.")]
    NoProject,
    #[error("Too many likes in a minute: wait a moment and try again.")]
    RateLimited,
    /// The event's definition changed since the one the rules were
    /// checked against; nothing was written.
    #[error("The event's settings changed just now: please try again.")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A keyed hash (HMAC-SHA-256 with the session key), so the log links
/// likes from one client without storing its address.
pub fn keyed_hash(config: &Config, what: &str, value: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(config.session_key.expose().as_bytes()) else {
        return String::new();
    };
    mac.update(what.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// How many "random" gallery orders there are (see
/// [`hackboard_domain::gallery::visitor_order`]).
pub const GALLERY_ORDERS: u64 = 64;

/// Which of the gallery's random orders a visitor sees: from the account
/// when signed in, else from a keyed hash of the network address and user
/// agent (the same visitor keeps the same order; nothing about them is
/// stored).
pub fn gallery_order(config: &Config, user: Option<i64>, peer: &str, agent: &str) -> u64 {
    let who = match user {
        Some(id) => format!("u{id}"),
        None => format!("{peer}|{agent}"),
    };
    let hash = keyed_hash(config, "order", &who);
    u64::from_str_radix(hash.get(..12).unwrap_or("0"), 16).unwrap_or(0) % GALLERY_ORDERS
}

/// Who is liking, from where.
pub struct LikeActor<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub limiter: &'a RateLimiter,
    pub event: &'a StoredEvent,
    pub user: &'a User,
    pub now: DateTime<Utc>,
    pub peer: &'a str,
    pub agent: &'a str,
}

impl LikeActor<'_> {
    /// Counts the attempt against the per-account and per-client limits.
    pub fn admit(&self) -> Result<(), LikeFail> {
        let per_account = self.config.likes_per_minute;
        let per_client = self.config.likes_per_client_per_minute;
        if !self
            .limiter
            .allow(&format!("u:{}", self.user.id), per_account, self.now)
            || !self
                .limiter
                .allow(&format!("c:{}", self.peer), per_client, self.now)
        {
            return Err(LikeFail::RateLimited);
        }
        Ok(())
    }

    /// Likes (`like`) or withdraws the like of a project, by the rules of
    /// `self.event`: a like is written only if the event is still at that
    /// revision ([`LikeFail::Changed`] otherwise), so the event may come
    /// from a cache.
    pub async fn write(&self, submission_id: i64, like: bool) -> Result<LikeState, LikeFail> {
        let def = &self.event.definition;
        likes_open(def, self.now).map_err(LikeFail::Refused)?;
        let cutoff = likes_cutoff(def).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let mut counted = None;
        if like {
            let (outcome, count) = self
                .store
                .like_counted(&LikeRequest {
                    event_id: self.event.id,
                    revision: self.event.revision,
                    submission_id,
                    user_id: self.user.id,
                    now: self.now,
                    cutoff,
                    client_hash: &keyed_hash(self.config, "client", self.peer),
                    agent_hash: &keyed_hash(self.config, "agent", self.agent),
                    registered_only: def.gallery.likers == Likers::Registered,
                })
                .await?;
            counted = count;
            match outcome {
                Liked::Liked | Liked::Already => {}
                Liked::Changed => return Err(LikeFail::Changed),
                Liked::NoProject => return Err(LikeFail::NoProject),
                Liked::Own => {
                    return Err(LikeFail::Refused(
                        "That is your own team's project: like the others!".into(),
                    ));
                }
                Liked::Closed => {
                    return Err(LikeFail::Refused(
                        "Likes are closed: the counts were frozen at the likes extraction.".into(),
                    ));
                }
                Liked::Voided => {
                    return Err(LikeFail::Refused(
                        "The organizers voided your like of this project after review.".into(),
                    ));
                }
                Liked::NotEligible => {
                    return Err(LikeFail::Refused(
                        "Only the event's registered participants can like projects.".into(),
                    ));
                }
            }
        } else if !self
            .store
            .unlike(self.event.id, submission_id, self.user.id, self.now, cutoff)
            .await?
            && self.store.like_snapshot(self.event.id).await?.is_some()
        {
            return Err(LikeFail::Refused(
                "Likes are closed: the counts were frozen at the likes extraction.".into(),
            ));
        }
        let likes = match counted {
            Some(n) => n,
            None => self.store.like_count(submission_id).await?,
        };
        Ok(LikeState { likes, liked: like })
    }
}

impl crate::state::AppBackend {
    /// Likes (`like`) or withdraws `user`'s like of project `id` under the
    /// rules of `event` (see [`AppBackend::event_for_like`]): counted once
    /// against the rate limits; a like the statement refused because the
    /// event changed meanwhile, or one refused by the window of this copy
    /// (another instance may have moved it), is checked again against the
    /// event as it is now, once. Withdrawals are always checked against a
    /// fresh read.
    pub async fn like_as(
        &self,
        event: Arc<crate::store::StoredEvent>,
        user: &crate::store::User,
        id: i64,
        like: bool,
        peer: &str,
        agent: &str,
    ) -> Result<crate::likes::actions::LikeState, crate::likes::actions::LikeFail> {
        let actor = LikeActor {
            store: &self.store,
            config: &self.config,
            limiter: &self.likes_limiter,
            event: &event,
            user,
            now: self.clock.now(),
            peer,
            agent,
        };
        actor.admit()?;
        let refused = match like {
            true => match actor.write(id, like).await {
                Err(LikeFail::Changed) => None,
                Err(LikeFail::Refused(why)) => Some(why),
                done => return done,
            },
            false => None,
        };
        let current = self
            .stored_event(event.definition.slug.as_str())
            .await?
            .filter(|e| e.id == event.id)
            .ok_or(LikeFail::NoProject)?;
        if let Some(why) = refused
            && current.revision == event.revision
        {
            return Err(LikeFail::Refused(why));
        }
        LikeActor {
            event: &current,
            ..actor
        }
        .write(id, like)
        .await
    }

    /// Likes or withdraws a like for the viewer (the like button and the
    /// plain form); `None` when the event is unknown or nobody is signed in.
    pub(crate) async fn like_as_viewer(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        like: bool,
    ) -> Result<Option<hackboard_app::wire::LikeOut>, hackboard_app::port::BackendError> {
        let Some(event) = self
            .event_for_like(slug)
            .await
            .map_err(crate::web::logged)?
        else {
            return Ok(None);
        };
        let Some(user) = self.signed_in(headers).await? else {
            return Ok(None);
        };
        let (event_id, user_id) = (event.id, user.id);
        let current = |error: String| async move {
            let likes = self
                .store
                .like_count(id)
                .await
                .map_err(crate::web::logged)?;
            let liked = self
                .store
                .liked_by(event_id, user_id)
                .await
                .map_err(crate::web::logged)?
                .contains(&id);
            Ok::<_, hackboard_app::port::BackendError>(hackboard_app::wire::LikeOut {
                likes,
                liked,
                error: Some(error),
            })
        };
        let (peer, agent) = (
            header_value(headers, crate::web::peer::PEER_HEADER),
            header_value(headers, "user-agent"),
        );
        match self.like_as(event, &user, id, like, peer, agent).await {
            Ok(s) => Ok(Some(hackboard_app::wire::LikeOut {
                likes: s.likes,
                liked: s.liked,
                error: None,
            })),
            Err(LikeFail::Store(e)) => Err(crate::web::logged(e)),
            Err(LikeFail::NoProject) => Ok(Some(hackboard_app::wire::LikeOut {
                likes: 0,
                liked: false,
                error: Some(LikeFail::NoProject.to_string()),
            })),
            Err(e) => current(e.to_string()).await.map(Some),
        }
    }
}

/// One project in the results: frozen (or live) count, adjustments for
/// likes voided after the snapshot, and whether it may be a finalist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub submission_id: i64,
    pub frozen: Option<i64>,
    pub voided_after: i64,
    /// The count the wild card is decided on.
    pub likes: i64,
    pub reached_at: Option<DateTime<Utc>>,
    pub eligible: bool,
}

/// The standings and the proposed wild card: from the snapshot once
/// taken (minus likes voided after it), live counts before; `report` is
/// the event's eligibility report (who is ineligible), which callers
/// usually need anyway.
pub async fn standings(
    store: &Store,
    event: &StoredEvent,
    report: &[crate::eligibility::actions::ReportRow],
    now: DateTime<Utc>,
) -> Result<(Vec<Standing>, Option<i64>), StoreError> {
    let snapshot = store.like_snapshot(event.id).await?;
    let until = likes_cutoff(&event.definition).unwrap_or(now + chrono::Duration::milliseconds(1));
    let stats = store.like_stats(event.id, until).await?;
    let voided = store.voided_after_snapshot(event.id).await?;
    let ineligible = |id: i64| {
        report
            .iter()
            .any(|r| r.submission.id == id && r.status() == "fail")
    };
    let frozen: Option<HashMap<i64, i64>> = snapshot.as_ref().map(|s| {
        s.counts()
            .into_iter()
            .map(|c| (c.submission_id, c.likes))
            .collect()
    });
    let mut out: Vec<Standing> = stats
        .into_iter()
        .map(|st| {
            let voided_after = voided
                .iter()
                .find(|(id, _)| *id == st.submission_id)
                .map_or(0, |(_, n)| *n);
            let frozen_count = frozen
                .as_ref()
                .map(|f| f.get(&st.submission_id).copied().unwrap_or(0));
            Standing {
                submission_id: st.submission_id,
                likes: frozen_count.map_or(st.likes, |f| f - voided_after),
                frozen: frozen_count,
                voided_after,
                reached_at: st.reached_at.and_then(DateTime::from_timestamp_millis),
                eligible: !ineligible(st.submission_id),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.likes
            .cmp(&a.likes)
            .then(a.reached_at.cmp(&b.reached_at))
            .then(a.submission_id.cmp(&b.submission_id))
    });
    let candidates: Vec<Candidate> = out
        .iter()
        .map(|s| Candidate {
            submission_id: s.submission_id,
            likes: s.likes,
            reached_at: s.reached_at,
            eligible: s.eligible,
        })
        .collect();
    let proposed = wild_card(&candidates).map(|c| c.submission_id);
    Ok((out, proposed))
}

/// A like refused, in the API's error shape: 404 for a project that is
/// not there, 429 over the rate limit, 409 refused in words.
impl From<LikeFail> for crate::web::error::ApiError {
    fn from(fail: LikeFail) -> Self {
        use crate::web::error::ApiError;
        use axum::http::StatusCode;
        match fail {
            LikeFail::NoProject => {
                ApiError::NotFound("There is no such submitted project in this event.".into())
            }
            LikeFail::RateLimited => ApiError::Refused(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                LikeFail::RateLimited.to_string(),
            ),
            LikeFail::Refused(m) => ApiError::Refused(StatusCode::CONFLICT, "refused", m),
            e @ LikeFail::Changed => {
                ApiError::Refused(StatusCode::CONFLICT, "changed", e.to_string())
            }
            LikeFail::Store(e) => ApiError::Internal(e),
        }
    }
}

/// Confirms the wild card: only the proposed project, only once the counts
/// are frozen, only once.
pub async fn confirm_wild_card(
    state: &crate::state::AppState,
    event: &crate::store::StoredEvent,
    actor: i64,
    submission_id: i64,
) -> Result<(), crate::web::error::ApiError> {
    let now = state.backend.clock.now();
    let store = &state.backend.store;
    if store.like_snapshot(event.id).await?.is_none() {
        return Err(crate::web::error::ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "The counts are not frozen yet: the wild card is confirmed after the likes extraction."
                .into(),
        ));
    }
    let report = crate::eligibility::actions::report(store, event.id).await?;
    let (rows, proposed) = standings(store, event, &report, now).await?;
    if proposed != Some(submission_id) {
        return Err(crate::web::error::ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "That is not the proposed wild card (the most-liked eligible project).".into(),
        ));
    }
    let likes = rows
        .iter()
        .find(|r| r.submission_id == submission_id)
        .map_or(0, |r| r.likes);
    if !store
        .confirm_wild_card(event.id, submission_id, likes, actor, now)
        .await?
    {
        return Err(crate::web::error::ApiError::Refused(
            StatusCode::CONFLICT,
            "refused",
            "The wild card was already confirmed.".into(),
        ));
    }
    Ok(())
}

/// A request header's text ("" when absent or not text).
fn header_value<'a>(headers: &'a http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
