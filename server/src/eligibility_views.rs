//! Eligibility as people see it: a team's checklist on its submission
//! page, and the organizers' report for the whole event with filters.

use crate::backend::{AppBackend, logged};
use crate::eligibility::{ReportRow, report};
use crate::store::eligibility::StoredCheck;
use chrono::DateTime;
use chrono_tz::Tz;
use hackboard_app::ssr::BackendError;
use hackboard_app::wire::{
    CheckItemView, ChecklistView, EligibilityReportView, EligibilityRow, Notice,
};
use hackboard_domain::eligibility::{Checklist, Status};

/// The statuses in the order the report counts them.
pub const STATUSES: [&str; 5] = ["fail", "pending", "review", "pass", "unchecked"];

pub fn status_label(status: &str) -> String {
    match Status::parse(status) {
        Some(s) => s.label().to_owned(),
        None => "Not checked yet".to_owned(),
    }
}

/// The checklist as shown, in the viewer's zone; `current_hash` is the
/// submission's content now (a newer save makes the check stale).
pub fn checklist_view(
    decided: Option<&Checklist>,
    check: &StoredCheck,
    viewer_zone: Tz,
    current_hash: &str,
) -> ChecklistView {
    let checked = match check.checked_at.and_then(DateTime::from_timestamp_millis) {
        Some(t) => format!(
            "Checked {} (your time).",
            t.with_timezone(&viewer_zone).format("%a %d %b %H:%M")
        ),
        None => "The first check is on its way.".to_owned(),
    };
    let stale = check
        .content_hash
        .as_deref()
        .is_some_and(|h| h != current_hash)
        || (check.checked_at.is_some() && check.due_at.is_some() && check.attempts == 0);
    ChecklistView {
        status: decided.map_or("unchecked".into(), |c| c.status.as_str().to_owned()),
        status_label: decided.map_or("Not checked yet".into(), |c| c.status.label().to_owned()),
        checked,
        stale,
        items: decided
            .map(|c| {
                c.items
                    .iter()
                    .map(|i| CheckItemView {
                        key: i.key.clone(),
                        label: i.label.clone(),
                        status: i.status.as_str().to_owned(),
                        status_label: i.status.label().to_owned(),
                        message: i.message.clone(),
                        evidence: i
                            .evidence
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

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
        let Some(event) = self.store.event_by_slug(slug).await.map_err(logged)? else {
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
        let user = match self.staff_viewer(event.id, headers).await? {
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
        view.notice = crate::http::verified_notice(&self.config, get("ok"), get("err"), get("sig"))
            .map(|(ok, text)| Notice { ok, text });
        view.filter = filter;
        view.query = query;
        view.counts = counts;
        view.rows = shown;
        Ok(Some(view))
    }
}
