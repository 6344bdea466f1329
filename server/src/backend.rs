//! The server's side of `hackboard_app::ssr::Backend`: events from the
//! store, the injected clock, markdown rendering.
//!
//! Event definitions are cached per slug and revalidated on every read by
//! their revision number (one indexed single-row query), so a page never
//! shows a stale event, even with several instances on one database.

use crate::config::Config;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use hackboard_app::ssr::{Backend, BackendError};
use hackboard_app::wire::{
    HfOrgNotice, HfOrgSummary, InviteRow, ProfileView, QuestionView, RegistrationPageView,
    RegistrationRow, RegistrationsView, StaffRow, TokenView, ViewerView,
};
use hackboard_domain::EventDefinition;
use hackboard_domain::timeline::Clock;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub struct AppBackend {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// Woken after a save or a "check again".
    pub checks: crate::eligibility::EligibilityJob,
    cache: RwLock<HashMap<String, CachedEvent>>,
    /// Sanitized HTML of markdown sources already rendered: the same
    /// description and rules are rendered on every page view otherwise.
    markdown: RwLock<HashMap<String, Arc<str>>>,
    /// Per-account and per-client like rate limits (this instance).
    pub likes_limiter: crate::likes::RateLimiter,
    /// Each event's gallery data, for a second.
    pub(crate) gallery: crate::gallery_views::GalleryCache,
    /// Each event's turn to read its gallery into the cache.
    pub(crate) gallery_reading: std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// An event as stored and its definition, under the revision read.
type CachedEvent = (i64, Arc<crate::store::StoredEvent>, Arc<EventDefinition>);
type CachedPair = (Arc<crate::store::StoredEvent>, Arc<EventDefinition>);

/// Bound on memoized markdown renderings (cleared when exceeded).
const MARKDOWN_MEMO_LIMIT: usize = 4096;

/// Logs a store failure where a page is rendered; the page says only
/// that something went wrong.
pub(crate) fn logged(e: StoreError) -> BackendError {
    tracing::error!(error = %e, "store failure while rendering");
    BackendError
}

impl AppBackend {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: Arc<Config>,
        checks: crate::eligibility::EligibilityJob,
    ) -> AppBackend {
        AppBackend {
            store,
            clock,
            config,
            checks,
            cache: RwLock::new(HashMap::new()),
            markdown: RwLock::new(HashMap::new()),
            likes_limiter: Default::default(),
            gallery: Default::default(),
            gallery_reading: Default::default(),
        }
    }

    /// The current definition of an event, from the cache when its revision
    /// is unchanged.
    pub async fn event_definition(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<EventDefinition>>, StoreError> {
        Ok(self.cached_event(slug).await?.map(|(_, def)| def))
    }

    /// The event as stored, from the cache when its revision is unchanged
    /// (one small query instead of reading the definition's five tables).
    pub async fn stored_event(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<crate::store::StoredEvent>>, StoreError> {
        Ok(self.cached_event(slug).await?.map(|(event, _)| event))
    }

    /// The account a request is signed in as (session cookie or API
    /// token), or `None`; a store failure is logged, never shown.
    pub(crate) async fn signed_in(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<Option<crate::store::User>, BackendError> {
        crate::auth::current_user(&self.store, &self.config, headers, self.clock.now())
            .await
            .map_err(logged)
    }

    /// Who is looking at one of the event's organizers' pages: nobody
    /// signed in (`Ok(None)`), or the account and whether it organizes
    /// the event.
    pub(crate) async fn staff_viewer(
        &self,
        event_id: i64,
        headers: &http::HeaderMap,
    ) -> Result<Option<(crate::store::User, bool)>, BackendError> {
        let Some(user) = self.signed_in(headers).await? else {
            return Ok(None);
        };
        let organizer = crate::http::registration::may_organize(&self.store, event_id, &user)
            .await
            .map_err(logged)?;
        Ok(Some((user, organizer)))
    }

    /// The event a like is checked against: this instance's cached copy,
    /// without reading its revision (a busy gallery sends thousands of
    /// likes a second). The like's own statement checks that the revision
    /// is still current, and [`AppBackend::set_like`] checks again against
    /// a fresh read when it is not.
    pub async fn event_for_like(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<crate::store::StoredEvent>>, StoreError> {
        if let Ok(cache) = self.cache.read()
            && let Some((_, event, _)) = cache.get(slug)
        {
            return Ok(Some(event.clone()));
        }
        self.stored_event(slug).await
    }

    /// Likes (`like`) or withdraws `user`'s like of project `id` under the
    /// rules of `event` (see [`AppBackend::event_for_like`]): counted once
    /// against the rate limits; a like the statement refused because the
    /// event changed meanwhile, or one refused by the window of this copy
    /// (another instance may have moved it), is checked again against the
    /// event as it is now, once. Withdrawals are always checked against a
    /// fresh read.
    pub async fn set_like(
        &self,
        event: Arc<crate::store::StoredEvent>,
        user: &crate::store::User,
        id: i64,
        like: bool,
        peer: &str,
        agent: &str,
    ) -> Result<crate::likes::LikeState, crate::likes::LikeFail> {
        use crate::likes::{LikeActor, LikeFail};
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

    async fn cached_event(&self, slug: &str) -> Result<Option<CachedPair>, StoreError> {
        let Some(revision) = self.store.event_revision(slug).await? else {
            return Ok(None);
        };
        if let Ok(cache) = self.cache.read()
            && let Some((rev, event, def)) = cache.get(slug)
            && *rev == revision
        {
            return Ok(Some((event.clone(), def.clone())));
        }
        let Some(stored) = self.store.event_by_slug(slug).await? else {
            return Ok(None);
        };
        let def = Arc::new(stored.definition.clone());
        let event = Arc::new(stored);
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(
                slug.to_owned(),
                (event.revision, event.clone(), def.clone()),
            );
        }
        Ok(Some((event, def)))
    }
}

#[async_trait::async_trait]
impl Backend for AppBackend {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn events(&self) -> Result<Vec<EventDefinition>, BackendError> {
        let events = self.store.list_events().await.map_err(logged)?;
        Ok(events.into_iter().map(|e| e.definition).collect())
    }

    async fn event(&self, slug: &str) -> Result<Option<EventDefinition>, BackendError> {
        let def = self.event_definition(slug).await.map_err(logged)?;
        Ok(def.map(|d| (*d).clone()))
    }

    fn markdown(&self, source: &str) -> String {
        if let Ok(memo) = self.markdown.read()
            && let Some(html) = memo.get(source)
        {
            return html.to_string();
        }
        let html: Arc<str> = crate::markdown::to_safe_html(source).into();
        if let Ok(mut memo) = self.markdown.write() {
            if memo.len() >= MARKDOWN_MEMO_LIMIT {
                memo.clear();
            }
            memo.insert(source.to_owned(), html.clone());
        }
        html.to_string()
    }

    fn providers(&self) -> Vec<(String, String)> {
        let mut v = vec![];
        if self.config.github.is_some() {
            v.push(("github".to_owned(), "GitHub".to_owned()));
        }
        if self.config.huggingface.is_some() {
            v.push(("huggingface".to_owned(), "Hugging Face".to_owned()));
        }
        v
    }

    async fn viewer(&self, headers: &http::HeaderMap) -> Result<Option<ViewerView>, BackendError> {
        let user = self.signed_in(headers).await?;
        Ok(user.map(|u| ViewerView {
            display_name: u.display_name,
        }))
    }

    async fn profile(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<Option<ProfileView>, BackendError> {
        let Some(user) = self.signed_in(headers).await? else {
            return Ok(None);
        };
        let identities = self.store.identities_of(user.id).await.map_err(logged)?;
        let tokens = self.store.api_tokens_of(user.id).await.map_err(logged)?;
        let day = |ms: i64| {
            DateTime::from_timestamp_millis(ms)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        let skills: Vec<String> = serde_json::from_str(&user.skills).unwrap_or_default();
        Ok(Some(ProfileView {
            display_name: user.display_name,
            email: user.email,
            time_zone: user.time_zone,
            country: user.country,
            skills: skills.join(", "),
            bio: user.bio,
            github_handle: user.github_handle,
            hf_handle: user.hf_handle,
            identities,
            tokens: tokens
                .into_iter()
                .map(|t| TokenView {
                    id: t.id,
                    name: t.name,
                    created: day(t.created_at),
                    last_used: t.last_used_at.map(day),
                    revoked: t.revoked_at.is_some(),
                })
                .collect(),
            new_token: None,
        }))
    }

    async fn registration_page(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<RegistrationPageView>, BackendError> {
        let now = self.clock.now();
        let Some(event) = self.store.event_by_slug(slug).await.map_err(logged)? else {
            return Ok(None);
        };
        let user = self.signed_in(headers).await?;
        let def = &event.definition;
        let zone = user
            .as_ref()
            .and_then(|u| u.time_zone.parse().ok())
            .unwrap_or(def.home_zone);
        let (status, may_organize) = match &user {
            Some(u) => (
                self.store
                    .registration_status(event.id, u.id)
                    .await
                    .map_err(logged)?
                    .map(|s| s.as_str().to_owned()),
                crate::http::registration::may_organize(&self.store, event.id, u)
                    .await
                    .map_err(logged)?,
            ),
            None => (None, false),
        };
        let (_, _, _, taken) = self
            .store
            .registration_settings(event.id)
            .await
            .map_err(logged)?;
        Ok(Some(RegistrationPageView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            status,
            closed: hackboard_domain::registration::registration_window(&def.milestones, now, zone)
                .err(),
            invite_only: def.registration.invite_only,
            places: def
                .registration
                .capacity
                .map(|c| format!("{taken} of {c} places taken")),
            display_name: user
                .as_ref()
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            time_zone: user
                .as_ref()
                .map(|u| u.time_zone.clone())
                .unwrap_or_else(|| "UTC".to_owned()),
            country: user.as_ref().map(|u| u.country.clone()).unwrap_or_default(),
            questions: def
                .registration
                .questions
                .iter()
                .map(|q| QuestionView {
                    id: q.id.clone(),
                    label: q.label.clone(),
                    kind: q.kind.as_str().to_owned(),
                    required: q.required,
                    choices: q.choices.clone(),
                })
                .collect(),
            rules_html: self.markdown(&def.rules),
            may_organize,
            hf_org: self.hf_notice(&event, user.as_ref()).await?,
        }))
    }

    async fn my_team(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::MyTeamView>, BackendError> {
        self.my_team_view(slug, headers, query).await
    }

    async fn submission(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::SubmissionPageView>, BackendError> {
        self.submission_view(slug, headers, query).await
    }

    async fn project(
        &self,
        slug: &str,
        id: i64,
        headers: &http::HeaderMap,
    ) -> Result<Option<hackboard_app::wire::ProjectView>, BackendError> {
        self.project_view(slug, id, headers).await
    }

    async fn credits(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::CreditsView>, BackendError> {
        self.credits_view(slug, headers, query).await
    }

    async fn answer_team_request(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        accept: bool,
    ) -> Result<Option<hackboard_app::wire::Notice>, BackendError> {
        self.answer_team_request_now(slug, headers, id, accept)
            .await
    }

    async fn finder(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::FinderView>, BackendError> {
        self.finder_view(slug, headers, query).await
    }

    async fn gallery(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::GalleryView>, BackendError> {
        self.gallery_view(slug, headers, query).await
    }

    async fn results(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::ResultsView>, BackendError> {
        self.results_view(slug, headers, query).await
    }

    async fn likes_review(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::LikesReviewView>, BackendError> {
        self.likes_review_view(slug, headers, query).await
    }

    async fn set_like(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        like: bool,
    ) -> Result<Option<hackboard_app::wire::LikeOut>, BackendError> {
        self.like_as_viewer(slug, headers, id, like).await
    }

    async fn eligibility_report(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::EligibilityReportView>, BackendError> {
        self.eligibility_report_view(slug, headers, query).await
    }

    async fn teams_admin(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<hackboard_app::wire::TeamsAdminView>, BackendError> {
        self.teams_admin_view(slug, headers, query).await
    }

    async fn registrations(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        filter: &[(String, String)],
    ) -> Result<Option<RegistrationsView>, BackendError> {
        let now = self.clock.now();
        let Some(event) = self.store.event_by_slug(slug).await.map_err(logged)? else {
            return Ok(None);
        };
        let user = self.signed_in(headers).await?;
        let allowed = match &user {
            Some(u) => crate::http::registration::may_organize(&self.store, event.id, u)
                .await
                .map_err(logged)?,
            None => false,
        };
        let mut view = RegistrationsView {
            slug: slug.to_owned(),
            event_name: event.definition.name.clone(),
            allowed,
            signed_in: user.is_some(),
            rows: vec![],
            places: None,
            filter_query: String::new(),
            hf_org: None,
            invite_only: event.definition.registration.invite_only,
            invites: vec![],
            new_invite: None,
            staff: vec![],
            viewer_id: user.as_ref().map(|u| u.id).unwrap_or_default(),
        };
        if !allowed {
            return Ok(Some(view));
        }
        let get = |k: &str| {
            filter
                .iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        let f = crate::http::registration::Filter {
            status: get("status"),
            hf: get("hf"),
            looking: get("looking"),
        };
        view.filter_query = ["status", "hf", "looking"]
            .iter()
            .filter_map(|k| get(k).map(|v| format!("{k}={}", crate::http::account::urlencode(&v))))
            .collect::<Vec<_>>()
            .join("&");
        let rows = self
            .store
            .registrations(event.id, &f.to_store())
            .await
            .map_err(logged)?;
        let (capacity, _, _, taken) = self
            .store
            .registration_settings(event.id)
            .await
            .map_err(logged)?;
        view.places = Some(match capacity {
            Some(c) => format!("{taken} of {c} places taken"),
            None => format!("{taken} registered"),
        });
        let hf = self.hf_summary(&event).await?;
        let snapshot: Option<std::collections::HashSet<String>> =
            hf.as_ref().and_then(|(_, status)| {
                status
                    .snapshot
                    .as_ref()
                    .map(|(_, members)| members.iter().cloned().collect())
            });
        view.hf_org = hf.map(|(summary, _)| summary);
        view.invites = self
            .store
            .invites(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|i| {
                let active =
                    i.uses < i.max_uses && i.expires_at.is_none_or(|e| e > now.timestamp_millis());
                InviteRow {
                    id: i.id,
                    uses: format!("{} of {} used", i.uses, i.max_uses),
                    validity: match i.expires_at {
                        None => "no expiry".to_owned(),
                        Some(e) if e > now.timestamp_millis() => format!("until {}", utc_ms(e)),
                        Some(e) => format!("ended {}", utc_ms(e)),
                    },
                    active,
                    created: utc_ms(i.created_at),
                }
            })
            .collect();
        view.new_invite =
            hackboard_app::ssr::cookie(headers, crate::http::staff::NEW_INVITE_COOKIE)
                .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|t| format!("{}/events/{slug}/register?invite={t}", self.config.base_url));
        view.staff = self
            .store
            .event_staff(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|(user_id, name, role)| StaffRow {
                user_id,
                name,
                role: role.as_str().to_owned(),
            })
            .collect();
        view.rows = rows
            .into_iter()
            .map(|r| RegistrationRow {
                in_hf_snapshot: snapshot.as_ref().map(|s| {
                    r.hf_handle
                        .as_ref()
                        .is_some_and(|h| s.contains(&h.to_lowercase()))
                }),
                user_id: r.user_id,
                position: r.seq,
                name: r.display_name,
                email: r.email,
                hf_handle: r.hf_handle,
                in_hf_org: r.in_hf_org,
                looking_for_team: r.looking_for_team,
                status: r.status,
                registered_at: DateTime::from_timestamp_millis(r.created_at)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(Some(view))
    }
}

/// An epoch-milliseconds time as "2026-03-27 19:00 UTC".
fn utc_ms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

impl AppBackend {
    /// The viewer's standing in the event's Hugging Face org.
    async fn hf_notice(
        &self,
        event: &crate::store::StoredEvent,
        user: Option<&crate::store::User>,
    ) -> Result<Option<HfOrgNotice>, BackendError> {
        let (Some(org), Some(user)) = (&event.definition.hf_org, user) else {
            return Ok(None);
        };
        let join_url = hackboard_domain::hf_org::join_url(&self.config.hf_url, org);
        let deadline = event
            .definition
            .milestones
            .iter()
            .find(|m| m.kind == hackboard_domain::MilestoneKind::HfOrgDeadline)
            .map(|m| hackboard_app::ssr::describe_defined(&m.time));
        let snapshot = self.store.hf_snapshot(event.id).await.map_err(logged)?;
        let Some(handle) = &user.hf_handle else {
            let link_account = self.config.huggingface.as_ref().map(|_| {
                format!(
                    "/auth/huggingface/start?next=/events/{}/register",
                    event.definition.slug
                )
            });
            let how = if link_account.is_some() {
                "Link your Hugging Face account (sign in with Hugging Face while signed in here)"
            } else {
                "Sign-in with Hugging Face is not set up on this platform, so ask the organizers how to show"
            };
            return Ok(Some(HfOrgNotice {
                org: org.clone(),
                join_url,
                joined: None,
                text: format!("{how} so we can see that you joined {org}."),
                link_account,
            }));
        };
        let joined = self
            .store
            .is_hf_org_member(event.id, handle)
            .await
            .map_err(logged)?;
        let text = match (&snapshot, joined) {
            (Some((at, members)), _) => {
                let listed = members.contains(&handle.to_lowercase());
                format!(
                    "At the org-joining deadline ({}) {org} {} {handle}.",
                    utc_ms(*at),
                    if listed {
                        "listed you as"
                    } else {
                        "did not list"
                    }
                )
            }
            (None, true) => format!("You have joined {org} as {handle}."),
            (None, false) => format!(
                "You have not joined {org} yet (as {handle}){}. If your membership is private, sign in with Hugging Face again so we can see it.",
                deadline
                    .map(|d| format!(": join before {d}"))
                    .unwrap_or_default()
            ),
        };
        Ok(Some(HfOrgNotice {
            org: org.clone(),
            join_url,
            joined: Some(joined),
            text,
            link_account: None,
        }))
    }

    /// The organizers' view of the org record.
    async fn hf_summary(
        &self,
        event: &crate::store::StoredEvent,
    ) -> Result<Option<(HfOrgSummary, crate::store::HfOrgStatus)>, BackendError> {
        let Some(org) = &event.definition.hf_org else {
            return Ok(None);
        };
        let status = self.store.hf_org_status(event.id).await.map_err(logged)?;
        let refreshed = match status.succeeded_at {
            Some(at) => format!(
                "{} in the public list, refreshed {}",
                status.public_members,
                utc_ms(at)
            ),
            None => "the public list has not been read yet".to_owned(),
        };
        let snapshot = match (
            &status.snapshot,
            hackboard_domain::hf_org::snapshot_due(&event.definition.milestones),
        ) {
            (Some((at, members)), _) => format!("Taken {}: {} members", utc_ms(*at), members.len()),
            (None, Some(due)) => format!(
                "Will be taken at the org-joining deadline, {}",
                due.format("%Y-%m-%d %H:%M UTC")
            ),
            (None, None) => "No org-joining deadline in the timeline, so no snapshot".to_owned(),
        };
        Ok(Some((
            HfOrgSummary {
                org: org.clone(),
                url: hackboard_domain::hf_org::join_url(&self.config.hf_url, org),
                members: format!("{} members known ({refreshed})", status.members_known),
                last_error: status.last_error.clone(),
                snapshot_taken: status.snapshot.is_some(),
                snapshot,
            },
            status,
        )))
    }
}
