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
    ProfileView, QuestionView, RegistrationPageView, RegistrationRow, RegistrationsView, TokenView,
    ViewerView,
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
    cache: RwLock<HashMap<String, (i64, Arc<EventDefinition>)>>,
    /// Sanitized HTML of markdown sources already rendered: the same
    /// description and rules are rendered on every page view otherwise.
    markdown: RwLock<HashMap<String, Arc<str>>>,
}

/// Bound on memoized markdown renderings (cleared when exceeded).
const MARKDOWN_MEMO_LIMIT: usize = 4096;

fn logged(e: StoreError) -> BackendError {
    tracing::error!(error = %e, "store failure while rendering");
    BackendError
}

impl AppBackend {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: Arc<Config>) -> AppBackend {
        AppBackend {
            store,
            clock,
            config,
            cache: RwLock::new(HashMap::new()),
            markdown: RwLock::new(HashMap::new()),
        }
    }

    /// The current definition of an event, from the cache when its revision
    /// is unchanged.
    pub async fn event_definition(
        &self,
        slug: &str,
    ) -> Result<Option<Arc<EventDefinition>>, StoreError> {
        let Some(revision) = self.store.event_revision(slug).await? else {
            return Ok(None);
        };
        if let Ok(cache) = self.cache.read()
            && let Some((rev, def)) = cache.get(slug)
            && *rev == revision
        {
            return Ok(Some(def.clone()));
        }
        let Some(stored) = self.store.event_by_slug(slug).await? else {
            return Ok(None);
        };
        let def = Arc::new(stored.definition);
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(slug.to_owned(), (stored.revision, def.clone()));
        }
        Ok(Some(def))
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
        let user = crate::auth::current_user(&self.store, &self.config, headers, self.clock.now())
            .await
            .map_err(logged)?;
        Ok(user.map(|u| ViewerView {
            display_name: u.display_name,
        }))
    }

    async fn profile(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<Option<ProfileView>, BackendError> {
        let now = self.clock.now();
        let Some(user) = crate::auth::current_user(&self.store, &self.config, headers, now)
            .await
            .map_err(logged)?
        else {
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
        let user = crate::auth::current_user(&self.store, &self.config, headers, now)
            .await
            .map_err(logged)?;
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
        }))
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
        let user = crate::auth::current_user(&self.store, &self.config, headers, now)
            .await
            .map_err(logged)?;
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
        view.rows = rows
            .into_iter()
            .map(|r| RegistrationRow {
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
