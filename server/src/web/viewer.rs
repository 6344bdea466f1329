//! Who is looking at a page: the pages' side of sign-in. A store failure
//! while rendering is logged and the page says only that something went
//! wrong.

use crate::state::AppBackend;
use crate::store::StoreError;
use hackboard_app::port::BackendError;

/// Logs a store failure where a page is rendered; the page says only
/// that something went wrong.
pub(crate) fn logged(e: StoreError) -> BackendError {
    tracing::error!(error = %e, "store failure while rendering");
    BackendError
}

/// Who looks at one of an event's pages: the event and the signed-in
/// account, if any. The pages' counterpart of the handlers' extractors
/// (`web::extract`): page views come through the page port with the
/// request's headers, not as axum requests.
pub(crate) struct PageViewer {
    pub event: std::sync::Arc<crate::store::StoredEvent>,
    pub user: Option<crate::store::User>,
}

impl AppBackend {
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

    /// The event `slug` and who is looking at its page (`None`: no such
    /// event); the event from the revision-checked cache.
    pub(crate) async fn page_viewer(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<PageViewer>, BackendError> {
        let Some(event) = self.stored_event(slug).await.map_err(logged)? else {
            return Ok(None);
        };
        let user = self.signed_in(headers).await?;
        Ok(Some(PageViewer { event, user }))
    }

    /// Who is looking at one of the event's organizers' pages: nobody
    /// signed in (`Ok(None)`), or the account and whether it organizes
    /// the event.
    pub(crate) async fn staff_viewer(
        &self,
        event_id: i64,
        user: Option<crate::store::User>,
    ) -> Result<Option<(crate::store::User, bool)>, BackendError> {
        let Some(user) = user else {
            return Ok(None);
        };
        let organizer = crate::auth::may_organize(&self.store, event_id, &user)
            .await
            .map_err(logged)?;
        Ok(Some((user, organizer)))
    }
}
