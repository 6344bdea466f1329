//! The view models of the team pages: "My team", the team finder and the
//! organizers' team list. Read-only; every change goes through
//! `crate::teams`.

use crate::state::AppBackend;
use crate::store::{StoredEvent, Team, User};
use crate::web::logged;
use crate::web::viewer::PageViewer;
use chrono::{DateTime, Utc};
use hackboard_app::port::{Backend, BackendError};
use hackboard_app::wire::*;
use hackboard_domain::team::{lock_at, membership_open, utc_offset_hours};
use hackboard_domain::timeline::resolve;
use hackboard_domain::timeline::zone_or_utc as zone;
use hackboard_domain::{MilestoneKind, MilestoneTime};

type Query<'a> = &'a [(String, String)];

fn get<'a>(q: Query<'a>, key: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

fn offset_words(hours: i32) -> String {
    match hours {
        0 => "UTC".to_owned(),
        h if h > 0 => format!("UTC+{h}"),
        h => format!("UTC{h}"),
    }
}

impl AppBackend {
    fn notice(&self, q: Query<'_>) -> Option<Notice> {
        crate::web::verified_notice(&self.config, get(q, "ok"), get(q, "err"), get(q, "sig"))
            .map(|(ok, text)| Notice { ok, text })
    }

    /// Accepts or declines as the signed-in viewer, through the same
    /// `teams::Actor` as the form and the API.
    pub(crate) async fn answer_team_request_now(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        id: i64,
        accept: bool,
    ) -> Result<Option<Notice>, BackendError> {
        let Some(PageViewer {
            event,
            user: Some(user),
        }) = self.page_viewer(slug, headers).await?
        else {
            return Ok(None);
        };
        let actor = crate::teams::actions::Actor {
            store: &self.store,
            config: &self.config,
            event: &event,
            user: &user,
            now: self.clock.now(),
        };
        let result = if accept {
            actor
                .accept(id)
                .await
                .map(|_| "Accepted: the team has a new member.".to_owned())
        } else {
            actor.decline(id).await.map(|_| "Declined.".to_owned())
        };
        use crate::teams::actions::ActionError;
        match result {
            Ok(text) => Ok(Some(Notice { ok: true, text })),
            Err(ActionError::Refused(e)) => Ok(Some(Notice {
                ok: false,
                text: e.to_string(),
            })),
            Err(ActionError::Forbidden(m)) => Ok(Some(Notice {
                ok: false,
                text: m.to_owned(),
            })),
            Err(ActionError::Store(e)) => Err(logged(e)),
        }
    }

    async fn is_registered(&self, event: i64, user: i64) -> Result<bool, BackendError> {
        Ok(self
            .store
            .registration_status(event, user)
            .await
            .map_err(logged)?
            == Some(crate::store::RegistrationStatus::Registered))
    }

    fn request_view(r: crate::store::TeamRequest) -> RequestView {
        RequestView {
            id: r.id,
            team_id: r.team_id,
            team_name: r.team_name,
            person: r.display_name,
            kind: r.kind,
            message: r.message,
        }
    }

    async fn team_view(
        &self,
        event: &StoredEvent,
        team: Team,
        viewer: &User,
        now: DateTime<Utc>,
    ) -> Result<TeamView, BackendError> {
        let def = &event.definition;
        let team_zone = zone(&team.time_zone);
        let viewer_zone = zone(&viewer.time_zone);
        let members = self.store.team_members(team.id).await.map_err(logged)?;
        let requests = self.store.requests_of_team(team.id).await.map_err(logged)?;
        let deadlines = def
            .milestones
            .iter()
            .filter(|m| {
                matches!(
                    m.kind,
                    MilestoneKind::TeamFormationLock
                        | MilestoneKind::HackingStarts
                        | MilestoneKind::HackingEnds
                ) || matches!(m.time, MilestoneTime::Local { .. })
            })
            .map(|m| {
                let at = resolve(&m.time, team_zone);
                TeamDeadline {
                    title: m.title.clone(),
                    team_time: format!(
                        "{} ({})",
                        at.with_timezone(&team_zone).format("%a %-d %b %H:%M"),
                        team_zone.name()
                    ),
                    your_time: format!(
                        "{} ({})",
                        at.with_timezone(&viewer_zone).format("%a %-d %b %H:%M"),
                        viewer_zone.name()
                    ),
                    passed: now >= at,
                }
            })
            .collect();
        let max = i64::from(def.team_size.max);
        Ok(TeamView {
            id: team.id,
            name: team.name.clone(),
            description: team.description.clone(),
            time_zone: team.time_zone.clone(),
            size: format!("{}/{}", team.member_count, max),
            full: team.member_count >= max,
            you_are_captain: team.captain_id == viewer.id,
            members: members
                .into_iter()
                .map(|m| MemberView {
                    user_id: m.user_id,
                    name: m.display_name,
                    skills: skills_text(&m.skills),
                    time_zone: m.time_zone,
                    captain: m.user_id == team.captain_id,
                    you: m.user_id == viewer.id,
                })
                .collect(),
            invite_url: format!(
                "{}/events/{}/team?code={}",
                self.config.base_url, def.slug, team.invite_code
            ),
            invite_code: team.invite_code.clone(),
            requests: requests.into_iter().map(Self::request_view).collect(),
            deadlines,
            looking_for_members: team.looking_for_members,
            wanted_skills: team.wanted_skills,
        })
    }

    pub(crate) async fn my_team_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: Query<'_>,
    ) -> Result<Option<MyTeamView>, BackendError> {
        let now = self.clock.now();
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let def = &event.definition;
        let mut view = MyTeamView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            registered: false,
            notice: self.notice(q),
            team: None,
            mine: vec![],
            locked: None,
            tracks: vec![],
            tracks_per_team: def.tracks_per_team,
            max_members: def.team_size.max,
            code: get(q, "code")
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect(),
            your_zone: "UTC".to_owned(),
        };
        let Some(user) = user else {
            return Ok(Some(view));
        };
        view.your_zone = user.time_zone.clone();
        view.registered = self.is_registered(event.id, user.id).await?;
        let team = self
            .store
            .team_of(event.id, user.id)
            .await
            .map_err(logged)?;
        let team_zone = team
            .as_ref()
            .map(|t| zone(&t.time_zone))
            .unwrap_or_else(|| zone(&user.time_zone));
        view.locked = membership_open(&def.milestones, now, team_zone, zone(&user.time_zone))
            .err()
            .map(|e| e.to_string());
        let chosen = match &team {
            Some(t) => self.store.team_tracks(t.id).await.map_err(logged)?,
            None => vec![],
        };
        view.tracks = def
            .tracks
            .iter()
            .map(|t| TrackChoice {
                slug: t.slug.as_str().to_owned(),
                name: t.name.clone(),
                sponsor: t.sponsor.clone(),
                goal_html: self.markdown(&t.description),
                requirements: t.requirements.clone(),
                chosen: chosen.iter().any(|c| c == t.slug.as_str()),
            })
            .collect();
        view.mine = self
            .store
            .requests_of_user(event.id, user.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(Self::request_view)
            .collect();
        if let Some(t) = team {
            view.team = Some(self.team_view(&event, t, &user, now).await?);
        }
        Ok(Some(view))
    }

    pub(crate) async fn finder_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: Query<'_>,
    ) -> Result<Option<FinderView>, BackendError> {
        let now = self.clock.now();
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let def = &event.definition;
        let skill = get(q, "skill").unwrap_or_default().trim().to_lowercase();
        let track = get(q, "track").unwrap_or_default().to_owned();
        let tz_from: Option<i32> = get(q, "tz_from").and_then(|v| v.parse().ok());
        let tz_to: Option<i32> = get(q, "tz_to").and_then(|v| v.parse().ok());
        let in_range = |h: i32| tz_from.is_none_or(|f| h >= f) && tz_to.is_none_or(|t| h <= t);
        let track_name = |slug: &str| {
            def.tracks
                .iter()
                .find(|t| t.slug.as_str() == slug)
                .map(|t| t.name.clone())
        };
        let mut view = FinderView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            registered: false,
            your_team: None,
            looking: false,
            idea: String::new(),
            your_track: None,
            notice: self.notice(q),
            people: vec![],
            teams: vec![],
            tracks: def
                .tracks
                .iter()
                .map(|t| (t.slug.as_str().to_owned(), t.name.clone()))
                .collect(),
            skill: get(q, "skill").unwrap_or_default().to_owned(),
            track: track.clone(),
            tz_from: tz_from.map(|v| v.to_string()).unwrap_or_default(),
            tz_to: tz_to.map(|v| v.to_string()).unwrap_or_default(),
        };
        // Only registered participants see who is looking (names and
        // skills are shared with fellow participants, not the public).
        let Some(user) = user else {
            return Ok(Some(view));
        };
        view.registered = self.is_registered(event.id, user.id).await?;
        let organizer = crate::auth::may_organize(&self.store, event.id, &user)
            .await
            .map_err(logged)?;
        if !view.registered && !organizer {
            return Ok(Some(view));
        }
        view.your_team = self
            .store
            .team_of(event.id, user.id)
            .await
            .map_err(logged)?
            .map(|t| t.name);
        let seekers = self.store.seekers(event.id).await.map_err(logged)?;
        if let Some(me) = seekers.iter().find(|s| s.user_id == user.id) {
            view.looking = true;
            view.idea = me.idea.clone().unwrap_or_default();
            view.your_track = me.track_slug.clone();
        }
        view.people = seekers
            .into_iter()
            .filter(|s| s.user_id != user.id)
            .filter(|s| skill.is_empty() || s.skills.to_lowercase().contains(&skill))
            .filter(|s| track.is_empty() || s.track_slug.as_deref() == Some(track.as_str()))
            .filter_map(|s| {
                let h = utc_offset_hours(zone(&s.time_zone), now);
                in_range(h).then(|| SeekerView {
                    user_id: s.user_id,
                    name: s.display_name,
                    skills: skills_text(&s.skills),
                    time_zone: s.time_zone,
                    offset: offset_words(h),
                    idea: s.idea.unwrap_or_default(),
                    track: s.track_slug.as_deref().and_then(track_name),
                })
            })
            .collect();
        let teams = self.store.teams(event.id).await.map_err(logged)?;
        let tracks = self
            .store
            .event_team_tracks(event.id)
            .await
            .map_err(logged)?;
        let max = i64::from(def.team_size.max);
        view.teams = teams
            .into_iter()
            .filter(|t| t.looking_for_members && t.member_count < max)
            .filter(|t| skill.is_empty() || t.wanted_skills.to_lowercase().contains(&skill))
            .filter(|t| track.is_empty() || tracks.iter().any(|(id, s)| *id == t.id && *s == track))
            .filter(|t| in_range(utc_offset_hours(zone(&t.time_zone), now)))
            .map(|t| TeamCard {
                id: t.id,
                tracks: tracks
                    .iter()
                    .filter(|(id, _)| *id == t.id)
                    .filter_map(|(_, s)| track_name(s))
                    .collect(),
                name: t.name,
                description: t.description,
                wanted_skills: t.wanted_skills,
                size: format!("{}/{max}", t.member_count),
                time_zone: t.time_zone,
            })
            .collect();
        Ok(Some(view))
    }

    pub(crate) async fn teams_admin_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: Query<'_>,
    ) -> Result<Option<TeamsAdminView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let def = &event.definition;
        let allowed = match &user {
            Some(u) => crate::auth::may_organize(&self.store, event.id, u)
                .await
                .map_err(logged)?,
            None => false,
        };
        let track = get(q, "track").unwrap_or_default().to_owned();
        let size = get(q, "size").unwrap_or_default().to_owned();
        let mut view = TeamsAdminView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            allowed,
            signed_in: user.is_some(),
            notice: None,
            rows: vec![],
            unassigned: vec![],
            assigned: vec![],
            audit: vec![],
            tracks: def
                .tracks
                .iter()
                .map(|t| (t.slug.as_str().to_owned(), t.name.clone()))
                .collect(),
            track: track.clone(),
            size: size.clone(),
        };
        if !allowed {
            return Ok(Some(view));
        }
        view.notice = self.notice(q);
        let teams = self.store.teams(event.id).await.map_err(logged)?;
        let members = self
            .store
            .event_team_members(event.id)
            .await
            .map_err(logged)?;
        let tracks = self
            .store
            .event_team_tracks(event.id)
            .await
            .map_err(logged)?;
        let (min, max) = (i64::from(def.team_size.min), i64::from(def.team_size.max));
        for t in &teams {
            let names: Vec<String> = members
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| m.display_name.clone())
                .collect();
            let team_tracks: Vec<&str> = tracks
                .iter()
                .filter(|(id, _)| *id == t.id)
                .map(|(_, s)| s.as_str())
                .collect();
            let keep_track = track.is_empty()
                || (track == "none" && team_tracks.is_empty())
                || team_tracks.contains(&track.as_str());
            let keep_size = match size.as_str() {
                "full" => t.member_count >= max,
                "open" => t.member_count < max,
                "outside" => t.member_count > max || t.member_count < min,
                _ => true,
            };
            if !(keep_track && keep_size) {
                continue;
            }
            view.rows.push(TeamRowView {
                id: t.id,
                name: t.name.clone(),
                size: format!("{}/{max}", t.member_count),
                over_limit: t.member_count > max,
                captain: members
                    .iter()
                    .find(|m| m.user_id == t.captain_id)
                    .map(|m| m.display_name.clone())
                    .unwrap_or_default(),
                members: names.join(", "),
                tracks: team_tracks
                    .iter()
                    .filter_map(|s| def.tracks.iter().find(|x| x.slug.as_str() == *s))
                    .map(|x| x.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                time_zone: t.time_zone.clone(),
            });
        }
        for m in &members {
            let team = teams
                .iter()
                .find(|t| t.id == m.team_id)
                .map(|t| t.name.as_str());
            view.assigned.push((
                m.user_id,
                format!("{} ({})", m.display_name, team.unwrap_or_default()),
            ));
        }
        let registered = self
            .store
            .registrations(
                event.id,
                &crate::store::RegistrationFilter {
                    status: Some(crate::store::RegistrationStatus::Registered),
                    ..Default::default()
                },
            )
            .await
            .map_err(logged)?;
        view.unassigned = registered
            .into_iter()
            .filter(|r| !members.iter().any(|m| m.user_id == r.user_id))
            .map(|r| (r.user_id, r.display_name))
            .collect();
        view.audit = self
            .store
            .audit_log(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|a| AuditView {
                when: DateTime::from_timestamp_millis(a.created_at)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
                who: a.actor.unwrap_or_else(|| "(deleted account)".into()),
                what: a.detail,
                why: a.reason,
            })
            .collect();
        Ok(Some(view))
    }
}

/// Skills are stored as a JSON array; shown comma-separated.
fn skills_text(json: &str) -> String {
    serde_json::from_str::<Vec<String>>(json)
        .map(|v| v.join(", "))
        .unwrap_or_else(|_| json.to_owned())
}

/// When team membership freezes for a team in `zone` (for the API).
pub fn lock_time(event: &StoredEvent, zone_name: &str) -> Option<DateTime<Utc>> {
    lock_at(&event.definition.milestones, zone(zone_name))
}
