//! The "deadline spike" load generator (`bench/deadline-spike` runs it):
//! N teams (default 2,000) each save a draft and then submit it through
//! `PUT /api/v1/events/mistral-hackathon/submission`, their start times
//! spread uniformly at random over a window (default 60 s; 0 = all at once),
//! against a running server. Then it reads back from the store that every
//! team's submission is there: submitted, version 2, with the content hash
//! the client was answered and computes itself.
//!
//! Seeding goes through the server's own `Store` on the server's database:
//! the demo event's registration capacity is lifted (400 in the demo), then
//! for each team an account (email identity), a registration, a team of one
//! in Europe/Paris and an API token, with bounded concurrency.
//!
//!   cargo run --release -p hackboard-tests --example deadline_spike -- \
//!       --database-url sqlite:/tmp/x/hackboard.db --base http://127.0.0.1:4000 \
//!       [--teams 2000] [--window 60] [--label spread] [--seed-concurrency 16] \
//!       [--samples requests.csv]
//!
//! Prints the figures, then one markdown table row:
//! `| engine | arrivals | teams | requests | p50 | p90 | p99 | max | errors | verified |`.

use hackboard::store::Store;
use hackboard_domain::submission::SubmissionContent;
use hackboard_tests::load::{
    Flags, SLUG, SplitMix, account, captain, demo_event, parallel, percentile_ms, thousands,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    database_url: String,
    base: String,
    teams: usize,
    window: f64,
    label: String,
    seed_concurrency: usize,
    /// Where to write every request as CSV (for profiling), if anywhere.
    samples: Option<String>,
}

fn parse_args() -> Args {
    let flags = Flags::parse(
        "deadline_spike --database-url URL --base http://HOST:PORT \
         [--teams 2000] [--window SECONDS (0 = burst)] [--label NAME] [--seed-concurrency 16] \
         [--samples FILE.csv]",
        &[
            "--database-url",
            "--base",
            "--teams",
            "--window",
            "--label",
            "--seed-concurrency",
            "--samples",
        ],
    );
    let window = flags.number("--window", 60.0);
    let args = Args {
        database_url: flags.required("--database-url"),
        base: flags.base(),
        teams: flags.number("--teams", 2000),
        window,
        label: flags
            .text("--label")
            .unwrap_or_else(|| if window == 0.0 { "burst" } else { "spread" }.into()),
        seed_concurrency: flags.number("--seed-concurrency", 16),
        samples: flags.text("--samples"),
    };
    if args.teams == 0 || args.window < 0.0 || args.seed_concurrency == 0 {
        flags.fail();
    }
    args
}

/// One seeded team: who saves, with which token.
struct Seeded {
    index: usize,
    team_id: i64,
    token: String,
}

/// For each team an account (email identity) with an API token, its
/// registration and a team of one, with bounded concurrency.
async fn seed(store: &Store, args: &Args) -> Result<(i64, Vec<Seeded>), String> {
    let event_id = demo_event(store, |_| {}).await?;
    let s = store.clone();
    let label = args.label.clone();
    let teams = parallel(args.teams, args.seed_concurrency, move |index| {
        let (store, label) = (s.clone(), label.clone());
        async move {
            let handle = format!("{label}-{index:04}");
            let (user, token) = account(&store, &handle, "deadline spike").await?;
            let team_id =
                captain(&store, event_id, user, &format!("Team {label} {index:04}")).await?;
            Ok(Seeded {
                index,
                team_id,
                token,
            })
        }
    })
    .await?;
    Ok((event_id, teams))
}

/// What team `i` submits: about 1 KB of markdown, one track, its repos.
fn final_content(i: usize) -> SubmissionContent {
    let track = if i.is_multiple_of(3) {
        "fine-tuning"
    } else {
        "anything-goes"
    };
    let description = format!(
        "## What it does\n\n\
         Project {i} listens to a question in Breton, French or English and answers \
         in the same language, citing the passages of the course book it relied on. \
         It runs on **Mistral 7B** with a LoRA adapter trained over the weekend.\n\n\
         ## How we built it\n\n\
         - Collected 12,000 question and answer pairs from the course's exercises\n\
         - Fine-tuned with `peft` on one GPU for six hours (rank 16, alpha 32)\n\
         - Retrieval over the book's chapters with a small embedding model\n\
         - A FastAPI backend and a plain HTML front end, deployed as a Space\n\n\
         ## What we learned\n\n\
         Evaluation was the hard part: we wrote 200 test questions by hand and \
         scored answers blind. The adapter beat the base model on 71 % of them \
         and never made up a citation.\n\n\
         ## What is next\n\n\
         Voice input, more languages of Brittany and Cornwall, and a teacher's view \
         of what students ask most. Team {i} thanks the mentors for the late-night help."
    );
    SubmissionContent {
        title: format!("Breton tutor {i}"),
        tagline: "A language tutor that answers with its sources".into(),
        description,
        tracks: vec![track.into()],
        github_url: format!("https://github.com/team{i}/project"),
        hf_urls: vec![format!(
            "https://huggingface.co/mistral-hackaton-2026/team{i}-tutor"
        )],
        demo_video_url: String::new(),
        live_demo_url: String::new(),
        built_with: vec!["Mistral".into(), "PEFT".into(), "FastAPI".into()],
    }
}

/// The draft saved first: the same project, half written.
fn draft_content(i: usize) -> Value {
    let full = final_content(i);
    json!({
        "title": full.title,
        "tagline": full.tagline,
        "description": full.description.chars().take(400).collect::<String>(),
        "tracks": full.tracks,
        "github_url": full.github_url,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Draft,
    Submit,
}

struct Sample {
    kind: Kind,
    /// 0: no answer (connection error, timeout).
    status: u16,
    latency: Duration,
    /// When it was sent, from the start of the spike.
    sent_at: Duration,
}

struct TeamRun {
    index: usize,
    team_id: i64,
    samples: Vec<Sample>,
    /// The hash the submit was answered with.
    answered_hash: Option<String>,
    errors: Vec<String>,
}

async fn put(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
) -> (u16, Option<Value>, String) {
    let res = client.put(url).bearer_auth(token).json(body).send().await;
    match res {
        Ok(res) => {
            let status = res.status().as_u16();
            match res.bytes().await {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    (status, serde_json::from_slice(&bytes).ok(), text)
                }
                Err(e) => (0, None, format!("reading the answer: {e}")),
            }
        }
        Err(e) => (0, None, format!("{e}")),
    }
}

async fn run_team(
    client: reqwest::Client,
    url: Arc<str>,
    team: Seeded,
    spike_start: Instant,
    offset: Duration,
) -> TeamRun {
    tokio::time::sleep_until((spike_start + offset).into()).await;
    let mut run = TeamRun {
        index: team.index,
        team_id: team.team_id,
        samples: Vec::with_capacity(2),
        answered_hash: None,
        errors: vec![],
    };
    let final_body = serde_json::to_value(final_content(team.index)).expect("content as JSON");
    for (kind, base, submit, content) in [
        (Kind::Draft, 0, false, draft_content(team.index)),
        (Kind::Submit, 1, true, final_body),
    ] {
        let body = json!({"base_version": base, "submit": submit, "content": content});
        let sent = Instant::now();
        let (status, answer, text) = put(&client, &url, &team.token, &body).await;
        run.samples.push(Sample {
            kind,
            status,
            latency: sent.elapsed(),
            sent_at: sent - spike_start,
        });
        if status != 200 {
            run.errors.push(format!(
                "team {} {}: {status} {}",
                team.index,
                if kind == Kind::Draft {
                    "draft"
                } else {
                    "submit"
                },
                text.chars().take(200).collect::<String>()
            ));
        } else if kind == Kind::Submit {
            run.answered_hash = answer
                .as_ref()
                .and_then(|a| a["hash"].as_str())
                .map(str::to_owned);
        }
    }
    run
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = parse_args();
    let store = match Store::connect(&args.database_url).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("deadline_spike: connecting to the database: {e}");
            return ExitCode::FAILURE;
        }
    };
    let engine = match store.engine() {
        hackboard::store::Engine::Sqlite => "SQLite",
        hackboard::store::Engine::Postgres => "PostgreSQL",
    };

    let seeding = Instant::now();
    let (event_id, teams) = match seed(&store, &args).await {
        Ok(v) => v,
        Err(e) => {
            eprintln!("deadline_spike: seeding: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "seeded {} teams (account, registration, team of one, API token) in {} ms on {engine}",
        teams.len(),
        seeding.elapsed().as_millis()
    );
    let before: usize = match store.submissions(event_id).await {
        Ok(s) => s.len(),
        Err(e) => {
            eprintln!("deadline_spike: reading submissions: {e}");
            return ExitCode::FAILURE;
        }
    };

    // One client: a connection per request in flight, kept alive and
    // reused once idle (as a browser keeps its own); a generous timeout so a
    // stuck request is counted as an error rather than waited for forever.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client");
    let url: Arc<str> = format!("{}/api/v1/events/{SLUG}/submission", args.base).into();
    let mut rng = SplitMix(0x5EED_2026);
    // Start a little later than now, so every task is waiting in time.
    let spike_start = Instant::now() + Duration::from_millis(500);
    let window = Duration::from_secs_f64(args.window);
    let mut runs = tokio::task::JoinSet::new();
    for team in teams {
        let offset = window.mul_f64(rng.unit());
        runs.spawn(run_team(
            client.clone(),
            url.clone(),
            team,
            spike_start,
            offset,
        ));
    }
    let mut results = Vec::new();
    while let Some(done) = runs.join_next().await {
        match done {
            Ok(r) => results.push(r),
            Err(e) => {
                eprintln!("deadline_spike: a team's task failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let elapsed = spike_start.elapsed();
    if let Some(path) = &args.samples {
        let mut csv = String::from("team,kind,status,sent_ms,latency_ms\n");
        for r in &results {
            for s in &r.samples {
                csv.push_str(&format!(
                    "{},{},{},{:.3},{:.3}\n",
                    r.index,
                    if s.kind == Kind::Draft {
                        "draft"
                    } else {
                        "submit"
                    },
                    s.status,
                    s.sent_at.as_secs_f64() * 1000.0,
                    s.latency.as_secs_f64() * 1000.0
                ));
            }
        }
        if let Err(e) = std::fs::write(path, csv) {
            eprintln!("deadline_spike: writing {path}: {e}");
        }
    }

    // Latencies.
    let samples: Vec<&Sample> = results.iter().flat_map(|r| &r.samples).collect();
    let sorted = |pick: &dyn Fn(&Sample) -> bool| {
        let mut v: Vec<Duration> = samples
            .iter()
            .filter(|s| pick(s))
            .map(|s| s.latency)
            .collect();
        v.sort();
        v
    };
    let all = sorted(&|_| true);
    let drafts = sorted(&|s| s.kind == Kind::Draft);
    let submits = sorted(&|s| s.kind == Kind::Submit);
    let errors = samples.iter().filter(|s| s.status != 200).count();
    let mut by_status: HashMap<u16, usize> = HashMap::new();
    for s in samples.iter().filter(|s| s.status != 200) {
        *by_status.entry(s.status).or_default() += 1;
    }
    let last_sent = samples.iter().map(|s| s.sent_at).max().unwrap_or_default();
    // Arrivals per second, at the busiest second.
    let mut per_second: HashMap<u64, usize> = HashMap::new();
    for s in &samples {
        *per_second.entry(s.sent_at.as_secs()).or_default() += 1;
    }
    let busiest = per_second.values().copied().max().unwrap_or(0);

    // No lost submission: read every submission back from the database.
    let mut problems: Vec<String> = results.iter().flat_map(|r| r.errors.clone()).collect();
    let stored = match store.submissions(event_id).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("deadline_spike: reading submissions back: {e}");
            return ExitCode::FAILURE;
        }
    };
    let by_team: HashMap<i64, &hackboard::store::StoredSubmission> = stored
        .iter()
        .filter_map(|s| s.team_id.map(|t| (t, s)))
        .collect();
    let mut verified = 0usize;
    for r in &results {
        let Some(s) = by_team.get(&r.team_id) else {
            problems.push(format!("team id {}: no submission stored", r.team_id));
            continue;
        };
        let want = r.answered_hash.as_deref();
        // The hash the server answered, the hash of what the client sent
        // (computed here), and the hash of the content as stored all agree.
        if s.status == "submitted"
            && s.version == 2
            && Some(s.content_hash.as_str()) == want
            && s.content_hash == final_content(r.index).hash()
            && s.content_hash == SubmissionContent::from_json(&s.content).hash()
        {
            verified += 1;
        } else {
            problems.push(format!(
                "team id {}: stored {} v{} hash {}, answered {:?}",
                r.team_id, s.status, s.version, s.content_hash, want
            ));
        }
    }
    let added = stored.len().saturating_sub(before);
    let submitted = stored.iter().filter(|s| s.status == "submitted").count();

    println!(
        "{engine}, {} teams, window {} s: {} requests ({} drafts, {} submits) in {:.1} s, \
         last sent at {:.1} s, busiest second {} requests",
        thousands(args.teams),
        args.window,
        thousands(all.len()),
        thousands(drafts.len()),
        thousands(submits.len()),
        elapsed.as_secs_f64(),
        last_sent.as_secs_f64(),
        busiest
    );
    for (name, v) in [("all", &all), ("draft", &drafts), ("submit", &submits)] {
        println!(
            "  {name:>6}: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile_ms(v, 0.50),
            percentile_ms(v, 0.90),
            percentile_ms(v, 0.99),
            percentile_ms(v, 1.0)
        );
    }
    let mut statuses: Vec<_> = by_status.into_iter().collect();
    statuses.sort();
    println!(
        "  errors (not 200): {errors}{}",
        if statuses.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                statuses
                    .iter()
                    .map(|(s, n)| format!(
                        "{n} × {}",
                        if *s == 0 {
                            "no answer".into()
                        } else {
                            s.to_string()
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    println!(
        "  stored: {} new submissions ({} submitted in the event); verified submitted, \
         version 2, hash as answered and as stored content: {}/{}",
        thousands(added),
        thousands(submitted),
        thousands(verified),
        thousands(args.teams)
    );
    for p in problems.iter().take(10) {
        println!("  ! {p}");
    }
    if problems.len() > 10 {
        println!("  ! … and {} more", problems.len() - 10);
    }
    let arrivals = if args.window == 0.0 {
        "burst (all at once)".to_owned()
    } else {
        format!("{} s spread", args.window)
    };
    store.close().await;
    let ok = errors == 0 && verified == args.teams && added == args.teams;
    println!(
        "| {engine} | {arrivals} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {errors} | {}/{}{} |",
        thousands(args.teams),
        thousands(all.len()),
        percentile_ms(&all, 0.50),
        percentile_ms(&all, 0.90),
        percentile_ms(&all, 0.99),
        percentile_ms(&all, 1.0),
        thousands(verified),
        thousands(args.teams),
        if ok { "" } else { " ✗" }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
