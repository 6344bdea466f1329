//! What the store contract tests start from: one instant, the demo event
//! and accounts made straight in the store.

use chrono::{DateTime, TimeZone, Utc};
use hackboard::store::{NewIdentity, RegisterOutcome, Store};
use hackboard_domain::demo::demo_event;

/// The contract tests' "now": Tuesday 24 November 2026, noon UTC, the
/// week of the demo event.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

/// Imports the demo event (dated from [`t0`]) into `store`: its id.
pub async fn import_demo(store: &Store) -> i64 {
    store
        .upsert_event(&demo_event(t0().date_naive()), t0())
        .await
        .unwrap()
}

/// `n` accounts made by email sign-in at [`t0`] (`{prefix}{i}@x.org`,
/// named `{prefix}{i}`): their ids, in order.
pub async fn people(store: &Store, n: usize, prefix: &str) -> Vec<i64> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("{prefix}{i}@x.org");
        let (u, _) = store
            .user_for_identity(
                &NewIdentity {
                    provider: "email".into(),
                    subject: email.clone(),
                    display_name: format!("{prefix}{i}"),
                    email: Some(email),
                    ..Default::default()
                },
                t0(),
            )
            .await
            .unwrap();
        ids.push(u);
    }
    ids
}

/// Registers `user` for `event` at [`t0`] (no answers, looking for a team,
/// no mail): the outcome.
pub async fn register(store: &Store, event: i64, user: i64) -> RegisterOutcome {
    store
        .register(event, user, "{}", true, None, false, t0(), &|_| None)
        .await
        .unwrap()
}

/// A team called `name` in `event`, in `zone`, made at [`t0`] by
/// `captain` (registered already), its invite code `code-{name}`: its id.
pub async fn new_team(store: &Store, event: i64, captain: i64, name: &str, zone: &str) -> i64 {
    store
        .create_team(
            event,
            captain,
            name,
            &name.to_lowercase(),
            "",
            zone,
            &format!("code-{name}"),
            t0(),
        )
        .await
        .unwrap()
}

/// `captain` registers for `event` and makes a team called `name` (in
/// UTC): the team's id.
pub async fn a_team_of(store: &Store, event: i64, captain: i64, name: &str) -> i64 {
    register(store, event, captain).await;
    new_team(store, event, captain, name, "UTC").await
}
