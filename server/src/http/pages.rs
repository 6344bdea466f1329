//! The page port: the server's side of `hackboard_app::port::Backend`, the
//! one trait the pages and server functions call. Each method hands over to
//! the feature that owns the page.

use crate::state::AppBackend;
use crate::web::logged;
use chrono::{DateTime, Utc};
use hackboard_app::port::{Backend, BackendError};
use hackboard_app::wire::{ProfileView, RegistrationPageView, RegistrationsView, ViewerView};
use hackboard_domain::EventDefinition;

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
        self.markdown_html(source)
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
        self.profile_view(headers).await
    }

    async fn registration_page(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<RegistrationPageView>, BackendError> {
        self.registration_page_view(slug, headers).await
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
        self.registrations_view(slug, headers, filter).await
    }
}
