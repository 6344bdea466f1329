//! The router: which feature's page answers each address. The pages render
//! on the server only (islands mode): plain HTML that works without
//! JavaScript, with islands hydrated where something moves.

use crate::accounts::{ProfilePage, SignInConfirmPage, SignInPage, SignInSentPage, SiteHeader};
use crate::credits::CreditsPage;
use crate::eligibility::EligibilityPage;
use crate::events::{EventPage, HomePage};
use crate::likes::{GalleryPage, LikesReviewPage, ResultsPage};
use crate::registrations::{RegisterPage, RegistrationsPage};
use crate::submissions::{ProjectPage, SubmissionPage};
use crate::teams::{FinderPage, MyTeamPage, TeamsAdminPage};
use crate::ui::NotFound;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Router>
            <SiteHeader />
            <main id="main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug") view=EventPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in/sent") view=SignInSentPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in/confirm") view=SignInConfirmPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/registrations") view=RegistrationsPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/team") view=MyTeamPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/finder") view=FinderPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/teams") view=TeamsAdminPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/credits") view=CreditsPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/submission") view=SubmissionPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/projects/:id") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/eligibility") view=EligibilityPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/gallery") view=GalleryPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/results") view=ResultsPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:slug/likes/review") view=LikesReviewPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
        <footer class="site-footer">
            <p>"Hackboard — hackathons, end to end. "<a href="/api/v1/openapi.json">"API"</a></p>
        </footer>
    }
}
