//! The server's side of `hackboard_app::ssr::Backend`: events from the
//! store, the injected clock, markdown rendering.
//!
//! Event definitions are cached per slug and revalidated on every read by
//! their revision number (one indexed single-row query), so a page never
//! shows a stale event, even with several instances on one database.

use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use hackboard_app::ssr::{Backend, BackendError};
use hackboard_domain::EventDefinition;
use hackboard_domain::timeline::Clock;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Debug)]
pub struct AppBackend {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    cache: RwLock<HashMap<String, (i64, Arc<EventDefinition>)>>,
}

fn logged(e: StoreError) -> BackendError {
    tracing::error!(error = %e, "store failure while rendering");
    BackendError
}

impl AppBackend {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> AppBackend {
        AppBackend {
            store,
            clock,
            cache: RwLock::new(HashMap::new()),
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
        crate::markdown::to_safe_html(source)
    }
}
