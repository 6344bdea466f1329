//! Store contract for teams, on SQLite and PostgreSQL: the size limit, one
//! team per person and captaincy under concurrent requests; requests and
//! invitations; tracks; the finder; organizers' moves and their audit log.

use hackboard::store::{Left, RegisterOutcome, Store, StoreError, ZoneMove};
use hackboard_domain::team::TeamError;
use hackboard_tests::{each_event, new_team, people, register, t0};

/// `n` accounts, registered for the event unless `registered` is false.
async fn participants(
    store: &Store,
    event: i64,
    n: usize,
    prefix: &str,
    registered: bool,
) -> Vec<i64> {
    let ids = people(store, n, prefix).await;
    if registered {
        for &u in &ids {
            assert_eq!(register(store, event, u).await, RegisterOutcome::Registered);
        }
    }
    ids
}

async fn team(store: &Store, event: i64, captain: i64, name: &str) -> i64 {
    new_team(store, event, captain, name, "Europe/Paris").await
}

/// `n` registered people, the first of them captain of a team `name`:
/// their ids and the team's.
async fn people_and_team(
    store: &Store,
    event: i64,
    n: usize,
    prefix: &str,
    name: &str,
) -> (Vec<i64>, i64) {
    let p = participants(store, event, n, prefix, true).await;
    let team = team(store, event, p[0], name).await;
    (p, team)
}

/// A move out of Europe/Paris, read at instant 0 and open until `until`.
fn paris_until(until: i64) -> ZoneMove<'static> {
    ZoneMove {
        from: "Europe/Paris",
        now: 0,
        until,
    }
}

#[tokio::test]
async fn a_zone_move_is_written_only_from_the_zone_read_and_only_before_it_closes() {
    each_event(|store, event| async move {
        let p = participants(&store, event, 1, "z", true).await;
        let a = team(&store, event, p[0], "Zones").await;
        let closed = ZoneMove {
            now: 5,
            ..paris_until(5)
        };
        assert!(
            !store
                .update_team(a, "", "Pacific/Pago_Pago", Some(closed), false, "")
                .await
                .unwrap(),
            "a move at the instant it closes is not written"
        );
        let from_tokyo = ZoneMove {
            from: "Asia/Tokyo",
            ..paris_until(10)
        };
        assert!(
            !store
                .update_team(a, "", "Pacific/Pago_Pago", Some(from_tokyo), false, "")
                .await
                .unwrap(),
            "a move from a zone the team is no longer in is not written"
        );
        assert!(
            store
                .update_team(a, "Moved", "Asia/Tokyo", Some(paris_until(10)), false, "")
                .await
                .unwrap()
        );
        assert!(
            !store
                .update_team(
                    a,
                    "Stale",
                    "America/New_York",
                    Some(paris_until(10)),
                    false,
                    ""
                )
                .await
                .unwrap(),
            "the second of two moves read from the same zone is not written"
        );
        assert!(
            !store
                .update_team(a, "Stale", "Europe/Paris", None, false, "")
                .await
                .unwrap(),
            "details saved with a zone that is no longer the team's are not written"
        );
        let t = store.team_of(event, p[0]).await.unwrap().unwrap();
        assert_eq!(
            (t.description.as_str(), t.time_zone.as_str()),
            ("Moved", "Asia/Tokyo")
        );
    })
    .await;
}

fn refusal(r: Result<impl std::fmt::Debug, StoreError>) -> TeamError {
    match r {
        Err(StoreError::Refused(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn consistent(store: &Store, event: i64) {
    for t in store.teams(event).await.unwrap() {
        let members = store.team_members(t.id).await.unwrap();
        assert_eq!(t.member_count, members.len() as i64, "count of {}", t.name);
        assert!(!members.is_empty(), "no empty team survives");
        assert!(
            members.iter().any(|m| m.user_id == t.captain_id),
            "the captain of {} is a member",
            t.name
        );
    }
}

#[tokio::test]
async fn fifty_participants_racing_for_the_last_place_leave_exactly_one_in() {
    each_event(|store, event| async move {
        let crew = participants(&store, event, 4, "crew", true).await;
        let racers = participants(&store, event, 50, "racer", true).await;
        let t = team(&store, event, crew[0], "Nebula").await;
        for &m in &crew[1..] {
            store.join_team(event, t, m, 5, t0()).await.unwrap();
        }
        let tasks: Vec<_> = racers
            .iter()
            .map(|&u| {
                let store = store.clone();
                tokio::spawn(async move { store.join_team(event, t, u, 5, t0()).await })
            })
            .collect();
        let mut joined = 0;
        let mut full = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => joined += 1,
                Err(StoreError::Refused(TeamError::Full { team, count, max })) => {
                    assert_eq!((team.as_str(), count, max), ("Nebula", 5, 5));
                    full += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((joined, full), (1, 49));
        assert_eq!(store.team_members(t).await.unwrap().len(), 5);
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn one_participant_racing_to_join_two_teams_ends_in_exactly_one() {
    each_event(|store, event| async move {
        for round in 0..5 {
            let caps = participants(&store, event, 2, &format!("cap{round}-"), true).await;
            let p = participants(&store, event, 1, &format!("p{round}-"), true).await[0];
            let a = team(&store, event, caps[0], &format!("A{round}")).await;
            let b = team(&store, event, caps[1], &format!("B{round}")).await;
            let (ra, rb) = tokio::join!(
                store.join_team(event, a, p, 5, t0()),
                store.join_team(event, b, p, 5, t0())
            );
            assert!(ra.is_ok() ^ rb.is_ok(), "{ra:?} {rb:?}");
            let err = if ra.is_ok() { rb } else { ra };
            assert!(matches!(refusal(err), TeamError::AlreadyInTeam { .. }));
            let in_a = store
                .team_members(a)
                .await
                .unwrap()
                .iter()
                .any(|m| m.user_id == p);
            let in_b = store
                .team_members(b)
                .await
                .unwrap()
                .iter()
                .any(|m| m.user_id == p);
            assert!(in_a ^ in_b);
        }
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn a_captain_handing_over_while_leaving_leaves_a_consistent_team() {
    each_event(|store, event| async move {
        for round in 0..8 {
            let p = participants(&store, event, 3, &format!("r{round}-"), true).await;
            let t = team(&store, event, p[0], &format!("Race{round}")).await;
            store.join_team(event, t, p[1], 5, t0()).await.unwrap();
            store.join_team(event, t, p[2], 5, t0()).await.unwrap();
            let (handed, left) = tokio::join!(
                store.transfer_captain(event, t, p[0], p[2]),
                store.leave_team(event, p[0])
            );
            left.unwrap();
            let team = store.team(event, t).await.unwrap().unwrap();
            match handed {
                // Handed over first, then left: the new captain stays.
                Ok(()) => assert_eq!(team.captain_id, p[2]),
                // Left first: the longest-standing member took over.
                Err(StoreError::Refused(TeamError::NotCaptain)) => {
                    assert_eq!(team.captain_id, p[1])
                }
                other => panic!("unexpected {other:?}"),
            }
            assert_eq!(team.member_count, 2);
        }
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn names_are_unique_per_event_without_case_and_only_registered_people_form_teams() {
    each_event(|store, event| async move {
        let p = participants(&store, event, 3, "n", true).await;
        let outsider = participants(&store, event, 1, "out", false).await[0];
        team(&store, event, p[0], "Nebula").await;
        let err = store
            .create_team(event, p[1], "NEBULA", "nebula", "", "UTC", "c2", t0())
            .await;
        assert_eq!(refusal(err), TeamError::NameTaken("NEBULA".into()));
        let err = store
            .create_team(event, p[0], "Other", "other", "", "UTC", "c3", t0())
            .await;
        assert_eq!(
            refusal(err),
            TeamError::AlreadyInTeam {
                team: "Nebula".into()
            }
        );
        let err = store
            .create_team(event, outsider, "Mine", "mine", "", "UTC", "c4", t0())
            .await;
        assert_eq!(refusal(err), TeamError::NotRegistered);
        let t = store.team_of(event, p[0]).await.unwrap().unwrap().id;
        let err = store.join_team(event, t, outsider, 5, t0()).await;
        assert_eq!(refusal(err), TeamError::NotRegistered);
        // Racing creates of one name: one team.
        let (a, b) = tokio::join!(
            store.create_team(event, p[1], "Comet", "comet", "", "UTC", "c5", t0()),
            store.create_team(event, p[2], "comet", "comet", "", "UTC", "c6", t0())
        );
        assert!(a.is_ok() ^ b.is_ok(), "{a:?} {b:?}");
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn the_last_member_leaving_deletes_the_team_and_a_captain_leaving_hands_over() {
    each_event(|store, event| async move {
        let (p, t) = people_and_team(&store, event, 3, "l", "Solo").await;
        store.join_team(event, t, p[1], 5, t0()).await.unwrap();
        store.join_team(event, t, p[2], 5, t0()).await.unwrap();
        assert_eq!(
            store.leave_team(event, p[0]).await.unwrap(),
            Left::CaptainHandedTo(p[1])
        );
        assert_eq!(
            refusal(store.remove_member(event, t, p[2], p[1]).await),
            TeamError::NotCaptain
        );
        assert_eq!(
            refusal(store.remove_member(event, t, p[1], p[1]).await),
            TeamError::CaptainRemoval
        );
        store.remove_member(event, t, p[1], p[2]).await.unwrap();
        assert_eq!(
            store.leave_team(event, p[1]).await.unwrap(),
            Left::TeamDeleted
        );
        assert!(store.team(event, t).await.unwrap().is_none());
        assert_eq!(
            refusal(store.leave_team(event, p[1]).await),
            TeamError::NotInTeam
        );
    })
    .await;
}

#[tokio::test]
async fn invitations_and_requests_are_one_per_team_and_person_and_vanish_on_joining() {
    each_event(|store, event| async move {
        let (p, a) = people_and_team(&store, event, 3, "q", "Alpha").await;
        let b = team(&store, event, p[1], "Beta").await;
        store
            .create_team_request(event, a, p[2], "invitation", p[0], "", None, t0())
            .await
            .unwrap();
        let err = store
            .create_team_request(event, a, p[2], "invitation", p[0], "", None, t0())
            .await;
        assert!(matches!(refusal(err), TeamError::AlreadyPending(_)));
        store
            .create_team_request(event, b, p[2], "request", p[2], "hi", None, t0())
            .await
            .unwrap();
        assert_eq!(store.requests_of_user(event, p[2]).await.unwrap().len(), 2);
        assert_eq!(store.requests_of_team(b).await.unwrap()[0].message, "hi");
        store.join_team(event, b, p[2], 5, t0()).await.unwrap();
        assert!(
            store
                .requests_of_user(event, p[2])
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn the_finder_lists_only_registered_people_who_are_looking_and_in_no_team() {
    each_event(|store, event| async move {
        let p = participants(&store, event, 3, "f", true).await;
        store
            .set_looking_for_team(event, p[1], false)
            .await
            .unwrap();
        store
            .set_finder_profile(event, p[0], "A Breton tutor", Some("fine-tuning"), t0())
            .await
            .unwrap();
        let seekers = store.seekers(event).await.unwrap();
        let ids: Vec<i64> = seekers.iter().map(|s| s.user_id).collect();
        assert_eq!(ids, vec![p[0], p[2]]);
        assert_eq!(seekers[0].idea.as_deref(), Some("A Breton tutor"));
        team(&store, event, p[2], "Found").await;
        let ids: Vec<i64> = store
            .seekers(event)
            .await
            .unwrap()
            .iter()
            .map(|s| s.user_id)
            .collect();
        assert_eq!(ids, vec![p[0]]);
    })
    .await;
}

#[tokio::test]
async fn an_organizer_moves_past_the_limit_with_a_reason_in_the_audit_log() {
    each_event(|store, event| async move {
        let (p, a) = people_and_team(&store, event, 3, "m", "Full").await;
        store.join_team(event, a, p[1], 2, t0()).await.unwrap();
        assert!(matches!(
            refusal(store.join_team(event, a, p[2], 2, t0()).await),
            TeamError::Full { .. }
        ));
        store
            .organizer_move(
                event,
                p[2],
                Some(a),
                p[0],
                "m2 into Full",
                "sponsor asked",
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(store.team(event, a).await.unwrap().unwrap().member_count, 3);
        store
            .organizer_move(
                event,
                p[0],
                None,
                p[0],
                "m0 out of Full",
                "left the event",
                t0(),
            )
            .await
            .unwrap();
        let t = store.team(event, a).await.unwrap().unwrap();
        assert_eq!((t.member_count, t.captain_id), (2, p[1]));
        let log = store.audit_log(event).await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(
            (log[0].reason.as_str(), log[0].actor.as_deref()),
            ("left the event", Some("m0"))
        );
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn tracks_and_team_details_are_kept() {
    each_event(|store, event| async move {
        let (_, a) = people_and_team(&store, event, 1, "t", "Tracks").await;
        store
            .set_team_tracks(a, &["fine-tuning".into()])
            .await
            .unwrap();
        assert_eq!(store.team_tracks(a).await.unwrap(), vec!["fine-tuning"]);
        store
            .update_team(
                a,
                "We tune",
                "Asia/Tokyo",
                Some(paris_until(1)),
                true,
                "CUDA, Rust",
            )
            .await
            .unwrap();
        store.replace_invite_code(a, "new-code").await.unwrap();
        let t = store
            .team_by_code(event, "new-code")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                t.description.as_str(),
                t.time_zone.as_str(),
                t.looking_for_members
            ),
            ("We tune", "Asia/Tokyo", true)
        );
        assert!(
            store
                .team_by_code(event, "code-Tracks")
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn withdrawing_from_the_event_takes_a_person_out_of_their_team() {
    each_event(|store, event| async move {
        let (p, t) = people_and_team(&store, event, 3, "w", "Nebula").await;
        store.join_team(event, t, p[1], 5, t0()).await.unwrap();
        // The captain withdraws: the longest-standing member takes over.
        store
            .withdraw_registration(event, p[0], t0())
            .await
            .unwrap();
        let nebula = store.team(event, t).await.unwrap().unwrap();
        assert_eq!((nebula.captain_id, nebula.member_count), (p[1], 1));
        assert!(store.team_of(event, p[0]).await.unwrap().is_none());
        // The last member withdraws: the team is gone.
        store
            .withdraw_registration(event, p[1], t0())
            .await
            .unwrap();
        assert!(store.team(event, t).await.unwrap().is_none());
        consistent(&store, event).await;
    })
    .await;
}

#[tokio::test]
async fn a_withdrawal_racing_a_join_never_leaves_a_withdrawn_member() {
    each_event(|store, event| async move {
        for round in 0..8 {
            let p = participants(&store, event, 2, &format!("wr{round}-"), true).await;
            let t = team(&store, event, p[0], &format!("W{round}")).await;
            let (joined, withdrawn) = tokio::join!(
                store.join_team(event, t, p[1], 5, t0()),
                store.withdraw_registration(event, p[1], t0())
            );
            withdrawn.unwrap();
            match joined {
                Ok(()) | Err(StoreError::Refused(TeamError::NotRegistered)) => {}
                other => panic!("unexpected {other:?}"),
            }
            assert!(
                store.team_of(event, p[1]).await.unwrap().is_none(),
                "round {round}: a withdrawn person is in a team"
            );
            assert_eq!(store.team(event, t).await.unwrap().unwrap().member_count, 1);
        }
        consistent(&store, event).await;
    })
    .await;
}
