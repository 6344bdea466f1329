//! The gallery, the likes results and the organizers' likes review, as
//! pages; the like button's state for a viewer.

use crate::likes::actions::{GALLERY_ORDERS, gallery_order, standings};
use crate::state::AppBackend;
use crate::store::{StoredEvent, User};
use crate::web::logged;
use crate::web::peer::PEER_HEADER;
use crate::web::viewer::PageViewer;
use chrono::{DateTime, Duration};
use chrono_tz::Tz;
use hackboard_app::port::BackendError;
use hackboard_app::wire::{
    GalleryCard, GalleryView, LikeButtonView, LikesReviewView, Notice, ResultsView, ReviewGroup,
    ReviewLike, StandingRow,
};
use hackboard_domain::gallery::{self, WILD_CARD_RULE, likes_cutoff, visitor_order};
use hackboard_domain::submission::SubmissionContent;
use std::collections::{HashMap, HashSet};

const PER_PAGE: usize = 24;

/// Each event's gallery, when it was read (real time and the clock's
/// second), and each event's turn to read it (kept in
/// `AppBackend::caches`).
#[derive(Debug, Default)]
pub(crate) struct GalleryCache {
    read: std::sync::RwLock<HashMap<i64, ReadGallery>>,
    turns: std::sync::Mutex<HashMap<i64, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

/// An event's gallery data and when it was read (real time, clock second).
type ReadGallery = (std::time::Instant, i64, std::sync::Arc<GalleryData>);

/// What every viewer of an event's gallery shares, read at most once a
/// second: counts in it are at most a second old (a like answers with the
/// fresh count of its project).
#[derive(Debug)]
pub(crate) struct GalleryData {
    cards: Vec<CardData>,
    /// The counts are the frozen ones.
    frozen: bool,
}

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn param<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter()
        .find(|(key, v)| key == k && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// What the viewer's like button shows.
pub(crate) struct Viewer {
    pub user: Option<User>,
    pub team: Option<i64>,
    pub liked: HashSet<i64>,
}

impl AppBackend {
    pub(crate) async fn viewer_for_likes(
        &self,
        event: &StoredEvent,
        headers: &http::HeaderMap,
    ) -> Result<Viewer, BackendError> {
        let user = self.signed_in(headers).await?;
        let (team, liked) = match &user {
            Some(u) => (
                self.store
                    .team_of(event.id, u.id)
                    .await
                    .map_err(logged)?
                    .map(|t| t.id),
                self.store
                    .liked_by(event.id, u.id)
                    .await
                    .map_err(logged)?
                    .into_iter()
                    .collect(),
            ),
            None => (None, HashSet::new()),
        };
        Ok(Viewer { user, team, liked })
    }

    pub(crate) fn like_button(
        &self,
        event: &StoredEvent,
        id: i64,
        team: Option<i64>,
        likes: i64,
        viewer: &Viewer,
    ) -> LikeButtonView {
        let slug = event.definition.slug.as_str().to_owned();
        let now = self.clock.now();
        let note = if let Err(why) = gallery::likes_open(&event.definition, now) {
            Some(why)
        } else if viewer.user.is_none() {
            Some("Sign in to like projects.".to_owned())
        } else if team.is_some() && team == viewer.team {
            Some("Your team's project.".to_owned())
        } else {
            None
        };
        LikeButtonView {
            slug,
            id,
            likes,
            liked: viewer.liked.contains(&id),
            can_like: note.is_none(),
            note,
        }
    }

    pub(crate) async fn gallery_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<GalleryView>, BackendError> {
        let Some(event) = self.stored_event(slug).await.map_err(logged)? else {
            return Ok(None);
        };
        let def = &event.definition;
        let now = self.clock.now();
        let viewer = self.viewer_for_likes(&event, headers).await?;
        let zone: Tz = viewer
            .user
            .as_ref()
            .and_then(|u| u.time_zone.parse().ok())
            .unwrap_or(def.home_zone);
        let track = param(q, "track").unwrap_or("").to_owned();
        let text = param(q, "q").unwrap_or("").trim().to_owned();
        let sort = match param(q, "sort") {
            Some("likes") => "likes",
            Some("newest") => "newest",
            _ => "random",
        }
        .to_owned();
        let mut view = GalleryView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            closed_until: None,
            likes_note: String::new(),
            tracks: def
                .tracks
                .iter()
                .map(|t| (t.slug.as_str().to_owned(), t.name.clone()))
                .collect(),
            track: track.clone(),
            q: text.clone(),
            sort: sort.clone(),
            page: 1,
            pages: 1,
            total: 0,
            cards: vec![],
        };
        if !gallery::is_open(def, now) {
            view.closed_until = gallery::opens_at(def).map(|t| {
                format!(
                    "The gallery opens on {} (your time).",
                    t.with_timezone(&zone).format("%A %d %B %H:%M")
                )
            });
            return Ok(Some(view));
        }
        let data = self.gallery_cards(&event).await?;
        view.likes_note = match (data.frozen, likes_cutoff(def)) {
            (true, _) => {
                "Likes are closed: the counts shown were frozen at the likes extraction.".to_owned()
            }
            (false, Some(c)) => format!(
                "Likes are open until {} (your time).",
                c.with_timezone(&zone).format("%A %d %B %H:%M")
            ),
            (false, None) => "Likes are open.".to_owned(),
        };
        let needle = text.to_lowercase();
        let mut shown: Vec<&CardData> = data
            .cards
            .iter()
            .filter(|c| track.is_empty() || c.track_slugs.contains(&track))
            .filter(|c| needle.is_empty() || c.haystack.contains(&needle))
            .collect();
        match sort.as_str() {
            "likes" => shown.sort_by(|a, b| b.likes.cmp(&a.likes).then(a.id.cmp(&b.id))),
            "newest" => shown.sort_by_key(|c| std::cmp::Reverse(c.submitted_at)),
            _ => {
                let order = gallery_order(
                    &self.config,
                    viewer.user.as_ref().map(|u| u.id),
                    header(headers, PEER_HEADER),
                    header(headers, "user-agent"),
                );
                visitor_order(&mut shown, slug, order, GALLERY_ORDERS, |c| c.id);
            }
        }
        view.total = shown.len();
        view.pages = view.total.div_ceil(PER_PAGE).max(1);
        view.page = param(q, "page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, view.pages);
        view.cards = shown
            .into_iter()
            .skip((view.page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|c| GalleryCard {
                id: c.id,
                title: c.title.clone(),
                tagline: c.tagline.clone(),
                team: c.team.clone(),
                tracks: c.tracks.clone(),
                cover_url: c.cover_url.clone(),
                eligibility: c.eligibility.clone(),
                eligibility_label: crate::eligibility::actions::status_label(&c.eligibility),
                like: self.like_button(&event, c.id, c.team_id, c.likes, &viewer),
            })
            .collect();
        Ok(Some(view))
    }

    /// The gallery's data for an event, read at most once a second.
    async fn gallery_cards(
        &self,
        event: &StoredEvent,
    ) -> Result<std::sync::Arc<GalleryData>, BackendError> {
        let second = self.clock.now().timestamp();
        let gallery = self.caches.get::<GalleryCache>();
        let fresh = || {
            let cache = gallery.read.read().ok()?;
            let (at, at_second, data) = cache.get(&event.id)?;
            (at.elapsed() < std::time::Duration::from_secs(1) && *at_second == second)
                .then(|| data.clone())
        };
        if let Some(data) = fresh() {
            return Ok(data);
        }
        // One reader at a time per event: the others wait and take what it read
        // (rather than all reading the whole event the same second).
        let turn = match gallery.turns.lock() {
            Ok(mut turns) => turns.entry(event.id).or_default().clone(),
            Err(_) => Default::default(),
        };
        let _reading = turn.lock().await;
        if let Some(data) = fresh() {
            return Ok(data);
        }
        let def = &event.definition;
        let store = &self.store;
        let teams: HashMap<i64, String> = store
            .teams(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        let snapshot = store.like_snapshot(event.id).await.map_err(logged)?;
        let frozen = snapshot.is_some();
        let counts: HashMap<i64, i64> = match snapshot {
            Some(s) => s
                .counts()
                .into_iter()
                .map(|c| (c.submission_id, c.likes))
                .collect(),
            None => store
                .like_counts(event.id)
                .await
                .map_err(logged)?
                .into_iter()
                .collect(),
        };
        let covers: HashMap<i64, String> = store
            .cover_hashes(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .collect();
        let report = crate::eligibility::actions::report(store, event.id)
            .await
            .map_err(logged)?;
        let slug = def.slug.as_str();
        let cards: Vec<CardData> = report
            .iter()
            .filter(|r| r.submission.status == "submitted")
            .map(|r| {
                let s = &r.submission;
                let content = SubmissionContent::from_json(&s.content);
                let tracks: Vec<String> = content
                    .tracks
                    .iter()
                    .filter_map(|t| def.tracks.iter().find(|x| x.slug.as_str() == t))
                    .map(|t| t.name.clone())
                    .collect();
                let team = s
                    .team_id
                    .and_then(|t| teams.get(&t).cloned())
                    .unwrap_or_default();
                let haystack = format!(
                    "{} {} {} {} {}",
                    content.title,
                    content.tagline,
                    team,
                    content.built_with.join(" "),
                    content.description
                )
                .to_lowercase();
                CardData {
                    id: s.id,
                    team_id: s.team_id,
                    title: content.title,
                    tagline: content.tagline,
                    team,
                    tracks,
                    track_slugs: content.tracks,
                    cover_url: covers
                        .get(&s.id)
                        .map(|h| crate::submissions::actions::cover_path(slug, s.id, h)),
                    eligibility: r.status().to_owned(),
                    likes: counts.get(&s.id).copied().unwrap_or(0),
                    submitted_at: s.submitted_at.unwrap_or(s.updated_at),
                    haystack,
                }
            })
            .collect();
        let data = std::sync::Arc::new(GalleryData { cards, frozen });
        if let Ok(mut cache) = gallery.read.write() {
            cache.insert(event.id, (std::time::Instant::now(), second, data.clone()));
        }
        Ok(data)
    }

    /// Forgets the galleries read (after a void, which should show at once).
    pub(crate) fn gallery_cache_clear(&self) {
        if let Ok(mut cache) = self.caches.get::<GalleryCache>().read.write() {
            cache.clear();
        }
    }

    pub(crate) async fn results_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<ResultsView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let def = &event.definition;
        let now = self.clock.now();
        let organizer = match &user {
            Some(u) => crate::auth::may_organize(&self.store, event.id, u)
                .await
                .map_err(logged)?,
            None => false,
        };
        let zone: Tz = user
            .as_ref()
            .and_then(|u| u.time_zone.parse().ok())
            .unwrap_or(def.home_zone);
        let when = |t: DateTime<chrono::Utc>| {
            t.with_timezone(&zone)
                .format("%A %d %B %Y %H:%M")
                .to_string()
        };
        let snapshot = self.store.like_snapshot(event.id).await.map_err(logged)?;
        // Before the gallery opens, counts are not public.
        if !gallery::is_open(def, now) && !organizer {
            return Ok(None);
        }
        let report = crate::eligibility::actions::report(&self.store, event.id)
            .await
            .map_err(logged)?;
        let (standings, proposed) = standings(&self.store, &event, &report, now)
            .await
            .map_err(logged)?;
        let subs: HashMap<i64, (String, String)> = report
            .into_iter()
            .map(|r| {
                (
                    r.submission.id,
                    (
                        SubmissionContent::from_json(&r.submission.content).title,
                        r.team.unwrap_or_default(),
                    ),
                )
            })
            .collect();
        let title = |id: i64| subs.get(&id).map(|s| s.0.clone()).unwrap_or_default();
        let rows = standings
            .iter()
            .enumerate()
            .map(|(i, s)| StandingRow {
                rank: i + 1,
                id: s.submission_id,
                title: title(s.submission_id),
                team: subs
                    .get(&s.submission_id)
                    .map(|x| x.1.clone())
                    .unwrap_or_default(),
                frozen: s.frozen,
                voided_after: s.voided_after,
                likes: s.likes,
                eligible: s.eligible,
            })
            .collect();
        let confirmed = self.store.wild_card(event.id).await.map_err(logged)?;
        Ok(Some(ResultsView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            notice: crate::web::verified_notice(
                &self.config,
                param(q, "ok"),
                param(q, "err"),
                param(q, "sig"),
            )
            .map(|(ok, text)| Notice { ok, text }),
            cutoff: likes_cutoff(def)
                .map(|c| format!("{} (your time)", when(c)))
                .unwrap_or_else(|| "No likes extraction is set.".into()),
            frozen: snapshot.is_some(),
            sha256: snapshot.as_ref().map(|s| s.sha256.clone()),
            canonical: snapshot.as_ref().map(|s| s.counts.clone()),
            rule: WILD_CARD_RULE.to_owned(),
            rows,
            proposed: proposed.map(|id| {
                let likes = standings
                    .iter()
                    .find(|s| s.submission_id == id)
                    .map_or(0, |s| s.likes);
                (id, title(id), likes)
            }),
            confirmed: confirmed.map(|w| {
                (
                    title(w.submission_id),
                    w.likes,
                    w.confirmed_by.unwrap_or_default(),
                    DateTime::from_timestamp_millis(w.confirmed_at)
                        .map(when)
                        .unwrap_or_default(),
                )
            }),
            organizer,
        }))
    }

    pub(crate) async fn likes_review_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<LikesReviewView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let mut view = LikesReviewView {
            slug: slug.to_owned(),
            event_name: event.definition.name.clone(),
            signed_in: false,
            allowed: false,
            notice: None,
            total: 0,
            groups: vec![],
            voided: vec![],
        };
        let user = match self.staff_viewer(event.id, user).await? {
            Some((user, true)) => user,
            signed_in => {
                view.signed_in = signed_in.is_some();
                return Ok(Some(view));
            }
        };
        view.signed_in = true;
        view.allowed = true;
        view.notice = crate::web::verified_notice(
            &self.config,
            param(q, "ok"),
            param(q, "err"),
            param(q, "sig"),
        )
        .map(|(ok, text)| Notice { ok, text });
        let zone: Tz = user.time_zone.parse().unwrap_or(event.definition.home_zone);
        let log = self.store.like_log(event.id).await.map_err(logged)?;
        let titles: HashMap<i64, String> = self
            .store
            .submissions(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|s| (s.id, SubmissionContent::from_json(&s.content).title))
            .collect();
        let registered: HashSet<i64> = self
            .store
            .registrations(event.id, &Default::default())
            .await
            .map_err(logged)?
            .into_iter()
            .filter(|r| r.status == "registered")
            .map(|r| r.user_id)
            .collect();
        view.total = log.len();
        let row = |l: &crate::store::LikeLogRow| ReviewLike {
            id: l.id,
            who: l.display_name.clone(),
            project: titles.get(&l.submission_id).cloned().unwrap_or_default(),
            when: DateTime::from_timestamp_millis(l.created_at)
                .map(|t| {
                    t.with_timezone(&zone)
                        .format("%a %d %b %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default(),
            state: match (&l.voided_at, &l.withdrawn_at) {
                (Some(_), _) => format!("voided: {}", l.void_reason.clone().unwrap_or_default()),
                (None, Some(_)) => "withdrawn".into(),
                _ => "counted".into(),
            },
        };
        let live: Vec<&crate::store::LikeLogRow> = log
            .iter()
            .filter(|l| l.voided_at.is_none() && l.withdrawn_at.is_none())
            .collect();
        // Bursts: many likes of one project from one network in 10 minutes.
        let mut by_net: HashMap<(i64, &str), Vec<&crate::store::LikeLogRow>> = HashMap::new();
        for l in &live {
            by_net
                .entry((l.submission_id, l.client_hash.as_str()))
                .or_default()
                .push(l);
        }
        let window = Duration::minutes(10).num_milliseconds();
        let mut bursts: Vec<ReviewGroup> = by_net
            .into_iter()
            .filter_map(|((sub, _), likes)| {
                let best = likes
                    .iter()
                    .map(|a| {
                        likes
                            .iter()
                            .filter(|b| {
                                b.created_at >= a.created_at
                                    && b.created_at - a.created_at <= window
                            })
                            .count()
                    })
                    .max()
                    .unwrap_or(0);
                (best >= 5).then(|| ReviewGroup {
                    kind: "burst".into(),
                    title: format!(
                        "{best} likes of “{}” from one network within 10 minutes",
                        titles.get(&sub).cloned().unwrap_or_default()
                    ),
                    likes: likes.iter().map(|l| row(l)).collect(),
                })
            })
            .collect();
        bursts.sort_by_key(|g| std::cmp::Reverse(g.likes.len()));
        view.groups.extend(bursts);
        // Accounts created shortly before liking.
        let fresh: Vec<ReviewLike> = live
            .iter()
            .filter(|l| l.created_at - l.account_created_at < Duration::hours(1).num_milliseconds())
            .map(|l| row(l))
            .collect();
        if !fresh.is_empty() {
            view.groups.push(ReviewGroup {
                kind: "new_accounts".into(),
                title: format!(
                    "{} likes from accounts created less than an hour before",
                    fresh.len()
                ),
                likes: fresh,
            });
        }
        // Accounts whose only activity is one like.
        let mut per_user: HashMap<i64, usize> = HashMap::new();
        for l in &log {
            *per_user.entry(l.user_id).or_default() += 1;
        }
        let single: Vec<ReviewLike> = live
            .iter()
            .filter(|l| per_user.get(&l.user_id) == Some(&1) && !registered.contains(&l.user_id))
            .map(|l| row(l))
            .collect();
        if !single.is_empty() {
            view.groups.push(ReviewGroup {
                kind: "single_purpose".into(),
                title: format!(
                    "{} likes from accounts whose only activity here is that one like (not registered)",
                    single.len()
                ),
                likes: single,
            });
        }
        view.voided = log
            .iter()
            .filter(|l| l.voided_at.is_some())
            .map(row)
            .collect();
        Ok(Some(view))
    }
}

/// A submitted project as the gallery needs it.
#[derive(Debug, Clone)]
pub(crate) struct CardData {
    id: i64,
    team_id: Option<i64>,
    title: String,
    tagline: String,
    team: String,
    tracks: Vec<String>,
    track_slugs: Vec<String>,
    cover_url: Option<String>,
    eligibility: String,
    likes: i64,
    submitted_at: i64,
    haystack: String,
}
