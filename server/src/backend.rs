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
use hackboard_app::wire::{ProfileView, TokenView, ViewerView};
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
}
