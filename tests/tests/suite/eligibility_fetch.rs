//! The eligibility facts fetched from a local server that answers like
//! GitHub's REST API (`/gh/repos/…`) and the Hugging Face Hub API
//! (`/hf/api/…`): every outcome through `Providers`, then through the
//! rules (`eligibility::evaluate`) where the checklist's status matters.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use hackboard::repo_facts::{Providers, USER_AGENT};
use hackboard_domain::eligibility::{
    Checklist, Evidence, Fetched, GithubFacts, HfFacts, Rules, Status, evaluate,
};
use hackboard_domain::submission::{GithubRepo, HfKind, HfRepo, SubmissionContent};
use hackboard_tests::ORG;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "gh-test-token";
const START: &str = "2026-11-28T08:00:00Z";
const END: &str = "2026-11-29T15:00:00Z";
const NOW: &str = "2026-11-29T14:30:00Z";
/// What the rate-limited fixture announces as X-RateLimit-Reset
/// (2026-11-29T16:00:00Z).
const RESET_EPOCH: i64 = 1_795_968_000;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("a test instant")
}

fn window() -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    Some((t(START), t(END)))
}

fn rules(model_in_org: bool) -> Rules {
    Rules {
        hacking_starts: Some(t(START)),
        hacking_ends: Some(t(END)),
        hf_org: Some(ORG.into()),
        model_in_org,
        fix_before: "before Sunday 16:00 your time".into(),
    }
}

/// One request the fake saw.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    authorization: Option<String>,
    accept: Option<String>,
    api_version: Option<String>,
    user_agent: Option<String>,
}

#[derive(Default)]
struct Fake {
    hits: Mutex<Vec<Hit>>,
    /// Requests to the route a redirect points at.
    elsewhere: AtomicUsize,
    base: Mutex<String>,
}

impl Fake {
    fn record(&self, uri: &Uri, headers: &HeaderMap) {
        let h = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        self.hits.lock().unwrap().push(Hit {
            path: uri.to_string(),
            authorization: h("authorization"),
            accept: h("accept"),
            api_version: h("x-github-api-version"),
            user_agent: h("user-agent"),
        });
    }

    fn hits(&self, prefix: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn answer(status: u16, headers: &[(&str, String)], body: impl Into<Body>) -> Response {
    let mut res = Response::builder()
        .status(StatusCode::from_u16(status).expect("a status"))
        .header("content-type", "application/json");
    for (k, v) in headers {
        res = res.header(*k, v.as_str());
    }
    res.body(body.into()).expect("a response")
}

fn json_answer(value: serde_json::Value) -> Response {
    answer(200, &[], value.to_string())
}

fn repo_json(private: bool, fork: bool, created_at: &str) -> serde_json::Value {
    json!({
        "id": 1, "name": "x", "full_name": "ada/x",
        "private": private,
        "visibility": if private { "private" } else { "public" },
        "fork": fork,
        "created_at": created_at,
        "updated_at": "2026-11-29T14:00:00Z",
        "pushed_at": "2026-11-29T14:00:00Z",
        "html_url": "https://github.com/ada/x",
        "owner": {"login": "ada", "id": 7},
    })
}

fn commits(n: usize) -> serde_json::Value {
    json!(
        (0..n)
            .map(|i| json!({"sha": format!("{i:040}"), "commit": {"author": {"date": "2026-11-28T10:00:00Z"}}}))
            .collect::<Vec<_>>()
    )
}

async fn gh_repo(
    State(fake): State<Arc<Fake>>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    fake.record(&uri, &headers);
    if owner != "ada" {
        return answer(404, &[], r#"{"message":"Not Found"}"#);
    }
    let during = "2026-11-28T09:00:00Z";
    match repo.as_str() {
        "public" | "idle" | "backdated" | "empty" | "commits-limited" => {
            json_answer(repo_json(false, false, during))
        }
        "no-push" => {
            let mut v = repo_json(false, false, during);
            v["pushed_at"] = serde_json::Value::Null;
            json_answer(v)
        }
        "forked" => json_answer(repo_json(false, true, during)),
        "old" => json_answer(repo_json(false, false, "2025-01-01T00:00:00Z")),
        // Private: GitHub answers 404 without a token that can see it.
        "secret" => {
            let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
                == Some(format!("Bearer {TOKEN}").as_str());
            if authorized {
                json_answer(repo_json(true, false, during))
            } else {
                answer(404, &[], r#"{"message":"Not Found"}"#)
            }
        }
        "limited" => answer(
            403,
            &[
                ("x-ratelimit-limit", "60".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", RESET_EPOCH.to_string()),
            ],
            r#"{"message":"API rate limit exceeded"}"#,
        ),
        "busy" => answer(
            429,
            &[("retry-after", "120".into())],
            r#"{"message":"You have exceeded a secondary rate limit"}"#,
        ),
        "forbidden" => answer(403, &[], r#"{"message":"Forbidden"}"#),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            json_answer(repo_json(false, false, during))
        }
        "garbled" => answer(200, &[], r#"{"private": false, "fork": "#),
        "wrong-shape" => answer(200, &[], r#"[false, false, "2026-11-28T09:00:00Z", null]"#),
        "huge" => {
            let mut v = repo_json(false, false, during);
            v["padding"] = json!("x".repeat(2 * 1024 * 1024));
            json_answer(v)
        }
        "down" => answer(502, &[], "<html>Bad gateway</html>"),
        "renamed" => {
            let base = fake.base.lock().unwrap().clone();
            answer(
                301,
                &[("location", format!("{base}/gh/elsewhere"))],
                r#"{"message":"Moved Permanently"}"#,
            )
        }
        _ => answer(404, &[], r#"{"message":"Not Found"}"#),
    }
}

async fn gh_commits(
    State(fake): State<Arc<Fake>>,
    Path((_owner, repo)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    fake.record(&uri, &headers);
    if q.get("per_page").map(String::as_str) != Some("100") {
        return answer(400, &[], r#"{"message":"per_page"}"#);
    }
    // The two listings the fetcher may ask for; anything else is a bug.
    let in_window = q.get("since").map(String::as_str) == Some(START)
        && q.get("until").map(String::as_str) == Some(END);
    let before = !q.contains_key("since") && q.get("until").map(String::as_str) == Some(START);
    if !in_window && !before {
        return answer(400, &[], r#"{"message":"unexpected query"}"#);
    }
    let (during, earlier) = match repo.as_str() {
        "idle" => (0, 0),
        "backdated" => (5, 3),
        "empty" => return answer(409, &[], r#"{"message":"Git Repository is empty."}"#),
        "commits-limited" => {
            return answer(
                403,
                &[
                    ("x-ratelimit-remaining", "0".into()),
                    ("x-ratelimit-reset", RESET_EPOCH.to_string()),
                ],
                r#"{"message":"API rate limit exceeded"}"#,
            );
        }
        _ => (12, 0),
    };
    json_answer(commits(if in_window { during } else { earlier }))
}

async fn gh_elsewhere(State(fake): State<Arc<Fake>>, uri: Uri, headers: HeaderMap) -> Response {
    fake.record(&uri, &headers);
    fake.elsewhere.fetch_add(1, Ordering::SeqCst);
    json_answer(repo_json(false, false, "2026-11-28T09:00:00Z"))
}

async fn hf_repo(
    State(fake): State<Arc<Fake>>,
    Path((kind, owner, name)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    fake.record(&uri, &headers);
    let id = format!("{owner}/{name}");
    let info = |author: &str, gated: serde_json::Value, created: &str| {
        json_answer(json!({
            "_id": "65f0", "id": id, "author": author,
            "private": false, "disabled": false, "gated": gated,
            "likes": 3, "downloads": 10, "tags": ["lora"],
            "createdAt": created, "lastModified": "2026-11-29T10:00:00.000Z",
            "sha": "abc",
        }))
    };
    match (kind.as_str(), id.as_str()) {
        ("models", "mistral-hackaton-2026/tiny-tutor") => {
            info(ORG, json!("manual"), "2026-11-28T20:00:00.000Z")
        }
        ("models", "ada/tiny-tutor") => info("ada", json!(false), "2026-11-28T20:00:00.000Z"),
        ("models", "ada/undated") => info("ada", json!("auto"), "yesterday"),
        ("models", "ada/bare") => json_answer(json!({"id": "ada/bare"})),
        ("models", "ada/secret") => answer(401, &[], r#"{"error":"Repository not found"}"#),
        ("models", "ada/locked") => json_answer(json!({
            "id": id, "author": "ada", "private": true, "disabled": false,
        })),
        ("models", "ada/moved") => answer(
            302,
            &[(
                "location",
                format!("{}/gh/elsewhere", fake.base.lock().unwrap()),
            )],
            "",
        ),
        ("models", "ada/busy") => answer(
            429,
            &[("retry-after", "30".into())],
            r#"{"error":"rate limited"}"#,
        ),
        ("datasets", "ada/breton") => info("ada", json!(false), "2026-11-28T21:00:00.000Z"),
        ("spaces", "ada/demo") => info("ada", json!(false), "2026-11-29T09:00:00.000Z"),
        _ => answer(404, &[], r#"{"error":"Repository not found"}"#),
    }
}

/// Starts the fake APIs; returns the server's base URL and its records.
async fn start_fake() -> (String, Arc<Fake>) {
    use axum::routing::get;
    let fake = Arc::new(Fake::default());
    let app = axum::Router::new()
        .route("/gh/repos/{owner}/{repo}", get(gh_repo))
        .route("/gh/repos/{owner}/{repo}/commits", get(gh_commits))
        .route("/gh/elsewhere", get(gh_elsewhere))
        .route("/hf/api/{kind}/{owner}/{name}", get(hf_repo))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    *fake.base.lock().unwrap() = base.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, fake)
}

/// Providers pointed at the fake (the HF base with a trailing slash, as
/// configuration may give it).
fn providers(base: &str, token: Option<&str>, timeout: Duration) -> Providers {
    Providers::new(
        &format!("{base}/gh"),
        &format!("{base}/hf/"),
        token.map(str::to_owned),
        timeout,
    )
}

async fn setup() -> (Providers, Arc<Fake>) {
    let (base, fake) = start_fake().await;
    (providers(&base, None, Duration::from_secs(5)), fake)
}

fn gh(repo: &str) -> GithubRepo {
    GithubRepo {
        owner: "ada".into(),
        repo: repo.into(),
    }
}

fn hf(kind: HfKind, id: &str) -> HfRepo {
    HfRepo {
        kind,
        id: id.into(),
    }
}

fn github_evidence(repo: &str, fetched: Fetched<GithubFacts>) -> Evidence {
    Evidence {
        fetched_at: t(NOW),
        github: Some((gh(repo), fetched)),
        hf: vec![],
    }
}

fn status_of(list: &Checklist, key: &str) -> Status {
    list.items
        .iter()
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no item {key} in {list:#?}"))
        .status
}

fn message_of<'a>(list: &'a Checklist, key: &str) -> &'a str {
    &list
        .items
        .iter()
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no item {key} in {list:#?}"))
        .message
}

/// Fetches one GitHub repository in the hacking window and evaluates it.
async fn check_github(p: &Providers, repo: &str) -> (Fetched<GithubFacts>, Checklist) {
    let fetched = p.github(&gh(repo), window(), t(NOW)).await;
    let list = evaluate(&rules(false), &github_evidence(repo, fetched.clone()));
    (fetched, list)
}

/// Checks `repo` on a fake GitHub (no token): what was fetched and the
/// checklist.
async fn github_check(repo: &str) -> (Fetched<GithubFacts>, Checklist) {
    let (p, _fake) = setup().await;
    check_github(&p, repo).await
}

fn unavailable<T: std::fmt::Debug>(f: &Fetched<T>) -> (&str, Option<DateTime<Utc>>) {
    match f {
        Fetched::Unavailable { reason, retry_at } => (reason.as_str(), *retry_at),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_public_repository_built_during_the_event_passes() {
    let (p, fake) = setup().await;
    let (fetched, list) = check_github(&p, "public").await;
    assert_eq!(
        fetched,
        Fetched::Found(GithubFacts {
            private: false,
            fork: false,
            created_at: t("2026-11-28T09:00:00Z"),
            pushed_at: Some(t("2026-11-29T14:00:00Z")),
            commits_in_window: 12,
            commits_before_start: 0,
        })
    );
    assert_eq!(list.status, Status::Pass, "{list:#?}");
    assert_eq!(status_of(&list, "github.commits"), Status::Pass);
    // Exactly the three documented requests, with GitHub's headers.
    let hits = fake.hits("/gh/");
    let paths: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(paths[0], "/gh/repos/ada/public");
    assert!(
        paths[1].starts_with("/gh/repos/ada/public/commits?"),
        "{paths:?}"
    );
    assert!(
        paths[2].starts_with("/gh/repos/ada/public/commits?"),
        "{paths:?}"
    );
    for h in &hits {
        assert_eq!(h.accept.as_deref(), Some("application/vnd.github+json"));
        assert_eq!(h.api_version.as_deref(), Some("2022-11-28"));
        assert_eq!(h.user_agent.as_deref(), Some(USER_AGENT));
        assert_eq!(h.authorization, None, "no token configured");
    }
}

#[tokio::test]
async fn without_a_hacking_window_no_commits_are_listed() {
    let (p, fake) = setup().await;
    let fetched = p.github(&gh("public"), None, t(NOW)).await;
    let Fetched::Found(f) = fetched else {
        panic!("{fetched:?}")
    };
    assert_eq!((f.commits_in_window, f.commits_before_start), (0, 0));
    assert_eq!(fake.hits("/gh/").len(), 1);
}

#[tokio::test]
async fn a_repository_never_pushed_to_reads_as_found_without_a_push_date() {
    let (fetched, _) = github_check("no-push").await;
    assert!(
        matches!(&fetched, Fetched::Found(f) if f.pushed_at.is_none()),
        "{fetched:?}"
    );
}

#[tokio::test]
async fn a_private_repository_fails_and_tells_the_team_to_make_it_public() {
    let (fetched, list) = github_check("secret").await;
    assert_eq!(fetched, Fetched::Missing { status: 404 });
    assert_eq!(list.status, Status::Fail);
    assert!(
        message_of(&list, "github.public").contains("Make it public before Sunday 16:00 your time"),
        "{list:#?}"
    );
}

#[tokio::test]
async fn a_private_repository_seen_through_the_token_still_fails() {
    let (base, _fake) = start_fake().await;
    let p = providers(&base, Some(TOKEN), Duration::from_secs(5));
    let (fetched, list) = check_github(&p, "secret").await;
    assert!(
        matches!(&fetched, Fetched::Found(f) if f.private),
        "{fetched:?}"
    );
    assert_eq!(status_of(&list, "github.public"), Status::Fail);
    assert!(message_of(&list, "github.public").contains("is private"));
    assert_eq!(list.status, Status::Fail);
}

#[tokio::test]
async fn a_repository_that_does_not_exist_fails() {
    let (p, fake) = setup().await;
    let (fetched, list) = check_github(&p, "no-such-repo").await;
    assert_eq!(fetched, Fetched::Missing { status: 404 });
    assert_eq!(list.status, Status::Fail);
    assert_eq!(
        fake.hits("/gh/").len(),
        1,
        "no commit listing for a missing repo"
    );
}

#[tokio::test]
async fn a_fork_is_flagged_for_the_organizers_not_failed() {
    let (_, list) = github_check("forked").await;
    assert_eq!(status_of(&list, "github.fork"), Status::Review);
    assert_eq!(list.status, Status::Review, "{list:#?}");
}

#[tokio::test]
async fn a_repository_created_before_the_hacking_started_is_reviewed() {
    let (_, list) = github_check("old").await;
    assert_eq!(status_of(&list, "github.created"), Status::Review);
    assert_eq!(list.status, Status::Review, "{list:#?}");
}

#[tokio::test]
async fn commits_dated_before_the_start_are_reviewed_as_evidence_not_proof() {
    let (fetched, list) = github_check("backdated").await;
    assert!(
        matches!(&fetched, Fetched::Found(f) if f.commits_in_window == 5 && f.commits_before_start == 3),
        "{fetched:?}"
    );
    assert_eq!(status_of(&list, "github.commits"), Status::Review);
    assert!(message_of(&list, "github.commits").contains("can be wrong or forged"));
    assert_eq!(list.status, Status::Review);
}

#[tokio::test]
async fn a_repository_with_no_commits_in_the_window_fails_and_asks_to_push() {
    let (_, list) = github_check("idle").await;
    assert_eq!(status_of(&list, "github.commits"), Status::Fail);
    assert!(message_of(&list, "github.commits").contains("Push your work"));
    assert_eq!(list.status, Status::Fail);
}

#[tokio::test]
async fn an_empty_repository_has_no_commits_and_fails_the_commit_check() {
    let (fetched, list) = github_check("empty").await;
    assert!(
        matches!(&fetched, Fetched::Found(f) if f.commits_in_window == 0 && f.commits_before_start == 0),
        "{fetched:?}"
    );
    assert_eq!(status_of(&list, "github.public"), Status::Pass);
    assert_eq!(status_of(&list, "github.commits"), Status::Fail);
}

#[tokio::test]
async fn a_rate_limited_check_is_pending_until_the_reset_github_announced() {
    let (fetched, list) = github_check("limited").await;
    let reset = DateTime::from_timestamp(RESET_EPOCH, 0).unwrap();
    assert_eq!(
        fetched,
        Fetched::Unavailable {
            reason: "GitHub's rate limit".into(),
            retry_at: Some(reset),
        }
    );
    assert_eq!(list.status, Status::Pending);
    assert!(list.pending());
    let item = list
        .items
        .iter()
        .find(|i| i.key == "github.public")
        .unwrap();
    assert_eq!(
        item.evidence.get("retry_at").map(String::as_str),
        Some("2026-11-29 16:00 UTC")
    );
}

#[tokio::test]
async fn a_rate_limit_on_the_commit_listing_leaves_the_whole_repository_pending() {
    let (fetched, list) = github_check("commits-limited").await;
    let (reason, retry_at) = unavailable(&fetched);
    assert_eq!(reason, "GitHub's rate limit");
    assert_eq!(retry_at, DateTime::from_timestamp(RESET_EPOCH, 0));
    assert_eq!(list.status, Status::Pending);
}

#[tokio::test]
async fn a_secondary_rate_limit_is_pending_for_the_seconds_in_retry_after() {
    let (fetched, list) = github_check("busy").await;
    assert_eq!(
        fetched,
        Fetched::Unavailable {
            reason: "GitHub's rate limit".into(),
            retry_at: Some(t("2026-11-29T14:32:00Z")),
        }
    );
    assert_eq!(list.status, Status::Pending);
}

#[tokio::test]
async fn a_refusal_without_rate_limit_headers_is_pending_with_the_status() {
    let (fetched, list) = github_check("forbidden").await;
    assert_eq!(unavailable(&fetched), ("GitHub refused (403)", None));
    assert_eq!(list.status, Status::Pending);
}

#[tokio::test]
async fn a_github_outage_is_pending_with_the_status_in_the_reason() {
    let (fetched, list) = github_check("down").await;
    assert_eq!(unavailable(&fetched), ("GitHub answered 502", None));
    assert_eq!(list.status, Status::Pending);
}

#[tokio::test]
async fn a_slow_answer_is_pending_and_the_check_gives_up_promptly() {
    let (base, _fake) = start_fake().await;
    let p = providers(&base, None, Duration::from_millis(300));
    let began = Instant::now();
    let (fetched, list) = check_github(&p, "slow").await;
    let took = began.elapsed();
    assert_eq!(
        unavailable(&fetched),
        ("GitHub did not answer in time", None)
    );
    assert_eq!(list.status, Status::Pending);
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn an_unreachable_provider_is_pending_without_details() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let p = providers(&base, Some(TOKEN), Duration::from_secs(2));
    let (fetched, list) = check_github(&p, "public").await;
    assert_eq!(unavailable(&fetched), ("cannot reach GitHub", None));
    assert_eq!(list.status, Status::Pending);
    let model = p.hf(&hf(HfKind::Model, "ada/tiny-tutor"), t(NOW)).await;
    assert_eq!(unavailable(&model), ("cannot reach Hugging Face", None));
}

#[tokio::test]
async fn an_answer_we_cannot_read_is_pending_not_a_verdict() {
    let (p, _fake) = setup().await;
    for repo in ["garbled", "wrong-shape"] {
        let (fetched, list) = check_github(&p, repo).await;
        assert_eq!(
            unavailable(&fetched),
            ("GitHub sent an answer we cannot read", None),
            "{repo}"
        );
        assert_eq!(list.status, Status::Pending, "{repo}");
    }
}

#[tokio::test]
async fn an_answer_larger_than_one_mebibyte_is_not_read() {
    let (fetched, list) = github_check("huge").await;
    assert_eq!(
        unavailable(&fetched),
        ("GitHub sent an answer larger than 1 MiB", None)
    );
    assert_eq!(list.status, Status::Pending);
}

/// A server that streams an endless-looking chunked answer (no
/// Content-Length), so only the byte count can stop the reader.
async fn start_chunked_flood() -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                // 64 MiB at most, all whitespace.
                for _ in 0..1024 {
                    let frame = format!("{:x}\r\n", chunk.len());
                    if socket.write_all(frame.as_bytes()).await.is_err()
                        || socket.write_all(&chunk).await.is_err()
                        || socket.write_all(b"\r\n").await.is_err()
                    {
                        return;
                    }
                    counter.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    (base, sent)
}

#[tokio::test]
async fn a_streamed_answer_is_cut_off_after_one_mebibyte() {
    let (base, sent) = start_chunked_flood().await;
    let p = Providers::new(&base, &base, None, Duration::from_secs(5));
    let fetched = p.hf(&hf(HfKind::Model, "ada/flood"), t(NOW)).await;
    assert_eq!(
        unavailable(&fetched),
        ("Hugging Face sent an answer larger than 1 MiB", None)
    );
    // The reader stopped long before the 64 MiB the server would send.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < 32 * 1024 * 1024, "{sent} bytes sent");
}

#[tokio::test]
async fn a_renamed_repository_is_not_followed_to_its_new_address() {
    let (p, fake) = setup().await;
    let (fetched, list) = check_github(&p, "renamed").await;
    assert_eq!(fetched, Fetched::Missing { status: 301 });
    assert_eq!(list.status, Status::Fail);
    let moved = p.hf(&hf(HfKind::Model, "ada/moved"), t(NOW)).await;
    assert_eq!(moved, Fetched::Missing { status: 302 });
    assert_eq!(fake.elsewhere.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_github_token_goes_to_github_and_never_to_hugging_face() {
    let (base, fake) = start_fake().await;
    let p = providers(&base, Some(TOKEN), Duration::from_secs(5));
    let content = SubmissionContent {
        github_url: "https://github.com/ada/public".into(),
        hf_urls: vec![
            "https://huggingface.co/ada/tiny-tutor".into(),
            "https://huggingface.co/datasets/ada/breton".into(),
            "https://huggingface.co/spaces/ada/demo".into(),
        ],
        ..Default::default()
    };
    let _ = p.gather(&content, window(), t(NOW)).await;
    let github = fake.hits("/gh/");
    let hub = fake.hits("/hf/");
    assert_eq!(github.len(), 3, "{github:?}");
    assert_eq!(hub.len(), 3, "{hub:?}");
    for h in &github {
        assert_eq!(
            h.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    for h in &hub {
        assert_eq!(h.authorization, None, "{h:?}");
        assert_eq!(h.api_version, None, "{h:?}");
        assert_eq!(h.user_agent.as_deref(), Some(USER_AGENT));
    }
}

#[tokio::test]
async fn a_public_model_under_the_event_org_passes_the_fine_tuning_track_rule() {
    let (p, _fake) = setup().await;
    let repo = hf(HfKind::Model, "mistral-hackaton-2026/tiny-tutor");
    let fetched = p.hf(&repo, t(NOW)).await;
    assert_eq!(
        fetched,
        Fetched::Found(HfFacts {
            private: false,
            disabled: false,
            author: Some(ORG.into()),
            created_at: Some(t("2026-11-28T20:00:00Z")),
        }),
        "a string `gated` must not break the reading"
    );
    let github = p.github(&gh("public"), window(), t(NOW)).await;
    let evidence = Evidence {
        fetched_at: t(NOW),
        github: Some((gh("public"), github)),
        hf: vec![(repo, fetched)],
    };
    let list = evaluate(&rules(true), &evidence);
    assert_eq!(status_of(&list, "track.model_in_org"), Status::Pass);
    assert_eq!(list.status, Status::Pass, "{list:#?}");
}

#[tokio::test]
async fn a_model_under_another_owner_fails_only_the_track_rule() {
    let (p, _fake) = setup().await;
    let repo = hf(HfKind::Model, "ada/tiny-tutor");
    let fetched = p.hf(&repo, t(NOW)).await;
    let github = p.github(&gh("public"), window(), t(NOW)).await;
    let evidence = Evidence {
        fetched_at: t(NOW),
        github: Some((gh("public"), github)),
        hf: vec![(repo, fetched)],
    };
    let list = evaluate(&rules(true), &evidence);
    assert_eq!(status_of(&list, "hf.ada/tiny-tutor.public"), Status::Pass);
    assert_eq!(status_of(&list, "track.model_in_org"), Status::Fail);
    assert!(
        message_of(&list, "track.model_in_org").contains("huggingface.co/mistral-hackaton-2026")
    );
    assert_eq!(list.status, Status::Fail);
}

#[tokio::test]
async fn a_private_hugging_face_repository_fails_and_tells_the_team_to_make_it_public() {
    let (p, _fake) = setup().await;
    for (id, expected) in [
        ("ada/secret", Some(401)),
        ("ada/nothing-here", Some(404)),
        ("ada/locked", None),
    ] {
        let repo = hf(HfKind::Model, id);
        let fetched = p.hf(&repo, t(NOW)).await;
        match expected {
            Some(status) => assert_eq!(fetched, Fetched::Missing { status }, "{id}"),
            None => assert!(
                matches!(&fetched, Fetched::Found(f) if f.private),
                "{fetched:?}"
            ),
        }
        let evidence = Evidence {
            fetched_at: t(NOW),
            github: None,
            hf: vec![(repo, fetched)],
        };
        let list = evaluate(&rules(false), &evidence);
        let key = format!("hf.{id}.public");
        assert_eq!(status_of(&list, &key), Status::Fail, "{id}");
        assert!(message_of(&list, &key).contains("Make it public"), "{id}");
    }
}

#[tokio::test]
async fn dataset_and_space_links_are_asked_about_as_datasets_and_spaces() {
    let (p, fake) = setup().await;
    let dataset = p.hf(&hf(HfKind::Dataset, "ada/breton"), t(NOW)).await;
    let space = p.hf(&hf(HfKind::Space, "ada/demo"), t(NOW)).await;
    assert!(
        matches!(&dataset, Fetched::Found(f) if !f.private),
        "{dataset:?}"
    );
    assert!(
        matches!(&space, Fetched::Found(f) if !f.private),
        "{space:?}"
    );
    let paths: Vec<String> = fake.hits("/hf/").into_iter().map(|h| h.path).collect();
    assert_eq!(
        paths,
        ["/hf/api/datasets/ada/breton", "/hf/api/spaces/ada/demo"]
    );
}

#[tokio::test]
async fn hugging_face_fields_that_are_absent_or_unreadable_are_left_unknown() {
    let (p, _fake) = setup().await;
    let undated = p.hf(&hf(HfKind::Model, "ada/undated"), t(NOW)).await;
    assert!(
        matches!(&undated, Fetched::Found(f) if f.created_at.is_none() && f.author.as_deref() == Some("ada")),
        "{undated:?}"
    );
    let bare = p.hf(&hf(HfKind::Model, "ada/bare"), t(NOW)).await;
    assert_eq!(
        bare,
        Fetched::Found(HfFacts {
            private: false,
            disabled: false,
            author: None,
            created_at: None,
        })
    );
}

#[tokio::test]
async fn a_rate_limited_hugging_face_check_is_pending_for_the_seconds_in_retry_after() {
    let (p, _fake) = setup().await;
    let repo = hf(HfKind::Model, "ada/busy");
    let fetched = p.hf(&repo, t(NOW)).await;
    assert_eq!(
        fetched,
        Fetched::Unavailable {
            reason: "Hugging Face's rate limit".into(),
            retry_at: Some(t("2026-11-29T14:30:30Z")),
        }
    );
    let evidence = Evidence {
        fetched_at: t(NOW),
        github: None,
        hf: vec![(repo, fetched)],
    };
    let list = evaluate(&rules(false), &evidence);
    assert_eq!(status_of(&list, "hf.ada/busy.public"), Status::Pending);
}

#[tokio::test]
async fn gather_fetches_the_repository_and_every_hugging_face_link() {
    let (p, fake) = setup().await;
    let content = SubmissionContent {
        title: "Tiny tutor".into(),
        github_url: "https://github.com/ada/public/tree/main".into(),
        hf_urls: vec![
            "https://huggingface.co/mistral-hackaton-2026/tiny-tutor".into(),
            "https://example.com/not-a-hub-link".into(),
            "https://huggingface.co/datasets/ada/breton".into(),
            // The same model again: asked about once.
            "https://huggingface.co/mistral-hackaton-2026/tiny-tutor/tree/main".into(),
        ],
        ..Default::default()
    };
    let evidence = p.gather(&content, window(), t(NOW)).await;
    assert_eq!(evidence.fetched_at, t(NOW));
    let (repo, github) = evidence.github.as_ref().expect("the GitHub repository");
    assert_eq!(repo, &gh("public"));
    assert!(matches!(github, Fetched::Found(_)), "{github:?}");
    let hf_repos: Vec<(HfKind, &str)> = evidence
        .hf
        .iter()
        .map(|(r, _)| (r.kind, r.id.as_str()))
        .collect();
    assert_eq!(
        hf_repos,
        [
            (HfKind::Model, "mistral-hackaton-2026/tiny-tutor"),
            (HfKind::Dataset, "ada/breton"),
        ]
    );
    assert!(
        evidence
            .hf
            .iter()
            .all(|(_, f)| matches!(f, Fetched::Found(_))),
        "{evidence:#?}"
    );
    assert_eq!(fake.hits("/hf/").len(), 2);
    let list = evaluate(&rules(true), &evidence);
    assert_eq!(list.status, Status::Pass, "{list:#?}");
}

#[tokio::test]
async fn gather_without_links_asks_nobody_and_the_checklist_asks_for_a_repository() {
    let (p, fake) = setup().await;
    let content = SubmissionContent {
        github_url: "not a link".into(),
        ..Default::default()
    };
    let evidence = p.gather(&content, window(), t(NOW)).await;
    assert_eq!(evidence.github, None);
    assert!(evidence.hf.is_empty());
    assert!(fake.hits.lock().unwrap().is_empty());
    let list = evaluate(&rules(false), &evidence);
    assert_eq!(status_of(&list, "github.public"), Status::Fail);
}
