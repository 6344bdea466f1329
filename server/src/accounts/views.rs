//! The profile page as its owner sees it: identities, personal API tokens.

use crate::state::AppBackend;
use crate::web::logged;
use chrono::DateTime;
use hackboard_app::port::BackendError;
use hackboard_app::wire::{ProfileView, TokenView};

impl AppBackend {
    pub(crate) async fn profile_view(
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
}
