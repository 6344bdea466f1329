//! Store contract for submissions, on SQLite and PostgreSQL: one per team,
//! versions that only move forward from the version a save was made from,
//! every attempt kept (the losing one of a race too), receipts queued with
//! a submit, and extensions with an audit entry.

use chrono::Duration;
use hackboard::store::accounts::NewIdentity;
use hackboard::store::{Mail, SaveRequest, Saved, Store};
use hackboard_tests::{each_event_and, new_team, register, t0};

/// Team Nebula of two registered members, Ada (captain) and Bob: the
/// team's id and the members' ids.
async fn nebula_of_two(store: Store, event: i64) -> (i64, Vec<i64>) {
    let mut members = Vec::new();
    for name in ["ada", "bob"] {
        let email = format!("{name}@x.org");
        let (u, _) = store
            .user_for_identity(
                &NewIdentity {
                    provider: "email".into(),
                    subject: email.clone(),
                    display_name: name.into(),
                    email: Some(email),
                    ..Default::default()
                },
                t0(),
            )
            .await
            .unwrap();
        register(&store, event, u).await;
        members.push(u);
    }
    let team = new_team(&store, event, members[0], "Nebula", "UTC").await;
    store
        .join_team(event, team, members[1], 5, t0())
        .await
        .unwrap();
    (team, members)
}

fn request<'a>(
    event: i64,
    team: i64,
    base: i64,
    content: &'a str,
    user: i64,
    submit: bool,
    receipts: &'a [Mail],
) -> SaveRequest<'a> {
    SaveRequest {
        event_id: event,
        team_id: team,
        base_version: base,
        title: "Tutor",
        content,
        content_hash: "hash",
        submit,
        user_id: user,
        now: t0(),
        receipts,
    }
}

#[tokio::test]
async fn saves_move_the_version_forward_and_a_submit_queues_the_receipts() {
    each_event_and(nebula_of_two, |store, event, (team, m)| async move {
        let r = store
            .save_submission(&request(event, team, 0, "{\"v\":1}", m[0], false, &[]))
            .await
            .unwrap();
        let Saved::Saved { id, .. } = &r else {
            panic!("saved: {r:?}")
        };
        let id = *id;
        assert_eq!(
            r,
            Saved::Saved {
                id,
                version: 1,
                status: "draft".into()
            }
        );
        let receipt = Mail {
            to: "ada@x.org".into(),
            subject: "Received".into(),
            text: "hash".into(),
            html: "hash".into(),
            kind: "submission_receipt".into(),
        };
        let receipts = [receipt];
        let r = store
            .save_submission(&request(event, team, 1, "{\"v\":2}", m[1], true, &receipts))
            .await
            .unwrap();
        assert_eq!(
            r,
            Saved::Saved {
                id,
                version: 2,
                status: "submitted".into()
            }
        );
        // Saving again keeps it submitted.
        let r = store
            .save_submission(&request(
                event,
                team,
                2,
                "{\"v\":3}",
                m[0],
                false,
                &receipts,
            ))
            .await
            .unwrap();
        assert_eq!(
            r,
            Saved::Saved {
                id,
                version: 3,
                status: "submitted".into()
            }
        );
        let sub = store
            .submission_of_team(event, team)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((sub.version, sub.content.as_str()), (3, "{\"v\":3}"));
        assert!(sub.submitted_at.is_some());
        let mails = store.outbox().await.unwrap();
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.kind == "submission_receipt")
                .count(),
            1,
            "a receipt for the submit only"
        );
        let versions = store.submission_versions(sub.id).await.unwrap();
        let saved: Vec<(i64, bool, Option<&str>)> = versions
            .iter()
            .map(|v| (v.version, v.accepted, v.saved_by.as_deref()))
            .collect();
        assert_eq!(
            saved,
            [
                (1, true, Some("ada")),
                (2, true, Some("bob")),
                (3, true, Some("ada"))
            ]
        );
        // A save from an unknown base on a team without a submission.
        assert!(
            store
                .save_submission(&request(event, team + 1000, 4, "{}", m[0], false, &[]))
                .await
                .is_err()
        );
    })
    .await;
}

#[tokio::test]
async fn two_members_saving_at_once_keep_both_texts_and_the_later_gets_the_conflict() {
    each_event_and(nebula_of_two, |store, event, (team, m)| async move {
        store
            .save_submission(&request(
                event,
                team,
                0,
                "{\"base\":true}",
                m[0],
                false,
                &[],
            ))
            .await
            .unwrap();
        for round in 0..5 {
            let base = store
                .submission_of_team(event, team)
                .await
                .unwrap()
                .unwrap()
                .version;
            let ada_text = format!("{{\"ada\":{round}}}");
            let bob_text = format!("{{\"bob\":{round}}}");
            let ra = request(event, team, base, &ada_text, m[0], false, &[]);
            let rb = request(event, team, base, &bob_text, m[1], false, &[]);
            let (a, b) = tokio::join!(store.save_submission(&ra), store.save_submission(&rb));
            let (a, b) = (a.unwrap(), b.unwrap());
            let (winner, loser_text) = match (&a, &b) {
                (Saved::Saved { .. }, Saved::Conflict(cur)) => {
                    assert_eq!(cur.content, ada_text, "the conflict shows the current text");
                    (&ada_text, &bob_text)
                }
                (Saved::Conflict(cur), Saved::Saved { .. }) => {
                    assert_eq!(cur.content, bob_text);
                    (&bob_text, &ada_text)
                }
                other => panic!("exactly one wins: {other:?}"),
            };
            let sub = store
                .submission_of_team(event, team)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((sub.version, &sub.content), (base + 1, winner));
            let versions = store.submission_versions(sub.id).await.unwrap();
            assert!(
                versions
                    .iter()
                    .any(|v| !v.accepted && &v.content == loser_text && v.version == base),
                "the losing text is kept"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn two_first_saves_at_once_make_one_submission_and_keep_both_texts() {
    each_event_and(nebula_of_two, |store, event, (team, m)| async move {
        let ra = request(event, team, 0, "{\"ada\":0}", m[0], false, &[]);
        let rb = request(event, team, 0, "{\"bob\":0}", m[1], false, &[]);
        let (a, b) = tokio::join!(store.save_submission(&ra), store.save_submission(&rb));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(
            matches!(a, Saved::Saved { version: 1, .. })
                ^ matches!(b, Saved::Saved { version: 1, .. }),
            "{a:?} {b:?}"
        );
        assert!(matches!(a, Saved::Conflict(_)) ^ matches!(b, Saved::Conflict(_)));
        let subs = store.submissions(event).await.unwrap();
        assert_eq!(subs.len(), 1, "one submission per team");
        let versions = store.submission_versions(subs[0].id).await.unwrap();
        assert_eq!(versions.len(), 2, "both texts kept");
    })
    .await;
}

#[tokio::test]
async fn an_extension_is_kept_with_its_reason_in_the_audit_log() {
    each_event_and(nebula_of_two, |store, event, (team, m)| async move {
        assert!(store.extension_of(event, team).await.unwrap().is_none());
        let until = t0() + Duration::hours(30);
        store
            .grant_extension(
                event,
                team,
                until,
                "venue wifi was down",
                m[0],
                "extended Nebula",
                t0(),
            )
            .await
            .unwrap();
        assert_eq!(store.extension_of(event, team).await.unwrap(), Some(until));
        let audit = store.audit_log(event).await.unwrap();
        assert_eq!(
            (audit[0].action.as_str(), audit[0].reason.as_str()),
            ("submission_extended", "venue wifi was down")
        );
    })
    .await;
}
