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
        let organizer = crate::auth::may_organize(&self.store, event_id, &user)
            .await
            .map_err(logged)?;
        Ok(Some((user, organizer)))
    }
}
