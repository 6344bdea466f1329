//! The submission page as a team member sees it: the form (with their own
//! text again after a save that could not be applied, and what to fix),
//! the deadline in the team's time and theirs, and every version.

use crate::state::AppBackend;
use crate::submissions::actions::{SubmitActor, SubmitFail};
use crate::web::logged;
use crate::web::viewer::PageViewer;
use chrono::DateTime;
use chrono_tz::Tz;
use hackboard_app::port::{Backend, BackendError};
use hackboard_app::wire::{FieldProblem, HistoryRow, Notice, ProjectView, SubmissionPageView};
use hackboard_domain::MilestoneKind;
use hackboard_domain::submission::{SubmissionContent, check};
use hackboard_domain::team::closed_words;
use hackboard_domain::timeline::resolve;

impl AppBackend {
    pub(crate) async fn submission_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<SubmissionPageView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let def = &event.definition;
        let get = |k: &str| {
            q.iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let mut view = SubmissionPageView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            notice: crate::web::verified_notice(&self.config, get("ok"), get("err"), get("sig"))
                .map(|(ok, text)| Notice { ok, text }),
            refusal: None,
            team: String::new(),
            version: 0,
            status: "none".into(),
            hash: None,
            project_url: None,
            closed_because: None,
            deadline: String::new(),
            title: String::new(),
            tagline: String::new(),
            description: String::new(),
            github_url: String::new(),
            hf_urls: String::new(),
            demo_video_url: String::new(),
            live_demo_url: String::new(),
            built_with: String::new(),
            tracks: vec![],
            tracks_per_team: def.tracks_per_team,
            problems: vec![],
            conflict: None,
            description_html: String::new(),
            history: vec![],
            checklist: None,
            cover_url: None,
        };
        let Some(user) = user else {
            return Ok(Some(view));
        };
        let actor = SubmitActor {
            store: &self.store,
            config: &self.config,
            event: &event,
            user: &user,
            now,
        };
        let (team, sub) = match actor.current().await {
            Ok(v) => v,
            Err(SubmitFail::Refused(m)) => {
                view.refusal = Some(m);
                return Ok(Some(view));
            }
            Err(SubmitFail::Store(e)) => return Err(logged(e)),
            Err(_) => return Err(BackendError),
        };
        let viewer_zone: Tz = user.time_zone.parse().unwrap_or(Tz::UTC);
        let team_zone: Tz = team.time_zone.parse().unwrap_or(Tz::UTC);
        view.team = team.name.clone();
        view.closed_because = match actor.open(&team).await {
            Ok(()) => None,
            Err(SubmitFail::Refused(m)) => Some(m),
            Err(SubmitFail::Store(e)) => return Err(logged(e)),
            Err(_) => return Err(BackendError),
        };
        if let Some(m) = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingEnds)
        {
            let at = resolve(&m.time, team_zone);
            view.deadline = closed_words(m, at, team_zone, viewer_zone);
        }
        let mut content = SubmissionContent::default();
        let team_tracks = self.store.team_tracks(team.id).await.map_err(logged)?;
        if let Some(s) = &sub {
            view.version = s.version;
            view.status = s.status.clone();
            view.hash = Some(s.content_hash.clone());
            view.project_url = Some(format!("/events/{slug}/projects/{}", s.id));
            content = SubmissionContent::from_json(&s.content);
            view.description_html = self.markdown(&content.description);
            let when = |ms: i64| {
                DateTime::from_timestamp_millis(ms)
                    .map(|t| {
                        t.with_timezone(&viewer_zone)
                            .format("%a %d %b %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default()
            };
            view.history = self
                .store
                .submission_versions(s.id)
                .await
                .map_err(logged)?
                .into_iter()
                .map(|v| HistoryRow {
                    version: v.version,
                    accepted: v.accepted,
                    status: v.status,
                    who: v.saved_by.unwrap_or_default(),
                    when: when(v.saved_at),
                    hash: v.content_hash,
                })
                .collect();
            let check = self.store.check_of(s.id).await.map_err(logged)?;
            if let Some(check) = check {
                let overrides = self
                    .store
                    .overrides_of_event(event.id)
                    .await
                    .map_err(logged)?;
                let decided = crate::eligibility::actions::decided(
                    check.checklist.as_deref(),
                    &crate::eligibility::actions::overrides_of(&overrides, s.id),
                );
                view.checklist = Some(crate::eligibility::actions::checklist_view(
                    decided.as_ref(),
                    &check,
                    viewer_zone,
                    &s.content_hash,
                ));
            }
            view.cover_url = self.cover_url(slug, s.id).await?;
        } else {
            content.tracks = team_tracks;
        }
        // After a save that could not be applied: the person's own text
        // again, what to fix, and what someone else saved meanwhile.
        if let Some(id) = get("attempt").and_then(|a| a.parse::<i64>().ok())
            && let Some((base, submit, text)) = self
                .store
                .attempt(event.id, team.id, id)
                .await
                .map_err(logged)?
        {
            let mine = SubmissionContent::from_json(&text);
            if let Err(problems) = check(&mine, def, submit) {
                view.problems = problems
                    .into_iter()
                    .map(|p| FieldProblem {
                        field: p.field,
                        message: p.message,
                    })
                    .collect();
            }
            if base < view.version {
                view.conflict = Some(format!(
                    "Version {} was saved by someone else while you edited version {base}. Your text is in the form; theirs is below. Merge them and save.",
                    view.version
                ));
            }
            content = mine;
        }
        view.title = content.title;
        view.tagline = content.tagline;
        view.description = content.description;
        view.github_url = content.github_url;
        view.hf_urls = content.hf_urls.join("\n");
        view.demo_video_url = content.demo_video_url;
        view.live_demo_url = content.live_demo_url;
        view.built_with = content.built_with.join(", ");
        view.tracks = def
            .tracks
            .iter()
            .map(|t| {
                (
                    t.slug.as_str().to_owned(),
                    t.name.clone(),
                    content.tracks.iter().any(|c| c == t.slug.as_str()),
                )
            })
            .collect();
        Ok(Some(view))
    }

    /// A project page. Public once the project is submitted and the gallery
    /// is open (its milestone, by default the submission deadline, reached
    /// in every zone); before that, only its team and organizers see it, as a
    /// preview. Drafts are never public.
    pub(crate) async fn project_view(
        &self,
        slug: &str,
        id: i64,
        headers: &http::HeaderMap,
    ) -> Result<Option<ProjectView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let Some(sub) = self
            .store
            .submissions(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .find(|s| s.id == id)
        else {
            return Ok(None);
        };
        let now = self.clock.now();
        let def = &event.definition;
        let public = sub.status == "submitted" && hackboard_domain::gallery::is_open(def, now);
        let preview = if public {
            None
        } else {
            let Some(user) = user else {
                return Ok(None);
            };
            let member = match (sub.team_id, self.store.team_of(event.id, user.id).await) {
                (Some(t), Ok(Some(mine))) => mine.id == t,
                (_, Err(e)) => return Err(logged(e)),
                _ => false,
            };
            let organizer = crate::auth::may_organize(&self.store, event.id, &user)
                .await
                .map_err(logged)?;
            if !(member || organizer) {
                return Ok(None);
            }
            Some(if sub.status == "submitted" {
                "A preview: this page becomes public when the gallery opens, after the submission deadline.".to_owned()
            } else {
                "A preview of a draft: only your team and the organizers see it. Submit it to make it public when the gallery opens.".to_owned()
            })
        };
        let content = SubmissionContent::from_json(&sub.content);
        let (team, members) = match sub.team_id {
            Some(t) => {
                let team = self.store.team(event.id, t).await.map_err(logged)?;
                let members = self
                    .store
                    .team_members(t)
                    .await
                    .map_err(logged)?
                    .into_iter()
                    .map(|m| m.display_name)
                    .collect();
                (team.map(|t| t.name).unwrap_or_default(), members)
            }
            None => (String::new(), vec![]),
        };
        let viewer = self.viewer_for_likes(&event, headers).await?;
        let likes = match self.store.like_snapshot(event.id).await.map_err(logged)? {
            Some(s) => s
                .counts()
                .into_iter()
                .find(|c| c.submission_id == id)
                .map_or(0, |c| c.likes),
            None => self.store.like_count(id).await.map_err(logged)?,
        };
        let like = self.like_button(&event, id, sub.team_id, likes, &viewer);
        Ok(Some(ProjectView {
            like,
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            id,
            title: content.title.clone(),
            tagline: content.tagline.clone(),
            team,
            members,
            tracks: content
                .tracks
                .iter()
                .filter_map(|t| def.tracks.iter().find(|x| x.slug.as_str() == t))
                .map(|t| t.name.clone())
                .collect(),
            description_html: self.markdown(&content.description),
            github_url: content.github_url,
            hf_urls: content.hf_urls,
            demo_video_url: content.demo_video_url,
            live_demo_url: content.live_demo_url,
            built_with: content.built_with,
            preview,
            cover_url: self.cover_url(slug, id).await?,
        }))
    }

    /// The address of a project's cover image (changing with the image).
    pub(crate) async fn cover_url(
        &self,
        slug: &str,
        id: i64,
    ) -> Result<Option<String>, BackendError> {
        Ok(self
            .store
            .cover(id)
            .await
            .map_err(logged)?
            .map(|c| crate::submissions::actions::cover_path(slug, id, &c.sha256)))
    }
}
