//! Store contract for sponsor credit codes, on SQLite and PostgreSQL: each
//! code goes to exactly one person or team, a person or team holds at most
//! one code per offer, a repeated claim returns the same code, and all of
//! it holds under concurrent claims and distribution; imports are all or
//! nothing; revocation is audited.

use chrono::Duration;
use hackboard::store::{Claimed, Imported, Owner, Store};
use hackboard_domain::credits::{CodeRow, parse_codes_csv};
use hackboard_tests::{a_team_of, each_event, people, t0};
use std::collections::HashSet;

fn codes(n: usize, prefix: &str) -> Vec<CodeRow> {
    (0..n)
        .map(|i| CodeRow {
            line: i + 2,
            code: format!("{prefix}-{i:05}"),
            value: Some("$15".into()),
            expires_at: None,
        })
        .collect()
}

async fn offer(store: &Store, event: i64, slug: &str) -> i64 {
    store.offer_id(event, slug).await.unwrap().unwrap()
}

/// The offer `slug` of `event`, stocked with `n` codes (`{prefix}-00000`
/// on): its id.
async fn stocked(store: &Store, event: i64, slug: &str, n: usize, prefix: &str) -> i64 {
    let offer = offer(store, event, slug).await;
    store
        .import_codes(event, offer, &codes(n, prefix), t0())
        .await
        .unwrap();
    offer
}

fn no_mail(_: &str) -> Vec<hackboard::store::Mail> {
    vec![]
}

async fn claim(store: &Store, event: i64, offer: i64, owner: Owner) -> Claimed {
    store
        .claim_code(event, offer, owner, t0(), &no_mail)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_thousand_people_claiming_five_hundred_codes_get_exactly_five_hundred() {
    each_event(|store, event| async move {
        let offer = offer(&store, event, "mistral-api").await;
        assert_eq!(
            store
                .import_codes(event, offer, &codes(500, "M"), t0())
                .await
                .unwrap(),
            Imported::Done(500)
        );
        let claimers = people(&store, 2000, "c").await;
        let tasks: Vec<_> = claimers
            .iter()
            .map(|&u| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .claim_code(event, offer, Owner::Person(u), t0(), &no_mail)
                        .await
                })
            })
            .collect();
        let mut got = HashSet::new();
        let mut sold_out = 0;
        for task in tasks {
            match task.await.unwrap().unwrap() {
                Claimed::New(code) => assert!(got.insert(code), "a code went out twice"),
                Claimed::SoldOut { total } => {
                    assert_eq!(total, 500);
                    sold_out += 1;
                }
                Claimed::Already(c) => panic!("nobody claimed twice, yet {c}"),
            }
        }
        assert_eq!((got.len(), sold_out), (500, 1500));
        let stock = store.credit_stock(event).await.unwrap();
        let m = stock.iter().find(|s| s.slug == "mistral-api").unwrap();
        assert_eq!((m.imported, m.assigned, m.left), (500, 500, 0));
        let owners: HashSet<Option<i64>> = store
            .assignments(offer)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.owner_user_id)
            .collect();
        assert_eq!(owners.len(), 500, "500 different owners");
    })
    .await;
}

#[tokio::test]
async fn one_person_claiming_twenty_times_at_once_gets_one_code() {
    each_event(|store, event| async move {
        let offer = stocked(&store, event, "mistral-api", 50, "M").await;
        let me = people(&store, 1, "me").await[0];
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { claim(&store, event, offer, Owner::Person(me)).await })
            })
            .collect();
        let mut seen = HashSet::new();
        let mut new = 0;
        for t in tasks {
            match t.await.unwrap() {
                Claimed::New(c) => {
                    new += 1;
                    seen.insert(c);
                }
                Claimed::Already(c) => {
                    seen.insert(c);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((new, seen.len()), (1, 1), "one code, the same for all 20");
        let stock = store.credit_stock(event).await.unwrap();
        let m = stock.iter().find(|s| s.slug == "mistral-api").unwrap();
        assert_eq!((m.assigned, m.left), (1, 49));
    })
    .await;
}

#[tokio::test]
async fn distribution_racing_claims_still_gives_exactly_one_code_each() {
    each_event(|store, event| async move {
        let offer = stocked(&store, event, "mistral-api", 300, "M").await;
        let folks = people(&store, 200, "d").await;
        // The organizers' distribution walks everyone…
        let distributor = {
            let store = store.clone();
            let folks = folks.clone();
            tokio::spawn(async move {
                for u in folks {
                    claim(&store, event, offer, Owner::Person(u)).await;
                }
            })
        };
        // …while each person also claims, from the other end.
        let claims: Vec<_> = folks
            .iter()
            .rev()
            .map(|&u| {
                let store = store.clone();
                tokio::spawn(async move { claim(&store, event, offer, Owner::Person(u)).await })
            })
            .collect();
        distributor.await.unwrap();
        for c in claims {
            c.await.unwrap();
        }
        let all = store.assignments(offer).await.unwrap();
        let assigned: Vec<_> = all.iter().filter(|a| a.owner_user_id.is_some()).collect();
        assert_eq!(assigned.len(), 200, "one code each, none twice");
        let owners: HashSet<i64> = assigned.iter().filter_map(|a| a.owner_user_id).collect();
        assert_eq!(owners.len(), 200);
    })
    .await;
}

#[tokio::test]
async fn a_team_offer_gives_one_code_per_team_even_when_members_claim_together() {
    each_event(|store, event| async move {
        let offer = stocked(&store, event, "aws", 10, "AWS").await;
        let captain = people(&store, 1, "cap").await[0];
        let team = a_team_of(&store, event, captain, "Nebula").await;
        let (a, b) = tokio::join!(
            store.claim_code(event, offer, Owner::Team(team), t0(), &no_mail),
            store.claim_code(event, offer, Owner::Team(team), t0(), &no_mail)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let code = |c: &Claimed| match c {
            Claimed::New(c) | Claimed::Already(c) => c.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(code(&a), code(&b));
        assert!(matches!(a, Claimed::New(_)) ^ matches!(b, Claimed::New(_)));
        assert_eq!(
            store
                .held_code(offer, Owner::Team(team))
                .await
                .unwrap()
                .unwrap()
                .code,
            code(&a)
        );
    })
    .await;
}

#[tokio::test]
async fn an_import_is_all_or_nothing_and_reports_codes_imported_before() {
    each_event(|store, event| async move {
        let offer = stocked(&store, event, "mistral-api", 3, "M").await;
        let rows = parse_codes_csv("code\nNEW-1\nM-00001\nNEW-2\n").unwrap();
        assert_eq!(
            store.import_codes(event, offer, &rows, t0()).await.unwrap(),
            Imported::Duplicates(vec![(3, "M-00001".into())])
        );
        let stock = store.credit_stock(event).await.unwrap();
        assert_eq!(
            stock
                .iter()
                .find(|s| s.slug == "mistral-api")
                .unwrap()
                .imported,
            3,
            "nothing of the failed file was kept"
        );
        // The same code may exist for another offer.
        let other = self::offer(&store, event, "elevenlabs").await;
        assert_eq!(
            store.import_codes(event, other, &rows, t0()).await.unwrap(),
            Imported::Done(3)
        );
    })
    .await;
}

#[tokio::test]
async fn expired_and_revoked_codes_are_never_handed_out_and_revocation_is_audited() {
    each_event(|store, event| async move {
        let offer = offer(&store, event, "mistral-api").await;
        let mut rows = codes(3, "M");
        rows[0].expires_at = Some(t0() - Duration::days(1));
        store.import_codes(event, offer, &rows, t0()).await.unwrap();
        let p = people(&store, 3, "r").await;
        let first = claim(&store, event, offer, Owner::Person(p[0])).await;
        assert_eq!(
            first,
            Claimed::New("M-00001".into()),
            "the expired one is skipped"
        );
        let held = store
            .held_code(offer, Owner::Person(p[0]))
            .await
            .unwrap()
            .unwrap();
        assert!(
            store
                .revoke_code(event, held.id, p[2], "posted it publicly", t0())
                .await
                .unwrap()
        );
        assert!(
            !store
                .revoke_code(event, held.id, p[2], "again", t0())
                .await
                .unwrap()
        );
        // The revoked code stays with its history; the person may get another.
        assert_eq!(
            claim(&store, event, offer, Owner::Person(p[0])).await,
            Claimed::New("M-00002".into())
        );
        assert_eq!(
            claim(&store, event, offer, Owner::Person(p[1])).await,
            Claimed::SoldOut { total: 3 }
        );
        let audit = store.audit_log(event).await.unwrap();
        assert_eq!(audit[0].action, "credit_revoked");
        assert_eq!(audit[0].reason, "posted it publicly");
        let revoked = &store.assignments(offer).await.unwrap()[1];
        assert_eq!(
            revoked.revoked_reason.as_deref(),
            Some("posted it publicly")
        );
    })
    .await;
}

#[tokio::test]
async fn a_code_is_reassigned_only_to_someone_without_one() {
    each_event(|store, event| async move {
        let offer = stocked(&store, event, "mistral-api", 3, "M").await;
        let p = people(&store, 3, "x").await;
        claim(&store, event, offer, Owner::Person(p[0])).await;
        claim(&store, event, offer, Owner::Person(p[1])).await;
        let code0 = store
            .held_code(offer, Owner::Person(p[0]))
            .await
            .unwrap()
            .unwrap();
        // p[1] already holds one: refused by the constraint, nothing moved.
        let refused = store
            .reassign_code(
                event,
                code0.id,
                Owner::Person(p[1]),
                p[2],
                "typo",
                t0(),
                &no_mail,
            )
            .await;
        assert!(
            matches!(refused, Err(hackboard::store::StoreError::Conflict { .. })),
            "{refused:?}"
        );
        assert!(
            store
                .reassign_code(
                    event,
                    code0.id,
                    Owner::Person(p[2]),
                    p[2],
                    "wrong person",
                    t0(),
                    &no_mail
                )
                .await
                .unwrap()
        );
        assert!(
            store
                .held_code(offer, Owner::Person(p[0]))
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(
            store
                .held_code(offer, Owner::Person(p[2]))
                .await
                .unwrap()
                .unwrap()
                .code,
            code0.code
        );
    })
    .await;
}
