//! Fetches, from GitHub's and Hugging Face's public APIs, the facts the
//! eligibility rules (`hackboard_domain::eligibility`) need about the
//! repositories a submission links.
//!
//! Security stance:
//!
//! - The server never fetches a URL a team typed. A link is parsed into a
//!   repository name (`parse_github_repo`, `parse_hf_repo`: names limited to
//!   `[A-Za-z0-9._-]`, checked again here) and only these addresses are
//!   asked, under the configured bases: `{github_api}/repos/{owner}/{repo}`,
//!   `{github_api}/repos/{owner}/{repo}/commits?…`, and
//!   `{hf}/api/{models|datasets|spaces}/{owner}/{name}`.
//! - Redirects are never followed: a renamed or moved repository answers
//!   3xx and counts as not found at the linked address (`Missing`), so no
//!   answer can send the server, or the GitHub token, anywhere else.
//! - The GitHub token, when configured, goes in `Authorization` on GitHub
//!   requests only, never to Hugging Face, and never appears in a reason.
//! - Every request has a total timeout and a connect timeout; answers are
//!   read up to 1 MiB (the declared length is checked first, then the bytes
//!   as they arrive), and a submission asks about at most one GitHub and
//!   `MAX_LINKS` Hugging Face repositories.
//! - Nothing a provider sends can make this panic: anything unexpected
//!   (status, headers, JSON) becomes `Fetched::Unavailable` with a short
//!   reason meant for the team's checklist, which leaves the check pending;
//!   reasons name the provider and the status, never URLs or error details.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use hackboard_domain::eligibility::{Evidence, Fetched, GithubFacts, HfFacts};
use hackboard_domain::submission::{
    GithubRepo, HfKind, HfRepo, MAX_LINKS, SubmissionContent, parse_github_repo, parse_hf_repo,
};
use reqwest::header::{ACCEPT, HeaderMap, RETRY_AFTER};
use serde_json::{Map, Value};
use std::time::Duration;

/// The largest answer read from a provider.
pub const MAX_BODY: usize = 1024 * 1024;

/// Sent as `User-Agent` on every request.
pub const USER_AGENT: &str = "hackboard (+eligibility checks)";

/// Connecting takes at most this long (or the total timeout, if shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provider {
    Github,
    Hf,
}

impl Provider {
    fn name(self) -> &'static str {
        match self {
            Provider::Github => "GitHub",
            Provider::Hf => "Hugging Face",
        }
    }
}

/// Why a fetch stopped before it produced facts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stop {
    Missing(u16),
    Unavailable(String, Option<DateTime<Utc>>),
}

impl Stop {
    fn reason(reason: String) -> Stop {
        Stop::Unavailable(reason, None)
    }

    fn into_fetched<T>(self) -> Fetched<T> {
        match self {
            Stop::Missing(status) => Fetched::Missing { status },
            Stop::Unavailable(reason, retry_at) => Fetched::Unavailable { reason, retry_at },
        }
    }
}

/// The clients for GitHub's and Hugging Face's APIs.
#[derive(Clone)]
pub struct Providers {
    /// `None` when the HTTP client could not be built: every fetch is then
    /// unavailable (never a client that would follow redirects).
    client: Option<reqwest::Client>,
    github_api: String,
    hf: String,
    github_token: Option<String>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers")
            .field("github_api", &self.github_api)
            .field("hf", &self.hf)
            .field(
                "github_token",
                &self.github_token.as_ref().map(|_| "(redacted)"),
            )
            .finish()
    }
}

impl Providers {
    /// `github_api`: e.g. https://api.github.com ; `hf`: e.g. https://huggingface.co (trailing slash tolerated)
    pub fn new(
        github_api: &str,
        hf: &str,
        github_token: Option<String>,
        timeout: Duration,
    ) -> Providers {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(CONNECT_TIMEOUT))
            .user_agent(USER_AGENT)
            .build()
            .ok();
        Providers {
            client,
            github_api: github_api.trim_end_matches('/').to_owned(),
            hf: hf.trim_end_matches('/').to_owned(),
            github_token: github_token.filter(|t| !t.is_empty()),
        }
    }

    /// `GET /repos/{owner}/{repo}`, then, when the repository is found and
    /// a hacking window is given, the commits dated in the window and those
    /// dated before its start (one page of 100 each).
    pub async fn github(
        &self,
        repo: &GithubRepo,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Fetched<GithubFacts> {
        match self.github_facts(repo, window, now).await {
            Ok(facts) => Fetched::Found(facts),
            Err(stop) => stop.into_fetched(),
        }
    }

    /// `GET /api/{models|datasets|spaces}/{owner}/{name}`.
    pub async fn hf(&self, repo: &HfRepo, now: DateTime<Utc>) -> Fetched<HfFacts> {
        match self.hf_facts(repo, now).await {
            Ok(facts) => Fetched::Found(facts),
            Err(stop) => stop.into_fetched(),
        }
    }

    /// Parses content.github_url / content.hf_urls (links that do not parse are skipped: the form already refuses them) and fetches each, returning Evidence { fetched_at: now, github, hf }.
    ///
    /// A Hugging Face repository linked twice is asked about once; at most
    /// `MAX_LINKS` of them are asked about. The fetches run concurrently.
    pub async fn gather(
        &self,
        content: &SubmissionContent,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Evidence {
        let mut hf_repos: Vec<HfRepo> = Vec::new();
        for url in &content.hf_urls {
            if let Ok(repo) = parse_hf_repo(url)
                && !hf_repos.contains(&repo)
                && hf_repos.len() < MAX_LINKS
            {
                hf_repos.push(repo);
            }
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (i, repo) in hf_repos.iter().enumerate() {
            let providers = self.clone();
            let repo = repo.clone();
            tasks.spawn(async move { (i, providers.hf(&repo, now).await) });
        }
        let github = async {
            match parse_github_repo(&content.github_url) {
                Ok(repo) => {
                    let fetched = self.github(&repo, window, now).await;
                    Some((repo, fetched))
                }
                Err(_) => None,
            }
        };
        let hf_results = async {
            let mut results: Vec<Option<Fetched<HfFacts>>> = vec![None; hf_repos.len()];
            while let Some(joined) = tasks.join_next().await {
                if let Ok((i, fetched)) = joined
                    && let Some(slot) = results.get_mut(i)
                {
                    *slot = Some(fetched);
                }
            }
            results
        };
        let (github, hf_results) = tokio::join!(github, hf_results);
        let hf = hf_repos
            .into_iter()
            .zip(hf_results)
            .map(|(repo, fetched)| {
                let fetched = fetched.unwrap_or_else(|| Fetched::Unavailable {
                    reason: "the check stopped unexpectedly".into(),
                    retry_at: None,
                });
                (repo, fetched)
            })
            .collect();
        Evidence {
            fetched_at: now,
            github,
            hf,
        }
    }

    async fn github_facts(
        &self,
        repo: &GithubRepo,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> Result<GithubFacts, Stop> {
        let p = Provider::Github;
        if !valid_name(&repo.owner) || !valid_name(&repo.repo) {
            return Err(Stop::reason(
                "not a GitHub repository name we can ask about".into(),
            ));
        }
        let url = format!("{}/repos/{}/{}", self.github_api, repo.owner, repo.repo);
        let res = self.send(p, &url, &[]).await?;
        let body = body_of(p, res, now).await?;
        let info = object(p, &body)?;
        let private = info.get("private").and_then(Value::as_bool);
        let fork = info.get("fork").and_then(Value::as_bool);
        let created_at = info.get("created_at").and_then(Value::as_str).map(rfc3339);
        let pushed_at = match info.get("pushed_at") {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => rfc3339(s).map(Some),
            Some(_) => None,
        };
        let (Some(private), Some(fork), Some(Some(created_at)), Some(pushed_at)) =
            (private, fork, created_at, pushed_at)
        else {
            return Err(unreadable(p));
        };
        let (commits_in_window, commits_before_start) = match window {
            None => (0, 0),
            Some((start, end)) => {
                let url = format!("{url}/commits");
                let in_window = self
                    .count_commits(
                        &url,
                        &[
                            ("since", stamp(start)),
                            ("until", stamp(end)),
                            ("per_page", "100".into()),
                        ],
                        now,
                    )
                    .await?;
                let before = self
                    .count_commits(
                        &url,
                        &[("until", stamp(start)), ("per_page", "100".into())],
                        now,
                    )
                    .await?;
                (in_window, before)
            }
        };
        Ok(GithubFacts {
            private,
            fork,
            created_at,
            pushed_at,
            commits_in_window,
            commits_before_start,
        })
    }

    /// The number of commits on one page of a listing; an empty repository
    /// (409) has none.
    async fn count_commits(
        &self,
        url: &str,
        query: &[(&str, String)],
        now: DateTime<Utc>,
    ) -> Result<u32, Stop> {
        let p = Provider::Github;
        let res = self.send(p, url, query).await?;
        if res.status().as_u16() == 409 {
            return Ok(0);
        }
        let body = body_of(p, res, now).await?;
        let commits: Vec<serde::de::IgnoredAny> =
            serde_json::from_slice(&body).map_err(|_| unreadable(p))?;
        Ok(u32::try_from(commits.len()).unwrap_or(u32::MAX))
    }

    async fn hf_facts(&self, repo: &HfRepo, now: DateTime<Utc>) -> Result<HfFacts, Stop> {
        let p = Provider::Hf;
        let valid = match repo.id.split_once('/') {
            Some((owner, name)) => valid_name(owner) && valid_name(name),
            None => false,
        };
        if !valid {
            return Err(Stop::reason(
                "not a Hugging Face repository name we can ask about".into(),
            ));
        }
        let kind = match repo.kind {
            HfKind::Model => "models",
            HfKind::Dataset => "datasets",
            HfKind::Space => "spaces",
        };
        let url = format!("{}/api/{kind}/{}", self.hf, repo.id);
        let res = self.send(p, &url, &[]).await?;
        let body = body_of(p, res, now).await?;
        let info = object(p, &body)?;
        let flag = |key: &str| match info.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(unreadable(p)),
        };
        Ok(HfFacts {
            private: flag("private")?,
            disabled: flag("disabled")?,
            author: info
                .get("author")
                .and_then(Value::as_str)
                .map(str::to_owned),
            created_at: info
                .get("createdAt")
                .and_then(Value::as_str)
                .and_then(rfc3339),
        })
    }

    /// One GET to a provider, with that provider's headers (and the token
    /// only on GitHub).
    async fn send(
        &self,
        p: Provider,
        url: &str,
        query: &[(&str, String)],
    ) -> Result<reqwest::Response, Stop> {
        let Some(client) = &self.client else {
            return Err(Stop::reason(format!(
                "cannot ask {}: no HTTP client",
                p.name()
            )));
        };
        let mut req = client.get(url);
        if !query.is_empty() {
            req = req.query(query);
        }
        req = match p {
            Provider::Github => {
                let req = req
                    .header(ACCEPT, "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28");
                match &self.github_token {
                    Some(token) => req.bearer_auth(token),
                    None => req,
                }
            }
            Provider::Hf => req.header(ACCEPT, "application/json"),
        };
        req.send().await.map_err(|e| network(p, &e))
    }
}

/// A provider's name segment: what the submission parsers accept.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn rfc3339(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn unreadable(p: Provider) -> Stop {
    Stop::reason(format!("{} sent an answer we cannot read", p.name()))
}

fn too_large(p: Provider) -> Stop {
    Stop::reason(format!("{} sent an answer larger than 1 MiB", p.name()))
}

fn network(p: Provider, e: &reqwest::Error) -> Stop {
    if e.is_timeout() {
        Stop::reason(format!("{} did not answer in time", p.name()))
    } else {
        Stop::reason(format!("cannot reach {}", p.name()))
    }
}

/// A JSON object, or why not.
fn object(p: Provider, body: &[u8]) -> Result<Map<String, Value>, Stop> {
    serde_json::from_slice(body).map_err(|_| unreadable(p))
}

/// The body of a 200 answer (at most `MAX_BODY` bytes), or what any other
/// status means.
async fn body_of(
    p: Provider,
    mut res: reqwest::Response,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, Stop> {
    let status = res.status().as_u16();
    if status != 200 {
        return Err(refusal(p, status, res.headers(), now));
    }
    if res.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large(p));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| network(p, &e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large(p));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What a status other than 200 means.
fn refusal(p: Provider, status: u16, headers: &HeaderMap, now: DateTime<Utc>) -> Stop {
    let name = p.name();
    // A redirect (renamed or moved repository) is not followed: the
    // repository is not at the linked address.
    if (300..400).contains(&status) {
        return Stop::Missing(status);
    }
    match (p, status) {
        (Provider::Github, 404) | (Provider::Hf, 401 | 404) => return Stop::Missing(status),
        _ => {}
    }
    if status == 403 || status == 429 {
        let after = retry_after(headers, now);
        let (limited, reset) = match p {
            Provider::Github => {
                let exhausted = header(headers, "x-ratelimit-remaining") == Some("0");
                let reset = exhausted
                    .then(|| header(headers, "x-ratelimit-reset").and_then(epoch))
                    .flatten();
                (exhausted || after.is_some(), reset)
            }
            Provider::Hf => {
                let reset = if status == 429 && after.is_none() {
                    header(headers, "ratelimit").and_then(|v| ratelimit_reset(v, now))
                } else {
                    None
                };
                (status == 429 || after.is_some(), reset)
            }
        };
        if limited {
            return Stop::Unavailable(format!("{name}'s rate limit"), after.max(reset));
        }
        return Stop::reason(format!("{name} refused ({status})"));
    }
    Stop::reason(format!("{name} answered {status}"))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// An instant given as seconds since the epoch (`X-RateLimit-Reset`).
fn epoch(v: &str) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(v.trim().parse().ok()?, 0)
}

fn after_seconds(now: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    now.checked_add_signed(TimeDelta::try_seconds(i64::try_from(seconds).ok()?)?)
}

/// `Retry-After`: delay-seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let v = header(headers, RETRY_AFTER.as_str())?;
    match v.parse::<u64>() {
        Ok(seconds) => after_seconds(now, seconds),
        Err(_) => DateTime::parse_from_rfc2822(v)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// Hugging Face's `RateLimit: "api";r=0;t=55`: the reset, `t` seconds from
/// now (the latest when several policies are listed).
fn ratelimit_reset(v: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    v.split([',', ';'])
        .filter_map(|param| param.trim().strip_prefix("t="))
        .filter_map(|t| t.trim().parse::<u64>().ok())
        .max()
        .and_then(|t| after_seconds(now, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    const NOW: &str = "2026-11-29T14:30:00Z";

    #[test]
    fn retry_after_is_read_as_seconds_or_as_a_date_and_garbage_is_ignored() {
        let now = t(NOW);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "120")]), now),
            Some(t("2026-11-29T14:32:00Z"))
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Sun, 29 Nov 2026 15:00:00 GMT")]),
                now
            ),
            Some(t("2026-11-29T15:00:00Z"))
        );
        for bad in [
            "soon",
            "-5",
            "",
            "99999999999999999999",
            "18446744073709551615",
        ] {
            assert_eq!(
                retry_after(&headers(&[("retry-after", bad)]), now),
                None,
                "{bad}"
            );
        }
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn the_github_reset_is_epoch_seconds() {
        assert_eq!(epoch("1795962600"), Some(t("2026-11-29T14:30:00Z")));
        assert_eq!(epoch("x"), None);
        assert_eq!(epoch("99999999999999999"), None);
    }

    #[test]
    fn hugging_face_ratelimit_header_gives_the_reset() {
        let now = t(NOW);
        assert_eq!(
            ratelimit_reset("\"api\";r=0;t=55", now),
            Some(t("2026-11-29T14:30:55Z"))
        );
        assert_eq!(ratelimit_reset("\"api\";r=0", now), None);
        assert_eq!(ratelimit_reset("t=x", now), None);
    }

    #[test]
    fn statuses_map_to_missing_or_pending_with_the_provider_named() {
        let now = t(NOW);
        let none = HeaderMap::new();
        assert_eq!(
            refusal(Provider::Github, 404, &none, now),
            Stop::Missing(404)
        );
        assert_eq!(
            refusal(Provider::Github, 301, &none, now),
            Stop::Missing(301)
        );
        assert_eq!(
            refusal(Provider::Github, 401, &none, now),
            Stop::reason("GitHub answered 401".into())
        );
        assert_eq!(refusal(Provider::Hf, 401, &none, now), Stop::Missing(401));
        assert_eq!(
            refusal(Provider::Github, 403, &none, now),
            Stop::reason("GitHub refused (403)".into())
        );
        assert_eq!(
            refusal(
                Provider::Github,
                403,
                &headers(&[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1795962600")
                ]),
                now
            ),
            Stop::Unavailable(
                "GitHub's rate limit".into(),
                Some(t("2026-11-29T14:30:00Z"))
            )
        );
        assert_eq!(
            refusal(
                Provider::Github,
                403,
                &headers(&[("x-ratelimit-remaining", "12"), ("retry-after", "60")]),
                now
            ),
            Stop::Unavailable(
                "GitHub's rate limit".into(),
                Some(t("2026-11-29T14:31:00Z"))
            )
        );
        assert_eq!(
            refusal(Provider::Hf, 429, &none, now),
            Stop::Unavailable("Hugging Face's rate limit".into(), None)
        );
        assert_eq!(
            refusal(Provider::Hf, 503, &none, now),
            Stop::reason("Hugging Face answered 503".into())
        );
    }

    #[test]
    fn only_plain_repository_names_are_asked_about() {
        assert!(valid_name("tiny-tutor.v2_x"));
        for bad in ["", ".", "..", "a/b", "a%2e", "a?b", "a b", "é"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_name_that_could_leave_the_api_path_is_never_requested() {
        // Nothing listens on port 9 of a documentation address: a request
        // would be "cannot reach", not this reason.
        let p = Providers::new(
            "http://192.0.2.1:9",
            "http://192.0.2.1:9",
            None,
            Duration::from_millis(200),
        );
        let gh = p
            .github(
                &GithubRepo {
                    owner: "..".into(),
                    repo: "x".into(),
                },
                None,
                t(NOW),
            )
            .await;
        assert!(
            matches!(&gh, Fetched::Unavailable { reason, .. } if reason.contains("name")),
            "{gh:?}"
        );
        let hf = p
            .hf(
                &HfRepo {
                    kind: HfKind::Model,
                    id: "../../api/whoami".into(),
                },
                t(NOW),
            )
            .await;
        assert!(
            matches!(&hf, Fetched::Unavailable { reason, .. } if reason.contains("name")),
            "{hf:?}"
        );
    }

    #[test]
    fn the_token_does_not_show_in_debug_output() {
        let p = Providers::new(
            "https://api.github.com/",
            "https://huggingface.co/",
            Some("ghp_secret".into()),
            Duration::from_secs(5),
        );
        let shown = format!("{p:?}");
        assert!(!shown.contains("ghp_secret"), "{shown}");
        assert!(shown.contains("https://api.github.com\""), "{shown}");
    }
}
