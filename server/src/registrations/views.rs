//! The registration pages: the form as a participant sees it (with their
//! Hugging Face organization status) and the organizers' list with its
//! filters, invite links and staff.

use crate::state::AppBackend;
use crate::web::logged;
use crate::web::viewer::PageViewer;
use chrono::DateTime;
use hackboard_app::port::BackendError;
use hackboard_app::wire::{
    HfOrgNotice, HfOrgSummary, InviteRow, QuestionView, RegistrationPageView, RegistrationRow,
    RegistrationsView, StaffRow,
};

/// An epoch-milliseconds time as "2026-03-27 19:00 UTC".
fn utc_ms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

impl AppBackend {
    pub(crate) async fn registration_page_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
    ) -> Result<Option<RegistrationPageView>, BackendError> {
        let now = self.clock.now();
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let def = &event.definition;
        let zone = user
            .as_ref()
            .and_then(|u| u.time_zone.parse().ok())
            .unwrap_or(def.home_zone);
        let (status, may_organize) = match &user {
            Some(u) => (
                self.store
                    .registration_status(event.id, u.id)
                    .await
                    .map_err(logged)?
                    .map(|s| s.as_str().to_owned()),
                crate::auth::may_organize(&self.store, event.id, u)
                    .await
                    .map_err(logged)?,
            ),
            None => (None, false),
        };
        let (_, _, _, taken) = self
            .store
            .registration_settings(event.id)
            .await
            .map_err(logged)?;
        Ok(Some(RegistrationPageView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            status,
            closed: hackboard_domain::registration::registration_window(&def.milestones, now, zone)
                .err(),
            invite_only: def.registration.invite_only,
            places: def
                .registration
                .capacity
                .map(|c| format!("{taken} of {c} places taken")),
            display_name: user
                .as_ref()
                .map(|u| u.display_name.clone())
                .unwrap_or_default(),
            time_zone: user
                .as_ref()
                .map(|u| u.time_zone.clone())
                .unwrap_or_else(|| "UTC".to_owned()),
            country: user.as_ref().map(|u| u.country.clone()).unwrap_or_default(),
            questions: def
                .registration
                .questions
                .iter()
                .map(|q| QuestionView {
                    id: q.id.clone(),
                    label: q.label.clone(),
                    kind: q.kind.as_str().to_owned(),
                    required: q.required,
                    choices: q.choices.clone(),
                })
                .collect(),
            rules_html: self.markdown_html(&def.rules),
            may_organize,
            hf_org: self.hf_notice(&event, user.as_ref()).await?,
        }))
    }

    pub(crate) async fn registrations_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        filter: &[(String, String)],
    ) -> Result<Option<RegistrationsView>, BackendError> {
        let now = self.clock.now();
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let allowed = match &user {
            Some(u) => crate::auth::may_organize(&self.store, event.id, u)
                .await
                .map_err(logged)?,
            None => false,
        };
        let mut view = RegistrationsView {
            slug: slug.to_owned(),
            event_name: event.definition.name.clone(),
            allowed,
            signed_in: user.is_some(),
            rows: vec![],
            places: None,
            filter_query: String::new(),
            hf_org: None,
            invite_only: event.definition.registration.invite_only,
            invites: vec![],
            new_invite: None,
            staff: vec![],
            viewer_id: user.as_ref().map(|u| u.id).unwrap_or_default(),
        };
        if !allowed {
            return Ok(Some(view));
        }
        let get = |k: &str| {
            filter
                .iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        let f = crate::registrations::forms::Filter {
            status: get("status"),
            hf: get("hf"),
            looking: get("looking"),
        };
        view.filter_query = ["status", "hf", "looking"]
            .iter()
            .filter_map(|k| get(k).map(|v| format!("{k}={}", crate::web::urlencode(&v))))
            .collect::<Vec<_>>()
            .join("&");
        let rows = self
            .store
            .registrations(event.id, &f.to_store())
            .await
            .map_err(logged)?;
        let (capacity, _, _, taken) = self
            .store
            .registration_settings(event.id)
            .await
            .map_err(logged)?;
        view.places = Some(match capacity {
            Some(c) => format!("{taken} of {c} places taken"),
            None => format!("{taken} registered"),
        });
        let hf = self.hf_summary(&event).await?;
        let snapshot: Option<std::collections::HashSet<String>> =
            hf.as_ref().and_then(|(_, status)| {
                status
                    .snapshot
                    .as_ref()
                    .map(|(_, members)| members.iter().cloned().collect())
            });
        view.hf_org = hf.map(|(summary, _)| summary);
        view.invites = self
            .store
            .invites(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|i| {
                let active =
                    i.uses < i.max_uses && i.expires_at.is_none_or(|e| e > now.timestamp_millis());
                InviteRow {
                    id: i.id,
                    uses: format!("{} of {} used", i.uses, i.max_uses),
                    validity: match i.expires_at {
                        None => "no expiry".to_owned(),
                        Some(e) if e > now.timestamp_millis() => format!("until {}", utc_ms(e)),
                        Some(e) => format!("ended {}", utc_ms(e)),
                    },
                    active,
                    created: utc_ms(i.created_at),
                }
            })
            .collect();
        view.new_invite =
            crate::auth::cookie(headers, crate::registrations::staff::NEW_INVITE_COOKIE)
                .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(|t| format!("{}/events/{slug}/register?invite={t}", self.config.base_url));
        view.staff = self
            .store
            .event_staff(event.id)
            .await
            .map_err(logged)?
            .into_iter()
            .map(|(user_id, name, role)| StaffRow {
                user_id,
                name,
                role: role.as_str().to_owned(),
            })
            .collect();
        view.rows = rows
            .into_iter()
            .map(|r| RegistrationRow {
                in_hf_snapshot: snapshot.as_ref().map(|s| {
                    r.hf_handle
                        .as_ref()
                        .is_some_and(|h| s.contains(&h.to_lowercase()))
                }),
                user_id: r.user_id,
                position: r.seq,
                name: r.display_name,
                email: r.email,
                hf_handle: r.hf_handle,
                in_hf_org: r.in_hf_org,
                looking_for_team: r.looking_for_team,
                status: r.status,
                registered_at: DateTime::from_timestamp_millis(r.created_at)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(Some(view))
    }

    /// The viewer's standing in the event's Hugging Face org.
    async fn hf_notice(
        &self,
        event: &crate::store::StoredEvent,
        user: Option<&crate::store::User>,
    ) -> Result<Option<HfOrgNotice>, BackendError> {
        let (Some(org), Some(user)) = (&event.definition.hf_org, user) else {
            return Ok(None);
        };
        let join_url = hackboard_domain::hf_org::join_url(&self.config.hf_url, org);
        let deadline = event
            .definition
            .milestones
            .iter()
            .find(|m| m.kind == hackboard_domain::MilestoneKind::HfOrgDeadline)
            .map(|m| hackboard_app::events::views::describe_defined(&m.time));
        let snapshot = self.store.hf_snapshot(event.id).await.map_err(logged)?;
        let Some(handle) = &user.hf_handle else {
            let link_account = self.config.huggingface.as_ref().map(|_| {
                format!(
                    "/auth/huggingface/start?next=/events/{}/register",
                    event.definition.slug
                )
            });
            let how = if link_account.is_some() {
                "Link your Hugging Face account (sign in with Hugging Face while signed in here)"
            } else {
                "Sign-in with Hugging Face is not set up on this platform, so ask the organizers how to show"
            };
            return Ok(Some(HfOrgNotice {
                org: org.clone(),
                join_url,
                joined: None,
                text: format!("{how} so we can see that you joined {org}."),
                link_account,
            }));
        };
        let joined = self
            .store
            .is_hf_org_member(event.id, handle)
            .await
            .map_err(logged)?;
        let text = match (&snapshot, joined) {
            (Some((at, members)), _) => {
                let listed = members.contains(&handle.to_lowercase());
                format!(
                    "At the org-joining deadline ({}) {org} {} {handle}.",
                    utc_ms(*at),
                    if listed {
                        "listed you as"
                    } else {
                        "did not list"
                    }
                )
            }
            (None, true) => format!("You have joined {org} as {handle}."),
            (None, false) => format!(
                "You have not joined {org} yet (as {handle}){}. If your membership is private, sign in with Hugging Face again so we can see it.",
                deadline
                    .map(|d| format!(": join before {d}"))
                    .unwrap_or_default()
            ),
        };
        Ok(Some(HfOrgNotice {
            org: org.clone(),
            join_url,
            joined: Some(joined),
            text,
            link_account: None,
        }))
    }

    /// The organizers' view of the org record.
    async fn hf_summary(
        &self,
        event: &crate::store::StoredEvent,
    ) -> Result<Option<(HfOrgSummary, crate::store::HfOrgStatus)>, BackendError> {
        let Some(org) = &event.definition.hf_org else {
            return Ok(None);
        };
        let status = self.store.hf_org_status(event.id).await.map_err(logged)?;
        let refreshed = match status.succeeded_at {
            Some(at) => format!(
                "{} in the public list, refreshed {}",
                status.public_members,
                utc_ms(at)
            ),
            None => "the public list has not been read yet".to_owned(),
        };
        let snapshot = match (
            &status.snapshot,
            hackboard_domain::hf_org::snapshot_due(&event.definition.milestones),
        ) {
            (Some((at, members)), _) => format!("Taken {}: {} members", utc_ms(*at), members.len()),
            (None, Some(due)) => format!(
                "Will be taken at the org-joining deadline, {}",
                due.format("%Y-%m-%d %H:%M UTC")
            ),
            (None, None) => "No org-joining deadline in the timeline, so no snapshot".to_owned(),
        };
        Ok(Some((
            HfOrgSummary {
                org: org.clone(),
                url: hackboard_domain::hf_org::join_url(&self.config.hf_url, org),
                members: format!("{} members known ({refreshed})", status.members_known),
                last_error: status.last_error.clone(),
                snapshot_taken: status.snapshot.is_some(),
                snapshot,
            },
            status,
        )))
    }
}
