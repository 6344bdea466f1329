//! Server-only half of the UI: the port the server implements (`Backend`),
//! the view models built from domain types, and the HTML shell.

use crate::pages::App;
use crate::wire::*;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::timeline::{self, EventStatus, Phase};
use hackboard_domain::{EventDefinition, MilestoneKind, MilestoneTime};
use leptos::prelude::*;
use leptos_meta::MetaTags;
use std::sync::Arc;

/// What the pages need from the server. Implemented by the server crate,
/// provided to every render and server function as `Arc<dyn Backend>`.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The injected clock.
    fn now(&self) -> DateTime<Utc>;
    async fn events(&self) -> Result<Vec<EventDefinition>, BackendError>;
    async fn event(&self, slug: &str) -> Result<Option<EventDefinition>, BackendError>;
    /// Markdown to sanitized HTML.
    fn markdown(&self, source: &str) -> String;
    /// Sign-in providers offered: (id, label).
    fn providers(&self) -> Vec<(String, String)>;
    /// The signed-in person, if the request carries a live session.
    async fn viewer(&self, headers: &http::HeaderMap) -> Result<Option<ViewerView>, BackendError>;
    /// The signed-in person's profile (`new_token` is filled by the caller).
    async fn profile(&self, headers: &http::HeaderMap)
    -> Result<Option<ProfileView>, BackendError>;
    /// The registration page of an event (`None`: no such event).
    async fn registration_page(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<RegistrationPageView>, BackendError>;
    /// The organizers' registration list, filtered by `status`,
    /// `hf` (`yes`/`no`) and `looking` (`yes`/`no`).
    async fn registrations(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        filter: &[(String, String)],
    ) -> Result<Option<RegistrationsView>, BackendError>;
    /// The viewer's team page (`query`: a signed notice, a join code).
    async fn my_team(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<MyTeamView>, BackendError>;
    /// The team finder (`query`: a signed notice and filters).
    async fn finder(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<FinderView>, BackendError>;
    /// The organizers' team list (`query`: a signed notice and filters).
    async fn teams_admin(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<TeamsAdminView>, BackendError>;
    /// The credits page (`query`: a signed notice).
    async fn credits(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<CreditsView>, BackendError>;
    /// The team's submission page (`query`: a signed notice, a kept attempt).
    async fn submission(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<SubmissionPageView>, BackendError>;
    /// A project's page: public once submitted and the gallery is open;
    /// before that only for its team and organizers (`None` otherwise).
    async fn project(
        &self,
        slug: &str,
        id: i64,
        headers: &http::HeaderMap,
    ) -> Result<Option<ProjectView>, BackendError>;
    /// The organizers' eligibility report (`query`: a signed notice, `status`, `q`).
    async fn eligibility_report(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<EligibilityReportView>, BackendError>;
    /// The gallery (`query`: `track`, `q`, `sort`, `page`).
    async fn gallery(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<GalleryView>, BackendError>;
    /// The likes results (`None` before the gallery opens, except for
    /// organizers).
    async fn results(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<ResultsView>, BackendError>;
    /// The organizers' likes integrity review.
    async fn likes_review(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        query: &[(String, String)],
    ) -> Result<Option<LikesReviewView>, BackendError>;
    /// Likes (or withdraws the like of) a project as the viewer; `None`
    /// when the event is unknown or nobody is signed in.
    async fn set_like(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        like: bool,
    ) -> Result<Option<LikeOut>, BackendError>;
    /// Accepts or declines a team request or invitation as the viewer;
    /// `None` when the event is unknown or nobody is signed in.
    async fn answer_team_request(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        accept: bool,
    ) -> Result<Option<Notice>, BackendError>;
}

/// The backend failed; it has already logged why. Pages say only that
/// something went wrong on our side.
#[derive(Debug, Clone, Copy)]
pub struct BackendError;

/// The cookie in which the browser leaves its IANA zone.
pub const ZONE_COOKIE: &str = "hb_tz";

fn backend() -> Result<Arc<dyn Backend>, ServerFnError> {
    use_context::<Arc<dyn Backend>>().ok_or_else(|| ServerFnError::new("backend unavailable"))
}

fn trouble(_: BackendError) -> ServerFnError {
    ServerFnError::new("Something went wrong on our side. Please try again.")
}

/// The viewer's zone, from the cookie the browser left, if valid.
pub fn viewer_zone_from_headers(headers: &http::HeaderMap) -> Option<Tz> {
    cookie(headers, ZONE_COOKIE).and_then(|v| v.parse::<Tz>().ok())
}

fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default()
}

/// The cookie that carries a just-created API token to the profile page.
pub const NEW_TOKEN_COOKIE: &str = "hb_new_token";

/// The value of the cookie `name` in a request's headers.
pub fn cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn providers() -> Result<Vec<(String, String)>, ServerFnError> {
    Ok(backend()?.providers())
}

pub async fn viewer() -> Result<Option<ViewerView>, ServerFnError> {
    let backend = backend()?;
    backend.viewer(&request_headers()).await.map_err(trouble)
}

pub async fn profile() -> Result<Option<ProfileView>, ServerFnError> {
    let backend = backend()?;
    let headers = request_headers();
    let Some(mut profile) = backend.profile(&headers).await.map_err(trouble)? else {
        return Ok(None);
    };
    if let Some(token) = cookie(&headers, NEW_TOKEN_COOKIE).filter(|t| t.starts_with("hb_")) {
        profile.new_token = Some(token.to_owned());
        // Shown once: the cookie is removed with this response.
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.append_header(
                http::header::SET_COOKIE,
                http::HeaderValue::from_static(
                    "hb_new_token=; Path=/me; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
        }
    }
    Ok(Some(profile))
}

pub async fn registration_page(
    slug: String,
) -> Result<Option<RegistrationPageView>, ServerFnError> {
    backend()?
        .registration_page(&slug, &request_headers())
        .await
        .map_err(trouble)
}

pub async fn registrations(
    slug: String,
    filter: Vec<(String, String)>,
) -> Result<Option<RegistrationsView>, ServerFnError> {
    backend()?
        .registrations(&slug, &request_headers(), &filter)
        .await
        .map_err(trouble)
}

pub async fn my_team(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<MyTeamView>, ServerFnError> {
    backend()?
        .my_team(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn finder(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<FinderView>, ServerFnError> {
    backend()?
        .finder(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn answer_team_request(
    slug: String,
    id: i64,
    accept: bool,
) -> Result<Option<TeamAnswer>, ServerFnError> {
    let backend = backend()?;
    let headers = request_headers();
    let Some(notice) = backend
        .answer_team_request(&slug, &headers, id, accept)
        .await
        .map_err(trouble)?
    else {
        return Ok(None);
    };
    let team = backend
        .my_team(&slug, &headers, &[])
        .await
        .map_err(trouble)?
        .and_then(|v| v.team);
    Ok(Some(TeamAnswer { notice, team }))
}

pub async fn credits(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<CreditsView>, ServerFnError> {
    backend()?
        .credits(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn submission(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<SubmissionPageView>, ServerFnError> {
    backend()?
        .submission(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn eligibility_report(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<EligibilityReportView>, ServerFnError> {
    backend()?
        .eligibility_report(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn gallery(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<GalleryView>, ServerFnError> {
    backend()?
        .gallery(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn results(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<ResultsView>, ServerFnError> {
    backend()?
        .results(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn likes_review(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<LikesReviewView>, ServerFnError> {
    backend()?
        .likes_review(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

pub async fn set_like(slug: String, id: i64, like: bool) -> Result<Option<LikeOut>, ServerFnError> {
    backend()?
        .set_like(&slug, &request_headers(), id, like)
        .await
        .map_err(trouble)
}

pub async fn project(slug: String, id: i64) -> Result<Option<ProjectView>, ServerFnError> {
    backend()?
        .project(&slug, id, &request_headers())
        .await
        .map_err(trouble)
}

pub async fn teams_admin(
    slug: String,
    query: Vec<(String, String)>,
) -> Result<Option<TeamsAdminView>, ServerFnError> {
    backend()?
        .teams_admin(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

fn viewer_zone() -> Option<Tz> {
    use_context::<http::request::Parts>().and_then(|p| viewer_zone_from_headers(&p.headers))
}

pub async fn home() -> Result<HomeView, ServerFnError> {
    let backend = backend()?;
    let events = backend.events().await.map_err(trouble)?;
    Ok(home_view(&events, backend.now()))
}

pub async fn event_page(slug: String) -> Result<Option<EventView>, ServerFnError> {
    let backend = backend()?;
    let Some(def) = backend.event(&slug).await.map_err(trouble)? else {
        return Ok(None);
    };
    let view = event_view(&def, backend.now(), viewer_zone(), &|md| {
        backend.markdown(md)
    });
    Ok(Some(view))
}

/// "Paris" for Europe/Paris, "Kiritimati" for Pacific/Kiritimati.
pub fn zone_city(zone: Tz) -> String {
    zone.name()
        .rsplit('/')
        .next()
        .unwrap_or(zone.name())
        .replace('_', " ")
}

fn phase_words(phase: Phase) -> String {
    phase.label().to_owned()
}

pub fn home_view(events: &[EventDefinition], now: DateTime<Utc>) -> HomeView {
    let mut home = HomeView {
        upcoming: vec![],
        live: vec![],
        past: vec![],
    };
    for def in events {
        let starts = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingStarts)
            .map(|m| describe_defined(&m.time));
        let card = EventCard {
            slug: def.slug.to_string(),
            name: def.name.clone(),
            format: def.format.label().to_owned(),
            phase: phase_words(timeline::phase_at(&def.milestones, now, def.home_zone)),
            when: starts
                .map(|s| format!("Hacking starts {s}"))
                .unwrap_or_default(),
        };
        match timeline::status_at(&def.milestones, now) {
            EventStatus::Upcoming => home.upcoming.push(card),
            EventStatus::Live => home.live.push(card),
            EventStatus::Past => home.past.push(card),
        }
    }
    home
}

/// A milestone time as its organizers defined it.
pub fn describe_defined(time: &MilestoneTime) -> String {
    match time {
        MilestoneTime::Instant { utc, zone } => format!(
            "{} {}",
            crate::format::short(utc.with_timezone(zone).naive_local()),
            zone_city(*zone)
        ),
        MilestoneTime::Local { local } => format!("{} local time", crate::format::short(*local)),
    }
}

pub fn event_view(
    def: &EventDefinition,
    now: DateTime<Utc>,
    viewer: Option<Tz>,
    markdown: &dyn Fn(&str) -> String,
) -> EventView {
    let zone = viewer.unwrap_or(def.home_zone);
    let time_ref = |time: &MilestoneTime| TimeRef {
        utc_ms: timeline::resolve(time, zone).timestamp_millis(),
        local: match time {
            MilestoneTime::Local { local } => Some(local.format("%Y-%m-%dT%H:%M:%S").to_string()),
            MilestoneTime::Instant { .. } => None,
        },
    };
    let milestones = def
        .milestones
        .iter()
        .map(|m| {
            let at = timeline::resolve(&m.time, zone);
            let viewer_text = match (&m.time, viewer) {
                (MilestoneTime::Local { local }, _) => {
                    format!("{} your time", crate::format::short(*local))
                }
                (MilestoneTime::Instant { utc, .. }, Some(v)) => format!(
                    "{} your time",
                    crate::format::short(utc.with_timezone(&v).naive_local())
                ),
                (MilestoneTime::Instant { utc, .. }, None) => {
                    format!("{} UTC", crate::format::short(utc.naive_utc()))
                }
            };
            let utc_spread = match &m.time {
                MilestoneTime::Local { .. } => {
                    let (first, last) = timeline::utc_spread(&m.time);
                    Some(format!(
                        "reached between {} and {} UTC around the world",
                        crate::format::short(first.naive_utc()),
                        crate::format::short(last.naive_utc())
                    ))
                }
                MilestoneTime::Instant { .. } => None,
            };
            MilestoneView {
                kind: m.kind.key().to_owned(),
                title: m.title.clone(),
                time: time_ref(&m.time),
                defined: describe_defined(&m.time),
                viewer: viewer_text,
                utc_spread,
                passed: now >= at,
            }
        })
        .collect();
    let countdown = timeline::upcoming(&def.milestones, now, zone)
        .into_iter()
        .map(|u| {
            let m = &def.milestones[u.index];
            CountdownItem {
                title: m.title.clone(),
                time: time_ref(&m.time),
            }
        })
        .collect();
    EventView {
        slug: def.slug.to_string(),
        name: def.name.clone(),
        format: def.format.label().to_owned(),
        description_html: markdown(&def.description),
        rules_html: markdown(&def.rules),
        home_zone: def.home_zone.name().to_owned(),
        viewer_zone: viewer.map(|z| z.name().to_owned()),
        hf_org: def.hf_org.clone(),
        team_size: if def.team_size.min == def.team_size.max {
            def.team_size.min.to_string()
        } else {
            format!("{}–{}", def.team_size.min, def.team_size.max)
        },
        phase: phase_words(timeline::phase_at(&def.milestones, now, zone)),
        now_ms: now.timestamp_millis(),
        countdown,
        milestones,
        tracks: def
            .tracks
            .iter()
            .map(|t| TrackView {
                name: t.name.clone(),
                sponsor: t.sponsor.clone(),
                description_html: markdown(&t.description),
                requirements: t.requirements.clone(),
            })
            .collect(),
        offers: def
            .offers
            .iter()
            .map(|o| OfferView {
                sponsor: o.sponsor.clone(),
                value: o.value.clone(),
                per: match o.per {
                    hackboard_domain::OfferUnit::Person => "per person".to_owned(),
                    hackboard_domain::OfferUnit::Team => "per team".to_owned(),
                },
                redeem_html: markdown(&o.redeem),
            })
            .collect(),
        links: def
            .links
            .iter()
            .map(|l| LinkView {
                label: l.label.clone(),
                url: l.url.clone(),
            })
            .collect(),
    }
}

/// The document around every page. `css_href` is the content-hashed
/// stylesheet the server found at start.
pub fn shell(options: LeptosOptions, css_href: Arc<str>) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href=css_href.to_string() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
