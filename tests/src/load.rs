//! What the load generators under `tests/examples/` share (the benchmarks
//! in `bench/` run them): their flags, a deterministic generator, bounded
//! parallel work, seeding accounts, registrations and teams through the
//! server's own `Store`, and latency figures.

use chrono::Utc;
use hackboard::auth::{random_token, token_hash};
use hackboard::store::{NewIdentity, RegisterOutcome, Store};
use hackboard::teams::actions::new_join_code;
use hackboard_domain::EventDefinition;
use hackboard_domain::team::name_key;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The demo event the load generators run against.
pub const SLUG: &str = "mistral-hackathon";

/// A registration's answers to the demo event's questions.
const ANSWERS: &str = r#"{"experience":"Shipped something","code_of_conduct":true}"#;

/// `--flag value` pairs from the command line; anything else prints
/// `usage` and exits with status 2.
pub struct Flags {
    usage: &'static str,
    values: HashMap<String, String>,
}

impl Flags {
    /// Reads the command line: every flag must be one of `known`.
    pub fn parse(usage: &'static str, known: &[&str]) -> Flags {
        let mut flags = Flags {
            usage,
            values: HashMap::new(),
        };
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let Some(value) = it.next() else { flags.fail() };
            if !known.contains(&flag.as_str()) {
                flags.fail()
            }
            flags.values.insert(flag, value);
        }
        flags
    }

    /// Prints the usage and exits with status 2.
    pub fn fail(&self) -> ! {
        eprintln!("usage: {}", self.usage);
        std::process::exit(2)
    }

    /// The flag's text, if given.
    pub fn text(&self, flag: &str) -> Option<String> {
        self.values.get(flag).cloned()
    }

    /// The flag's text; the usage when missing or empty.
    pub fn required(&self, flag: &str) -> String {
        self.text(flag)
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| self.fail())
    }

    /// The flag's value, `default` when not given; the usage when it does
    /// not parse.
    pub fn number<T: FromStr>(&self, flag: &str, default: T) -> T {
        match self.values.get(flag) {
            None => default,
            Some(v) => v.parse().unwrap_or_else(|_| self.fail()),
        }
    }

    /// The server's base address (`--base`), without a trailing slash.
    pub fn base(&self) -> String {
        self.required("--base").trim_end_matches('/').to_owned()
    }
}

/// splitmix64: a small deterministic generator, so runs are comparable.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Runs `f(i)` for every i in 0..n, `width` at once; the results in the
/// order of i, or the first failure.
pub async fn parallel<T, F, Fut>(n: usize, width: usize, f: F) -> Result<Vec<T>, String>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, String>> + Send,
{
    let f = Arc::new(f);
    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..width.min(n).max(1) {
        let (f, next) = (f.clone(), next.clone());
        set.spawn(async move {
            let mut out = vec![];
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(out);
                }
                out.push((i, f(i).await?));
            }
        });
    }
    let mut all = vec![];
    while let Some(done) = set.join_next().await {
        all.extend(done.map_err(|e| e.to_string())??);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// The demo event's id, after `adjust` changed its definition (always
/// without a registration capacity: the demo seats 400, a benchmark
/// registers thousands). The server re-reads a definition whose revision
/// moved.
pub async fn demo_event(
    store: &Store,
    adjust: impl FnOnce(&mut EventDefinition),
) -> Result<i64, String> {
    let event = store
        .event_by_slug(SLUG)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the demo event is not loaded (start the server with HACKBOARD_DEMO=true)")?;
    let mut def = event.definition.clone();
    def.registration.capacity = None;
    adjust(&mut def);
    store
        .upsert_event(&def, Utc::now())
        .await
        .map_err(|e| format!("changing the demo event: {e}"))?;
    Ok(event.id)
}

/// An account `name`@bench.example (email identity) with an API token
/// named `purpose`: its id and the token.
pub async fn account(store: &Store, name: &str, purpose: &str) -> Result<(i64, String), String> {
    let now = Utc::now();
    let email = format!("{name}@bench.example");
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{name}: {what}: {e}");
    let (id, _) = store
        .user_for_identity(
            &NewIdentity {
                provider: "email".into(),
                subject: email.clone(),
                login: Some(email.clone()),
                display_name: name.to_owned(),
                email: Some(email),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(|e| fail("account", &e))?;
    let token = format!("hb_bench_{}", random_token());
    store
        .create_api_token(id, purpose, &token_hash(&token), now)
        .await
        .map_err(|e| fail("API token", &e))?;
    Ok((id, token))
}

/// Registers the account for the event and makes it the captain of a
/// new team `name` (in Europe/Paris): the team's id.
pub async fn captain(store: &Store, event_id: i64, user: i64, name: &str) -> Result<i64, String> {
    let now = Utc::now();
    let outcome = store
        .register(event_id, user, ANSWERS, false, None, false, now, &|_| None)
        .await
        .map_err(|e| format!("{name}: registration: {e}"))?;
    if outcome != RegisterOutcome::Registered {
        return Err(format!("{name}: registration: {outcome:?}"));
    }
    store
        .create_team(
            event_id,
            user,
            name,
            &name_key(name),
            "",
            "Europe/Paris",
            &new_join_code(),
            now,
        )
        .await
        .map_err(|e| format!("{name}: team: {e}"))
}

/// The nearest-rank percentile `q` (0–1) of sorted latencies, in
/// milliseconds (0 when there are none).
pub fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// 12345 as "12,345".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&v, 0.5), 50.0);
        assert_eq!(percentile_ms(&v, 0.99), 99.0);
        assert_eq!(percentile_ms(&v, 1.0), 100.0);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
