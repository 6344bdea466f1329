//! The application state every handler and page shares: the store, the
//! injected clock, the configuration, and this instance's caches (event
//! definitions, rendered markdown, gallery data, like rate limits).
//!
//! Event definitions are cached per slug and revalidated on every read by
//! their revision number (one indexed single-row query), so a page never
//! shows a stale event, even with several instances on one database.

use crate::assets::Assets;
use crate::config::Config;
use crate::store::{Store, StoreError};
use axum::extract::FromRef;
use hackboard_domain::EventDefinition;
use hackboard_domain::timeline::Clock;
use leptos::config::LeptosOptions;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub struct AppBackend {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// Woken after a save or a "check again".
    pub checks: crate::jobs::eligibility::EligibilityJob,
    cache: RwLock<HashMap<String, CachedEvent>>,
    /// Sanitized HTML of markdown sources already rendered: the same
    /// description and rules are rendered on every page view otherwise.
    markdown: RwLock<HashMap<String, Arc<str>>>,
    /// Per-account and per-client like rate limits (this instance).
    pub likes_limiter: crate::auth::RateLimiter,
    /// The features' own caches of this instance (the gallery's data, …),
    /// one per type.
    pub caches: Caches,
}

/// An event as stored and its definition, under the revision read.
type CachedEvent = (i64, Arc<crate::store::StoredEvent>, Arc<EventDefinition>);
type CachedPair = (Arc<crate::store::StoredEvent>, Arc<EventDefinition>);

/// Bound on memoized markdown renderings (cleared when exceeded).
const MARKDOWN_MEMO_LIMIT: usize = 4096;

impl AppBackend {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: Arc<Config>,
        checks: crate::jobs::eligibility::EligibilityJob,
    ) -> AppBackend {
        AppBackend {
            store,
            clock,
            config,
            checks,
            cache: RwLock::new(HashMap::new()),
            markdown: RwLock::new(HashMap::new()),
            likes_limiter: Default::default(),
            caches: Default::default(),
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

    /// Markdown rendered to sanitized HTML, memoized: the same description
    /// and rules would be rendered on every page view otherwise.
    pub fn markdown_html(&self, source: &str) -> String {
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

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub backend: Arc<AppBackend>,
    pub leptos: LeptosOptions,
    pub assets: Assets,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Caches a feature keeps in this instance, one per type, made on first
/// use: the state holds them without knowing the features above it.
#[derive(Debug, Default)]
pub struct Caches(RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Caches {
    /// This instance's cache of type `T`.
    pub fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let hit = self
            .0
            .read()
            .ok()
            .and_then(|map| map.get(&TypeId::of::<T>()).cloned());
        let any = match hit {
            Some(any) => any,
            None => {
                let mut map = self
                    .0
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                map.entry(TypeId::of::<T>())
                    .or_insert_with(|| Arc::new(T::default()))
                    .clone()
            }
        };
        // Keyed by its own type id, so the downcast cannot fail.
        any.downcast::<T>()
            .unwrap_or_else(|_| Arc::new(T::default()))
    }
}
