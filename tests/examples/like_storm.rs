//! The "like storm" load generator (`bench/like-storm` runs it): P
//! submitted projects (default 400) and A accounts (default 10,000) with API
//! tokens are seeded through the server's own `Store`; then every account
//! likes L distinct projects (default 3) through
//! `PUT /api/v1/events/mistral-hackathon/projects/{id}/like`, C requests in
//! flight at once (default 64), as fast as the server answers. Then it
//! checks from the store that no like was lost or counted twice: every
//! project's live count equals the likes the client was answered for it.
//!
//! The gallery is opened now for the run (its opening milestone is set to
//! registration opening), so likes are accepted with the real clock.
//!
//!   cargo run --release -p hackboard-tests --example like_storm -- \
//!       --database-url sqlite:/tmp/x/hackboard.db --base http://127.0.0.1:4000 \
//!       [--accounts 10000] [--projects 400] [--likes 3] [--concurrency 64]
//!
//! Prints one markdown table row:
//! `| likes | seconds | likes/s | p50 | p99 | max | errors | counted = answered |`.

use hackboard::store::{SaveRequest, Store};
use hackboard_domain::MilestoneKind;
use hackboard_domain::submission::SubmissionContent;
use hackboard_tests::load::{
    Flags, SLUG, SplitMix, account, captain, demo_event, parallel, percentile_ms,
};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Args {
    database_url: String,
    base: String,
    accounts: usize,
    projects: usize,
    likes: usize,
    concurrency: usize,
}

fn parse_args() -> Args {
    let flags = Flags::parse(
        "like_storm --database-url URL --base http://HOST:PORT \
         [--accounts 10000] [--projects 400] [--likes 3] [--concurrency 64]",
        &[
            "--database-url",
            "--base",
            "--accounts",
            "--projects",
            "--likes",
            "--concurrency",
        ],
    );
    let a = Args {
        database_url: flags.required("--database-url"),
        base: flags.base(),
        accounts: flags.number("--accounts", 10_000),
        projects: flags.number("--projects", 400),
        likes: flags.number("--likes", 3),
        concurrency: flags.number("--concurrency", 64),
    };
    if a.projects == 0 || a.likes == 0 || a.likes > a.projects || a.concurrency == 0 {
        flags.fail();
    }
    a
}

async fn seed(store: &Store, a: &Args) -> Result<(i64, Vec<i64>, Vec<String>), String> {
    let event_id = demo_event(store, |def| {
        def.gallery.opens = MilestoneKind::RegistrationOpens;
    })
    .await?;
    let s = store.clone();
    let projects = parallel(a.projects, 8, move |i| {
        let store = s.clone();
        async move {
            let (user, _) = account(&store, &format!("maker-{i:04}"), "like storm").await?;
            let team = captain(&store, event_id, user, &format!("Storm team {i:04}")).await?;
            let content = SubmissionContent {
                title: format!("Project {i:04}"),
                tagline: "A project of the like storm".into(),
                description: "What it does, how, and what is next.".into(),
                tracks: vec!["anything-goes".into()],
                github_url: format!("https://github.com/storm{i}/project"),
                ..Default::default()
            };
            let json = serde_json::to_string(&content).map_err(|e| e.to_string())?;
            store
                .save_submission(&SaveRequest {
                    event_id,
                    team_id: team,
                    base_version: 0,
                    title: &content.title,
                    content: &json,
                    content_hash: &content.hash(),
                    submit: true,
                    user_id: user,
                    now: chrono::Utc::now(),
                    receipts: &[],
                })
                .await
                .map_err(|e| format!("project {i}: {e}"))?;
            let sub = store
                .submission_of_team(event_id, team)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the project was saved")?;
            Ok(sub.id)
        }
    })
    .await?;
    let s = store.clone();
    let tokens = parallel(a.accounts, 16, move |i| {
        let store = s.clone();
        async move {
            Ok(account(&store, &format!("fan-{i:05}"), "like storm")
                .await?
                .1)
        }
    })
    .await?;
    Ok((event_id, projects, tokens))
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = parse_args();
    let store = match Store::connect(&a.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot open {}: {e}", a.database_url);
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let (event_id, projects, tokens) = match seed(&store, &a).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("seeding failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "seeded {} projects and {} accounts in {:.1} s",
        projects.len(),
        tokens.len(),
        started.elapsed().as_secs_f64()
    );

    // Each account's L distinct projects, in a shuffled global order.
    let mut rng = SplitMix(0x5EED);
    let mut jobs: Vec<(usize, i64)> = Vec::with_capacity(a.accounts * a.likes);
    for acc in 0..tokens.len() {
        let mut chosen: Vec<i64> = vec![];
        while chosen.len() < a.likes {
            let p = projects[rng.below(projects.len())];
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        jobs.extend(chosen.into_iter().map(|p| (acc, p)));
    }
    for i in (1..jobs.len()).rev() {
        let j = rng.below(i + 1);
        jobs.swap(i, j);
    }
    let jobs = Arc::new(jobs);
    let tokens = Arc::new(tokens);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..a.concurrency {
        let (jobs, tokens, client, next) =
            (jobs.clone(), tokens.clone(), client.clone(), next.clone());
        let base = a.base.clone();
        set.spawn(async move {
            let mut lat = vec![];
            let mut answered: HashMap<i64, i64> = HashMap::new();
            let mut errors: Vec<String> = vec![];
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(acc, project)) = jobs.get(i) else {
                    return (lat, answered, errors);
                };
                let url = format!("{base}/api/v1/events/{SLUG}/projects/{project}/like");
                let sent = Instant::now();
                let res = client.put(&url).bearer_auth(&tokens[acc]).send().await;
                let took = sent.elapsed();
                match res {
                    Ok(r) if r.status().as_u16() == 200 => {
                        lat.push(took);
                        *answered.entry(project).or_default() += 1;
                    }
                    Ok(r) => {
                        let status = r.status();
                        let body = r.text().await.unwrap_or_default();
                        errors.push(format!("{status}: {body}"));
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
        });
    }
    let mut latencies = vec![];
    let mut answered: HashMap<i64, i64> = HashMap::new();
    let mut errors = vec![];
    while let Some(done) = set.join_next().await {
        let Ok((l, ans, err)) = done else { continue };
        latencies.extend(l);
        for (p, n) in ans {
            *answered.entry(p).or_default() += n;
        }
        errors.extend(err);
    }
    let secs = t0.elapsed().as_secs_f64();
    latencies.sort();
    let counts: HashMap<i64, i64> = match store.like_counts(event_id).await {
        Ok(c) => c.into_iter().collect(),
        Err(e) => {
            eprintln!("reading the counts: {e}");
            return ExitCode::FAILURE;
        }
    };
    let exact = projects
        .iter()
        .all(|p| counts.get(p).copied().unwrap_or(0) == answered.get(p).copied().unwrap_or(0));
    let total: i64 = counts.values().sum();
    for e in errors.iter().take(5) {
        eprintln!("error: {e}");
    }
    println!(
        "| {} | {:.1} s | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {} ({total} counted) |",
        latencies.len(),
        secs,
        latencies.len() as f64 / secs,
        percentile_ms(&latencies, 0.5),
        percentile_ms(&latencies, 0.99),
        percentile_ms(&latencies, 1.0),
        errors.len(),
        if exact { "yes" } else { "NO" },
    );
    if exact && errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
