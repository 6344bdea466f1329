//! Store contract for likes, on SQLite and PostgreSQL: 1,000 accounts
//! liking one project at once count exactly 1,000; a like the database
//! refuses fails alone; one account's 20
//! concurrent likes count once; likes racing the cutoff snapshot are each
//! either in the snapshot or refused; the snapshot is taken once and its
//! hash reproduces.

use chrono::{DateTime, Duration, Utc};
use hackboard::store::{LikeRequest, Liked, SaveRequest, Store, sha256_hex};
use hackboard_domain::demo::demo_event;
use hackboard_tests::{a_team_of, each_event_and, people, t0};

fn cutoff() -> DateTime<Utc> {
    t0() + Duration::days(7)
}

/// Three projects, each by a team of its own: two submitted, the third a
/// draft; their submission ids.
async fn three_projects(store: Store, event: i64) -> Vec<i64> {
    let mut projects = Vec::new();
    for (i, submit) in [(0, true), (1, true), (2, false)] {
        let captain = people(&store, 1, &format!("cap{i}-")).await[0];
        let team = a_team_of(&store, event, captain, &format!("T{i}")).await;
        store
            .save_submission(&SaveRequest {
                event_id: event,
                team_id: team,
                base_version: 0,
                title: "P",
                content: "{}",
                content_hash: "h",
                submit,
                user_id: captain,
                now: t0(),
                receipts: &[],
            })
            .await
            .unwrap();
        projects.push(
            store
                .submission_of_team(event, team)
                .await
                .unwrap()
                .unwrap()
                .id,
        );
    }
    projects
}

/// A new event's revision (each change of its definition adds one).
const FIRST_REVISION: i64 = 1;

fn req(event: i64, project: i64, user: i64, at: DateTime<Utc>) -> LikeRequest<'static> {
    LikeRequest {
        event_id: event,
        revision: FIRST_REVISION,
        submission_id: project,
        user_id: user,
        now: at,
        cutoff: cutoff(),
        client_hash: "c",
        agent_hash: "a",
        registered_only: false,
    }
}

async fn like(store: &Store, event: i64, project: i64, user: i64, at: DateTime<Utc>) -> Liked {
    store.like(&req(event, project, user, at)).await.unwrap()
}

#[tokio::test]
async fn a_thousand_accounts_liking_one_project_at_once_count_exactly_a_thousand() {
    each_event_and(three_projects, |store, event, projects| async move {
        let fans = people(&store, 1000, "fan").await;
        let tasks: Vec<_> = fans
            .iter()
            .map(|&u| {
                let store = store.clone();
                let p = projects[0];
                tokio::spawn(async move { store.like(&req(event, p, u, t0())).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Liked::Liked);
        }
        let counts = store.like_counts(event).await.unwrap();
        assert_eq!(counts[0], (projects[0], 1000));
    })
    .await;
}

#[tokio::test]
async fn a_like_that_cannot_be_written_fails_alone_and_the_likes_written_with_it_count() {
    each_event_and(three_projects, |store, event, projects| async move {
        let fans = people(&store, 300, "batch").await;
        // No such account: the database refuses the row. Sent amid the
        // others, it lands in a batch with some of them.
        let ghost = 9_999_999;
        let mut senders: Vec<i64> = fans.clone();
        senders.insert(150, ghost);
        let tasks: Vec<_> = senders
            .iter()
            .map(|&u| {
                let store = store.clone();
                let p = projects[0];
                tokio::spawn(async move { (u, store.like(&req(event, p, u, t0())).await) })
            })
            .collect();
        for t in tasks {
            let (u, outcome) = t.await.unwrap();
            if u == ghost {
                assert!(outcome.is_err(), "{outcome:?}");
            } else {
                assert_eq!(outcome.unwrap(), Liked::Liked);
            }
        }
        assert_eq!(store.like_count(projects[0]).await.unwrap(), 300);
    })
    .await;
}

#[tokio::test]
async fn one_account_liking_twenty_times_at_once_counts_once_and_drafts_cannot_be_liked() {
    each_event_and(three_projects, |store, event, projects| async move {
        let me = people(&store, 1, "me").await[0];
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let store = store.clone();
                let p = projects[1];
                tokio::spawn(async move { store.like(&req(event, p, me, t0())).await })
            })
            .collect();
        let mut liked = 0;
        for t in tasks {
            match t.await.unwrap().unwrap() {
                Liked::Liked => liked += 1,
                Liked::Already => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(liked, 1);
        assert!(
            store
                .like_counts(event)
                .await
                .unwrap()
                .contains(&(projects[1], 1))
        );
        assert_eq!(
            like(&store, event, projects[2], me, t0()).await,
            Liked::NoProject,
            "a draft"
        );
        assert_eq!(
            like(&store, event, 999_999, me, t0()).await,
            Liked::NoProject
        );
        // Withdraw, then like again.
        assert!(
            store
                .unlike(event, projects[1], me, t0(), cutoff())
                .await
                .unwrap()
        );
        assert!(
            !store
                .unlike(event, projects[1], me, t0(), cutoff())
                .await
                .unwrap()
        );
        assert_eq!(
            like(&store, event, projects[1], me, t0()).await,
            Liked::Liked
        );
    })
    .await;
}

#[tokio::test]
async fn likes_racing_the_snapshot_are_each_counted_in_it_or_refused() {
    each_event_and(three_projects, |store, event, projects| async move {
        let fans = people(&store, 300, "racer").await;
        let likes: Vec<_> = fans
            .iter()
            .map(|&u| {
                let store = store.clone();
                let p = projects[0];
                tokio::spawn(async move {
                    store
                        .like(&req(event, p, u, cutoff() - Duration::milliseconds(1)))
                        .await
                })
            })
            .collect();
        tokio::task::yield_now().await;
        let snapshot = store
            .take_like_snapshot(event, cutoff(), cutoff())
            .await
            .unwrap();
        let mut counted = 0;
        for t in likes {
            match t.await.unwrap().unwrap() {
                Liked::Liked => counted += 1,
                Liked::Closed => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let frozen = snapshot.counts();
        let top = frozen
            .iter()
            .find(|c| c.submission_id == projects[0])
            .unwrap();
        assert_eq!(
            top.likes, counted,
            "every accepted like is in the snapshot, no other"
        );
        assert_eq!(
            sha256_hex(&snapshot.counts),
            snapshot.sha256,
            "the hash reproduces"
        );
        // After it: refused, and the snapshot is not taken again.
        let late = people(&store, 1, "late").await[0];
        assert_eq!(
            like(
                &store,
                event,
                projects[1],
                late,
                cutoff() - Duration::seconds(1)
            )
            .await,
            Liked::Closed
        );
        assert!(
            !store
                .unlike(
                    event,
                    projects[0],
                    fans[0],
                    cutoff() - Duration::seconds(1),
                    cutoff()
                )
                .await
                .unwrap()
        );
        let again = store
            .take_like_snapshot(event, cutoff(), cutoff() + Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(again, snapshot);
        // Ranks: the most liked first; the other submitted project after; drafts absent.
        assert_eq!(frozen.len(), 2);
        assert_eq!(frozen[0].rank, 1);
    })
    .await;
}

#[tokio::test]
async fn a_like_at_the_cutoff_instant_is_refused_and_one_millisecond_before_counts() {
    each_event_and(three_projects, |store, event, projects| async move {
        let p = people(&store, 2, "edge").await;
        assert_eq!(
            like(
                &store,
                event,
                projects[0],
                p[0],
                cutoff() - Duration::milliseconds(1)
            )
            .await,
            Liked::Liked
        );
        assert_eq!(
            like(&store, event, projects[0], p[1], cutoff()).await,
            Liked::Closed
        );
    })
    .await;
}

#[tokio::test]
async fn a_like_checked_against_an_outdated_event_definition_is_refused_as_changed_and_not_counted()
{
    each_event_and(three_projects, |store, event, projects| async move {
        let p = people(&store, 2, "stale").await;
        assert_eq!(
            like(&store, event, projects[0], p[0], t0()).await,
            Liked::Liked
        );
        // An organizer saves the event: its revision moves on.
        store
            .upsert_event(&demo_event(t0().date_naive()), t0())
            .await
            .unwrap();
        assert_eq!(
            like(&store, event, projects[0], p[1], t0()).await,
            Liked::Changed
        );
        assert_eq!(store.like_count(projects[0]).await.unwrap(), 1);
        let current = LikeRequest {
            revision: FIRST_REVISION + 1,
            ..req(event, projects[0], p[1], t0())
        };
        assert_eq!(store.like(&current).await.unwrap(), Liked::Liked);
        assert_eq!(store.like_count(projects[0]).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn several_instances_freezing_at_once_take_one_snapshot_and_one_wild_card_confirmation_stands()
 {
    each_event_and(three_projects, |store, event, projects| async move {
        let fans = people(&store, 3, "fan").await;
        for &u in &fans {
            assert_eq!(
                like(&store, event, projects[0], u, t0()).await,
                Liked::Liked
            );
        }
        let takers: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .take_like_snapshot(event, cutoff(), cutoff() + Duration::milliseconds(i))
                        .await
                })
            })
            .collect();
        let mut seen = vec![];
        for t in takers {
            seen.push(t.await.unwrap().unwrap());
        }
        assert!(
            seen.windows(2).all(|w| w[0] == w[1]),
            "one snapshot: {seen:?}"
        );
        let confirmers: Vec<_> = (0..5)
            .map(|_| {
                let store = store.clone();
                let (p, u) = (projects[0], fans[0]);
                tokio::spawn(async move { store.confirm_wild_card(event, p, 3, u, cutoff()).await })
            })
            .collect();
        let mut firsts = 0;
        for t in confirmers {
            if t.await.unwrap().unwrap() {
                firsts += 1;
            }
        }
        assert_eq!(firsts, 1);
        assert_eq!(store.wild_card(event).await.unwrap().unwrap().likes, 3);
    })
    .await;
}

#[tokio::test]
async fn a_voided_like_is_kept_marked_and_audited_and_no_longer_counted() {
    each_event_and(three_projects, |store, event, projects| async move {
        let fans = people(&store, 2, "fan").await;
        for &u in &fans {
            assert_eq!(
                like(&store, event, projects[0], u, t0()).await,
                Liked::Liked
            );
        }
        let log = store.like_log(event).await.unwrap();
        let voided = store
            .void_likes(
                event,
                &[log[0].id, log[0].id],
                "Same person twice",
                fans[1],
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(voided, 1, "voided once");
        assert_eq!(store.like_count(projects[0]).await.unwrap(), 1);
        let log = store.like_log(event).await.unwrap();
        assert_eq!(log.len(), 2, "never deleted");
        assert_eq!(log[0].void_reason.as_deref(), Some("Same person twice"));
        let audit = store.audit_log(event).await.unwrap();
        assert!(audit.iter().any(|a| a.action == "likes_voided"));
        // The account cannot like that project again; others, yes.
        assert_eq!(
            like(&store, event, projects[0], fans[0], t0()).await,
            Liked::Voided
        );
        assert_eq!(
            like(&store, event, projects[1], fans[0], t0()).await,
            Liked::Liked
        );
    })
    .await;
}
