//! Eligibility as people see it: a team's checklist on its submission
//! page, and the organizers' report for the whole event with filters.

use crate::eligibility::actions::{ReportRow, report};
use crate::eligibility::actions::{checklist_view, status_label};
use crate::state::AppBackend;
use crate::web::logged;
use crate::web::viewer::PageViewer;
use chrono_tz::Tz;
use hackboard_app::port::BackendError;
use hackboard_app::wire::{EligibilityReportView, EligibilityRow, Notice};

/// The statuses in the order the report counts them.
pub const STATUSES: [&str; 5] = ["fail", "pending", "review", "pass", "unchecked"];

fn row_view(r: &ReportRow, slug: &str, viewer_zone: Tz) -> EligibilityRow {
    let s = &r.submission;
    let content = hackboard_domain::submission::SubmissionContent::from_json(&s.content);
    EligibilityRow {
        submission_id: s.id,
        team: r.team.clone().unwrap_or_default(),
        title: content.title,
        project_url: format!("/events/{slug}/projects/{}", s.id),
        submission_status: s.status.clone(),
        checklist: r
            .check
            .as_ref()
            .map(|c| checklist_view(r.decided.as_ref(), c, viewer_zone, &s.content_hash)),
        overrides: r
            .overrides
            .iter()
            .map(|o| {
                (
                    o.item_key.clone(),
                    o.status.clone(),
                    o.reason.clone(),
                    o.decided_by.clone().unwrap_or_default(),
                )
            })
            .collect(),
    }
}

impl AppBackend {
    /// The organizers' eligibility report (`None` for anyone else).
    pub(crate) async fn eligibility_report_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<EligibilityReportView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let mut view = EligibilityReportView {
            slug: slug.to_owned(),
            event_name: event.definition.name.clone(),
            signed_in: false,
            allowed: false,
            notice: None,
            filter: "all".into(),
            query: String::new(),
            counts: vec![],
            rows: vec![],
        };
        let user = match self.staff_viewer(event.id, user).await? {
            Some((user, true)) => user,
            signed_in => {
                view.signed_in = signed_in.is_some();
                return Ok(Some(view));
            }
        };
        view.signed_in = true;
        let get = |k: &str| {
            q.iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let viewer_zone: Tz = user.time_zone.parse().unwrap_or(Tz::UTC);
        let rows = report(&self.store, event.id).await.map_err(logged)?;
        let filter = get("status")
            .filter(|s| STATUSES.contains(s))
            .unwrap_or("all")
            .to_owned();
        let query = get("q").unwrap_or("").trim().to_owned();
        let needle = query.to_lowercase();
        let counts = STATUSES
            .iter()
            .map(|s| {
                (
                    (*s).to_owned(),
                    status_label(s),
                    rows.iter().filter(|r| r.status() == *s).count(),
                )
            })
            .collect();
        let shown = rows
            .iter()
            .filter(|r| filter == "all" || r.status() == filter)
            .map(|r| row_view(r, slug, viewer_zone))
            .filter(|r| {
                needle.is_empty()
                    || r.team.to_lowercase().contains(&needle)
                    || r.title.to_lowercase().contains(&needle)
            })
            .collect();
        view.allowed = true;
        view.notice = crate::web::verified_notice(&self.config, get("ok"), get("err"), get("sig"))
            .map(|(ok, text)| Notice { ok, text });
        view.filter = filter;
        view.query = query;
        view.counts = counts;
        view.rows = shown;
        Ok(Some(view))
    }
}
