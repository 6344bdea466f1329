//! Keeps each event's Hugging Face organization membership current from the
//! org's public members list (`GET /api/organizations/{org}/members`,
//! paginated through the `Link` header) and takes the snapshot at the
//! org-joining deadline. Members seen through their own Hugging Face sign-in
//! are recorded by the OAuth callback and kept across refreshes.
//!
//! With several instances each one refreshes; the writes are idempotent and
//! the snapshot is taken once (`take_hf_snapshot` keeps the first).

use crate::store::{Store, StoredEvent};
use hackboard_domain::hf_org::{OrgSync, org_sync, snapshot_due, valid_org_name};
use hackboard_domain::timeline::Clock;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// At most this many pages are followed (100 000 members at HF's page size).
const MAX_PAGES: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum HfError {
    #[error("{0:?} is not a Hugging Face organization name")]
    OrgName(String),
    #[error("cannot reach Hugging Face: {0}")]
    Unreachable(String),
    #[error("Hugging Face has no organization {0:?}")]
    NoSuchOrg(String),
    #[error("Hugging Face is rate-limiting us; will retry")]
    RateLimited,
    #[error("Hugging Face answered {0}")]
    Status(u16),
    #[error("Hugging Face sent a members list we cannot read: {0}")]
    Body(String),
    #[error("Hugging Face sent a next page outside {0}")]
    ForeignNextPage(String),
    #[error("the members list has more than {MAX_PAGES} pages")]
    TooManyPages,
}

#[derive(serde::Deserialize)]
struct Member {
    user: String,
}

/// The org's public members, from every page.
pub async fn fetch_members(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    org: &str,
) -> Result<Vec<String>, HfError> {
    if !valid_org_name(org) {
        return Err(HfError::OrgName(org.to_owned()));
    }
    let base = base.trim_end_matches('/');
    let mut url = format!("{base}/api/organizations/{org}/members");
    let mut members = Vec::new();
    for _ in 0..MAX_PAGES {
        let mut req = client.get(&url).header("accept", "application/json");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req
            .send()
            .await
            .map_err(|e| HfError::Unreachable(e.without_url().to_string()))?;
        match res.status().as_u16() {
            200 => {}
            404 => return Err(HfError::NoSuchOrg(org.to_owned())),
            429 => return Err(HfError::RateLimited),
            s => return Err(HfError::Status(s)),
        }
        let next = next_link(res.headers());
        let page: Vec<Member> = res
            .json()
            .await
            .map_err(|e| HfError::Body(e.without_url().to_string()))?;
        members.extend(page.into_iter().map(|m| m.user));
        match next {
            None => return Ok(members),
            // Never send the token (or follow a link) anywhere but HF.
            Some(n) if n.starts_with(&format!("{base}/")) => url = n,
            Some(_) => return Err(HfError::ForeignNextPage(base.to_owned())),
        }
    }
    Err(HfError::TooManyPages)
}

/// The `rel="next"` target of a `Link` header, if any.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|part| {
            let (target, params) = part.split_once(';')?;
            let is_next = params.split(';').any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            });
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            is_next.then(|| target.to_owned())
        })
}

/// The membership job for every event with an org.
#[derive(Clone)]
pub struct HfOrgSync {
    store: Store,
    client: reqwest::Client,
    base: String,
    token: Option<String>,
    clock: Arc<dyn Clock>,
}

impl HfOrgSync {
    pub fn new(
        store: Store,
        base: &str,
        token: Option<String>,
        clock: Arc<dyn Clock>,
    ) -> Result<HfOrgSync, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .user_agent("Hackboard")
            .build()?;
        Ok(HfOrgSync {
            store,
            client,
            base: base.trim_end_matches('/').to_owned(),
            token,
            clock,
        })
    }

    /// Refreshes one event's members (and records a failure for organizers
    /// to see); takes the snapshot once its deadline has passed.
    pub async fn sync_event(
        &self,
        event: &StoredEvent,
    ) -> Result<OrgSync, crate::store::StoreError> {
        let Some(org) = &event.definition.hf_org else {
            return Ok(OrgSync::Idle);
        };
        let taken = self.store.hf_snapshot(event.id).await?.is_some();
        let action = org_sync(&event.definition.milestones, self.clock.now(), taken);
        if action == OrgSync::Idle {
            return Ok(action);
        }
        match fetch_members(&self.client, &self.base, self.token.as_deref(), org).await {
            Ok(members) => {
                self.store
                    .set_hf_org_members(event.id, &members, self.clock.now())
                    .await?;
                tracing::info!(event = %event.definition.slug, org = %org, members = members.len(), "Hugging Face org members refreshed");
            }
            Err(e) => {
                tracing::warn!(event = %event.definition.slug, org = %org, error = %e, "cannot refresh the Hugging Face org members");
                self.store
                    .record_hf_refresh_failure(event.id, &e.to_string(), self.clock.now())
                    .await?;
            }
        }
        // At the deadline the snapshot is taken even when the last refresh
        // failed: it then records what was known, and its time says when.
        if action == OrgSync::RefreshAndSnapshot
            && self
                .store
                .take_hf_snapshot(event.id, self.clock.now())
                .await?
        {
            tracing::info!(event = %event.definition.slug, org = %org, "Hugging Face org snapshot taken");
        }
        Ok(action)
    }

    /// One pass over every event.
    pub async fn tick(&self) -> Result<(), crate::store::StoreError> {
        for event in self.store.list_events().await? {
            self.sync_event(&event).await?;
        }
        Ok(())
    }

    /// How long to sleep before the next pass: the interval, or less when
    /// a snapshot falls due sooner.
    async fn pause(&self, interval: Duration) -> Duration {
        let now = self.clock.now();
        let next_due = match self.store.list_events().await {
            Ok(events) => events
                .iter()
                .filter(|e| e.definition.hf_org.is_some())
                .filter_map(|e| snapshot_due(&e.definition.milestones))
                .filter(|due| *due > now)
                .min(),
            Err(_) => None,
        };
        match next_due.and_then(|d| (d - now).to_std().ok()) {
            Some(until) if until < interval => until,
            _ => interval,
        }
    }

    /// Runs passes every `interval` until `shutdown`.
    pub async fn run(self, interval: Duration, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                r = self.tick() => if let Err(e) = r {
                    tracing::error!(error = %e, "Hugging Face org sync failed");
                },
            }
            let pause = self.pause(interval).await;
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(pause) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(link: &str) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::LINK, link.parse().unwrap());
        h
    }

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        assert_eq!(
            next_link(&headers(
                "<https://huggingface.co/api/organizations/x/members?cursor=abc>; rel=\"next\""
            )),
            Some("https://huggingface.co/api/organizations/x/members?cursor=abc".to_owned())
        );
        assert_eq!(
            next_link(&headers(
                "<https://a/prev>; rel=\"prev\", <https://a/next>; rel=next"
            )),
            Some("https://a/next".to_owned())
        );
        assert_eq!(next_link(&headers("<https://a/prev>; rel=\"prev\"")), None);
        assert_eq!(next_link(&headers("garbage")), None);
    }
}
