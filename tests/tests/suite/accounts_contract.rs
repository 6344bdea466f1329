//! Store contract for accounts, sessions, sign-in links, rate limits, API
//! tokens, roles, registrations and Hugging Face membership, on SQLite and
//! PostgreSQL.

use chrono::Duration;
use hackboard::store::accounts::NewIdentity;
use hackboard::store::{
    Mail, RegisterOutcome, RegistrationFilter, RegistrationStatus, RevokeOutcome, Role, Store,
    StoreError,
};
use hackboard_tests::{each_event, each_store, t0};

fn identity(provider: &str, subject: &str, email: Option<&str>) -> NewIdentity {
    NewIdentity {
        provider: provider.into(),
        subject: subject.into(),
        login: Some(format!("{subject}-login")),
        display_name: format!("Person {subject}"),
        email: email.map(str::to_owned),
        ..Default::default()
    }
}

fn mail(to: &str, kind: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        kind: kind.into(),
    }
}

#[tokio::test]
async fn a_first_sign_in_creates_an_account_and_the_next_finds_it() {
    each_store(|store| async move {
        let id = identity("github", "42", Some("ada@example.org"));
        let (user, new) = store.user_for_identity(&id, t0()).await.unwrap();
        assert!(new);
        let (again, new) = store.user_for_identity(&id, t0()).await.unwrap();
        assert_eq!((again, new), (user, false));
        let u = store.user(user).await.unwrap().unwrap();
        assert_eq!(u.display_name, "Person 42");
        assert_eq!(u.email.as_deref(), Some("ada@example.org"));
        assert!(!u.is_admin);
        assert_eq!(
            store.identities_of(user).await.unwrap(),
            vec![("github".into(), Some("42-login".into()))]
        );
    })
    .await;
}

#[tokio::test]
async fn accounts_are_never_merged_by_email_alone() {
    each_store(|store| async move {
        let a = account(&store, identity("github", "1", Some("same@example.org"))).await;
        let (b, new) = store
            .user_for_identity(
                &identity("email", "same@example.org", Some("same@example.org")),
                t0(),
            )
            .await
            .unwrap();
        assert!(new);
        assert_ne!(a, b);
        assert_eq!(
            store
                .users_by_email("same@example.org")
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_user_links_a_further_identity_but_not_someone_elses() {
    each_store(|store| async move {
        let a = account(&store, identity("email", "a@x.org", Some("a@x.org"))).await;
        let b = account(&store, identity("github", "7", None)).await;
        let mut hf = identity("huggingface", "hf-1", None);
        hf.hf_handle = Some("ada-hf".into());
        store.link_identity(a, &hf, t0()).await.unwrap();
        store.link_identity(a, &hf, t0()).await.unwrap();
        assert_eq!(
            store.user(a).await.unwrap().unwrap().hf_handle.as_deref(),
            Some("ada-hf")
        );
        let (found, new) = store.user_for_identity(&hf, t0()).await.unwrap();
        assert_eq!((found, new), (a, false));
        let taken = store.link_identity(b, &hf, t0()).await;
        assert!(matches!(taken, Err(StoreError::Conflict { .. })));
    })
    .await;
}

#[tokio::test]
async fn concurrent_first_sign_ins_with_one_identity_make_one_account() {
    each_store(|store| async move {
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .user_for_identity(&identity("github", "99", None), t0())
                        .await
                })
            })
            .collect();
        let mut ids = std::collections::HashSet::new();
        for t in tasks {
            ids.insert(t.await.unwrap().unwrap().0);
        }
        assert_eq!(ids.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn profiles_are_saved_and_admins_set() {
    each_store(|store| async move {
        let u = account(&store, identity("github", "5", None)).await;
        store
            .update_profile(u, "Ada", "Europe/Paris", "FR", "[\"rust\"]", "Hi")
            .await
            .unwrap();
        store.set_admin(u, true).await.unwrap();
        let user = store.user(u).await.unwrap().unwrap();
        assert_eq!(
            (
                user.display_name.as_str(),
                user.time_zone.as_str(),
                user.country.as_str(),
                user.skills.as_str(),
                user.bio.as_str(),
                user.is_admin
            ),
            ("Ada", "Europe/Paris", "FR", "[\"rust\"]", "Hi", true)
        );
        assert!(store.user(u + 1000).await.unwrap().is_none());
    })
    .await;
}

/// The account a sign-in as `who` at [`t0`] finds or makes: its id.
async fn account(store: &Store, who: NewIdentity) -> i64 {
    store.user_for_identity(&who, t0()).await.unwrap().0
}

/// Whose session `id` is `minutes` after [`t0`], idle sessions ending
/// after an hour.
async fn session_at(store: &Store, id: &str, minutes: i64) -> Option<i64> {
    let idle = Duration::hours(1).num_milliseconds();
    store
        .session_user(id, t0() + Duration::minutes(minutes), idle)
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_expire_after_inactivity_and_at_their_absolute_end() {
    each_store(|store| async move {
        let u = account(&store, identity("github", "8", None)).await;
        let idle = Duration::hours(1).num_milliseconds();
        store
            .create_session("s1", u, t0(), t0() + Duration::hours(3))
            .await
            .unwrap();
        assert_eq!(session_at(&store, "s1", 50).await, Some(u));
        // Activity at +50 min keeps it alive until +110 min.
        assert_eq!(session_at(&store, "s1", 100).await, Some(u));
        assert_eq!(session_at(&store, "s1", 161).await, None);
        store
            .create_session("s2", u, t0(), t0() + Duration::hours(3))
            .await
            .unwrap();
        for m in [50, 100, 150] {
            assert!(session_at(&store, "s2", m).await.is_some());
        }
        assert_eq!(session_at(&store, "s2", 181).await, None);
        assert_eq!(store.session_user("nope", t0(), idle).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn signing_out_ends_one_session_or_all_of_them() {
    each_store(|store| async move {
        let u = account(&store, identity("github", "9", None)).await;
        let end = t0() + Duration::days(1);
        for s in ["a", "b", "c"] {
            store.create_session(s, u, t0(), end).await.unwrap();
        }
        store.delete_session("a").await.unwrap();
        assert_eq!(
            store.session_user("a", t0(), 3_600_000).await.unwrap(),
            None
        );
        assert_eq!(store.delete_user_sessions(u).await.unwrap(), 2);
        assert_eq!(
            store.session_user("b", t0(), 3_600_000).await.unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn a_sign_in_link_is_stored_with_its_mail_and_works_once_before_it_expires() {
    each_store(|store| async move {
        let end = t0() + Duration::minutes(15);
        store
            .create_login_token(
                "h1",
                "ada@x.org",
                Some("/events/x"),
                t0(),
                end,
                &mail("ada@x.org", "sign_in"),
            )
            .await
            .unwrap();
        let queued = store.outbox().await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].recipient, "ada@x.org");
        assert_eq!(
            store
                .consume_login_token("h1", t0() + Duration::minutes(14))
                .await
                .unwrap(),
            Some(("ada@x.org".into(), Some("/events/x".into())))
        );
        assert_eq!(
            store
                .consume_login_token("h1", t0() + Duration::minutes(14))
                .await
                .unwrap(),
            None
        );
        store
            .create_login_token(
                "h2",
                "b@x.org",
                None,
                t0(),
                end,
                &mail("b@x.org", "sign_in"),
            )
            .await
            .unwrap();
        assert_eq!(store.consume_login_token("h2", end).await.unwrap(), None);
        // A failed write queues no mail.
        let dup = store
            .create_login_token(
                "h2",
                "b@x.org",
                None,
                t0(),
                end,
                &mail("b@x.org", "sign_in"),
            )
            .await;
        assert!(dup.is_err());
        assert_eq!(store.outbox().await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn racing_uses_of_one_sign_in_link_succeed_once() {
    each_store(|store| async move {
        store
            .create_login_token(
                "race",
                "r@x.org",
                None,
                t0(),
                t0() + Duration::minutes(15),
                &mail("r@x.org", "sign_in"),
            )
            .await
            .unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.consume_login_token("race", t0()).await.unwrap() })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            ok += usize::from(t.await.unwrap().is_some());
        }
        assert_eq!(ok, 1);
    })
    .await;
}

#[tokio::test]
async fn rate_limit_hits_count_per_bucket_and_window() {
    each_store(|store| async move {
        for expected in 1..=3 {
            assert_eq!(
                store.rate_limit_hit("email:a", 1000).await.unwrap(),
                expected
            );
        }
        assert_eq!(store.rate_limit_hit("email:b", 1000).await.unwrap(), 1);
        assert_eq!(store.rate_limit_hit("email:a", 2000).await.unwrap(), 1);
        store.prune_rate_limits(2000).await.unwrap();
        assert_eq!(store.rate_limit_hit("email:a", 1000).await.unwrap(), 1);
        let tasks: Vec<_> = (0..25)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.rate_limit_hit("burst", 5).await.unwrap() })
            })
            .collect();
        let mut max = 0;
        for t in tasks {
            max = max.max(t.await.unwrap());
        }
        assert_eq!(max, 25);
    })
    .await;
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked_and_only_by_their_owner() {
    each_store(|store| async move {
        let u = account(&store, identity("github", "11", None)).await;
        let other = account(&store, identity("github", "12", None)).await;
        let id = store.create_api_token(u, "ci", "th", t0()).await.unwrap();
        assert_eq!(store.api_token_user("th", t0()).await.unwrap(), Some(u));
        let listed = store.api_tokens_of(u).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].last_used_at, Some(t0().timestamp_millis()));
        assert!(!store.revoke_api_token(other, id, t0()).await.unwrap());
        assert!(store.revoke_api_token(u, id, t0()).await.unwrap());
        assert_eq!(store.api_token_user("th", t0()).await.unwrap(), None);
        assert!(
            store.api_tokens_of(u).await.unwrap()[0]
                .revoked_at
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn roles_are_granted_once_listed_and_revoked() {
    each_event(|store, event| async move {
        let u = account(&store, identity("github", "13", None)).await;
        store
            .grant_role(event, u, Role::Organizer, None, t0())
            .await
            .unwrap();
        store
            .grant_role(event, u, Role::Organizer, None, t0())
            .await
            .unwrap();
        store
            .grant_role(event, u, Role::Judge, Some(u), t0())
            .await
            .unwrap();
        assert_eq!(
            store.roles_of(event, u).await.unwrap(),
            vec![Role::Judge, Role::Organizer]
        );
        assert_eq!(store.event_staff(event).await.unwrap().len(), 2);
        assert_eq!(
            store
                .revoke_role(event, u, Role::Judge, true)
                .await
                .unwrap(),
            RevokeOutcome::Revoked
        );
        assert_eq!(
            store
                .revoke_role(event, u, Role::Judge, true)
                .await
                .unwrap(),
            RevokeOutcome::NotHeld
        );
        assert_eq!(
            store.roles_of(event, u).await.unwrap(),
            vec![Role::Organizer]
        );
        // The only organizer stays until someone else is one.
        assert_eq!(
            store
                .revoke_role(event, u, Role::Organizer, true)
                .await
                .unwrap(),
            RevokeOutcome::LastOrganizer
        );
        let other = account(&store, identity("email", "o2@x.org", Some("o2@x.org"))).await;
        store
            .grant_role(event, other, Role::Organizer, Some(u), t0())
            .await
            .unwrap();
        assert_eq!(
            store
                .revoke_role(event, u, Role::Organizer, true)
                .await
                .unwrap(),
            RevokeOutcome::Revoked
        );
    })
    .await;
}

async fn users(store: &Store, n: usize, prefix: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let u = account(
            store,
            identity(
                "email",
                &format!("{prefix}{i}@x.org"),
                Some(&format!("{prefix}{i}@x.org")),
            ),
        )
        .await;
        ids.push(u);
    }
    ids
}

fn no_mail(_: &RegisterOutcome) -> Option<Mail> {
    None
}

/// Registers `user` in `event` (no answers, no mail): the outcome.
async fn register(
    store: &Store,
    event: i64,
    user: i64,
    looking_for_team: bool,
    invite: Option<&str>,
    invite_only: bool,
) -> RegisterOutcome {
    store
        .register(
            event,
            user,
            "{}",
            looking_for_team,
            invite,
            invite_only,
            t0(),
            &no_mail,
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn registration_with_capacity_100_and_300_at_once_seats_100_and_waitlists_200_in_order() {
    each_event(|store, event| async move {
        store
            .set_registration_settings(event, Some(100), false, "[]")
            .await
            .unwrap();
        let people = users(&store, 300, "cap").await;
        let tasks: Vec<_> = people
            .iter()
            .map(|&u| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mail_for = |o: &RegisterOutcome| {
                        Some(mail(
                            "p@x.org",
                            match o {
                                RegisterOutcome::Registered => "registered",
                                _ => "waitlisted",
                            },
                        ))
                    };
                    store
                        .register(event, u, "{}", false, None, false, t0(), &mail_for)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut registered = 0;
        let mut positions = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                RegisterOutcome::Registered => registered += 1,
                RegisterOutcome::Waitlisted(p) => positions.push(p),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(registered, 100);
        positions.sort();
        assert_eq!(positions, (1..=200).collect::<Vec<i64>>());
        let all = store
            .registrations(event, &RegistrationFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 300);
        // In order: the first 100 by registration order hold the seats.
        assert!(all[..100].iter().all(|r| r.status == "registered"));
        assert!(all[100..].iter().all(|r| r.status == "waitlisted"));
        assert_eq!(store.registration_settings(event).await.unwrap().3, 100);
        // One mail per registration, written with it.
        let outbox = store.outbox().await.unwrap();
        assert_eq!(
            outbox.iter().filter(|m| m.kind == "registered").count(),
            100
        );
        assert_eq!(
            outbox.iter().filter(|m| m.kind == "waitlisted").count(),
            200
        );
    })
    .await;
}

#[tokio::test]
async fn registering_twice_changes_nothing_and_withdrawing_frees_the_seat() {
    each_event(|store, event| async move {
        store
            .set_registration_settings(event, Some(1), false, "[]")
            .await
            .unwrap();
        let p = users(&store, 2, "w").await;
        assert_eq!(
            register(&store, event, p[0], true, None, false).await,
            RegisterOutcome::Registered
        );
        assert_eq!(
            register(&store, event, p[0], true, None, false).await,
            RegisterOutcome::Already(RegistrationStatus::Registered)
        );
        assert_eq!(
            register(&store, event, p[1], false, None, false).await,
            RegisterOutcome::Waitlisted(1)
        );
        // Full: promotion is refused until someone leaves.
        let full = store
            .set_registration_status(event, p[1], RegistrationStatus::Registered, t0(), None)
            .await;
        assert!(matches!(full, Err(StoreError::Conflict { .. })));
        assert_eq!(
            store
                .set_registration_status(event, p[0], RegistrationStatus::Withdrawn, t0(), None)
                .await
                .unwrap(),
            RegistrationStatus::Registered
        );
        let promoted = mail("w1@x.org", "promoted");
        store
            .set_registration_status(
                event,
                p[1],
                RegistrationStatus::Registered,
                t0(),
                Some(&promoted),
            )
            .await
            .unwrap();
        assert_eq!(
            store.registration_status(event, p[1]).await.unwrap(),
            Some(RegistrationStatus::Registered)
        );
        assert_eq!(store.registration_settings(event).await.unwrap().3, 1);
        assert!(
            store
                .outbox()
                .await
                .unwrap()
                .iter()
                .any(|m| m.kind == "promoted")
        );
        // A withdrawn person may register again (waitlisted: the seat is taken).
        assert_eq!(
            register(&store, event, p[0], true, None, false).await,
            RegisterOutcome::Waitlisted(1)
        );
        // Rejected people stay rejected: they can neither withdraw nor register again.
        store
            .set_registration_status(event, p[0], RegistrationStatus::Rejected, t0(), None)
            .await
            .unwrap();
        assert!(matches!(
            store.withdraw_registration(event, p[0], t0()).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            register(&store, event, p[0], true, None, false).await,
            RegisterOutcome::Rejected
        );
        let missing = store
            .set_registration_status(event, 999_999, RegistrationStatus::Withdrawn, t0(), None)
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn invite_only_registration_needs_a_valid_unexpired_invite_with_uses_left() {
    each_event(|store, event| async move {
        store
            .set_registration_settings(event, None, true, "[]")
            .await
            .unwrap();
        store
            .create_invite(event, "inv", 2, Some(t0() + Duration::days(1)), t0())
            .await
            .unwrap();
        store
            .create_invite(event, "old", 5, Some(t0() - Duration::days(1)), t0())
            .await
            .unwrap();
        let p = users(&store, 4, "i").await;
        assert_eq!(
            register(&store, event, p[0], false, None, true).await,
            RegisterOutcome::InviteInvalid
        );
        assert_eq!(
            register(&store, event, p[0], false, Some("old"), true).await,
            RegisterOutcome::InviteInvalid
        );
        assert_eq!(
            register(&store, event, p[0], false, Some("inv"), true).await,
            RegisterOutcome::Registered
        );
        assert_eq!(
            register(&store, event, p[1], false, Some("inv"), true).await,
            RegisterOutcome::Registered
        );
        assert_eq!(
            register(&store, event, p[2], false, Some("inv"), true).await,
            RegisterOutcome::InviteInvalid
        );
        assert_eq!(store.registration_status(event, p[2]).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn organizers_filter_registrations_by_status_team_search_and_hugging_face_org() {
    each_event(|store, event| async move {
        let p = users(&store, 3, "f").await;
        let mut hf = identity("huggingface", "hf-f0", None);
        hf.hf_handle = Some("f0-hf".into());
        store.link_identity(p[0], &hf, t0()).await.unwrap();
        store
            .register(
                event,
                p[0],
                "{\"q\":\"a\"}",
                true,
                None,
                false,
                t0(),
                &no_mail,
            )
            .await
            .unwrap();
        register(&store, event, p[1], false, None, false).await;
        register(&store, event, p[2], true, None, false).await;
        store
            .set_registration_status(event, p[2], RegistrationStatus::Withdrawn, t0(), None)
            .await
            .unwrap();
        store
            .set_hf_org_members(event, &["f0-hf".into(), "someone".into()], t0())
            .await
            .unwrap();
        let f = |status, in_hf_org, looking_for_team| RegistrationFilter {
            status,
            in_hf_org,
            looking_for_team,
        };
        let count = |filter: RegistrationFilter| {
            let store = store.clone();
            async move { store.registrations(event, &filter).await.unwrap().len() }
        };
        assert_eq!(
            count(f(Some(RegistrationStatus::Registered), None, None)).await,
            2
        );
        assert_eq!(count(f(None, Some(true), None)).await, 1);
        assert_eq!(count(f(None, Some(false), None)).await, 2);
        assert_eq!(count(f(None, None, Some(true))).await, 2);
        let first = &store
            .registrations(event, &f(None, Some(true), None))
            .await
            .unwrap()[0];
        assert_eq!(
            (first.user_id, first.in_hf_org, first.answers.as_str()),
            (p[0], true, "{\"q\":\"a\"}")
        );
    })
    .await;
}

#[tokio::test]
async fn the_hugging_face_snapshot_is_taken_once_and_kept() {
    each_event(|store, event| async move {
        store
            .set_hf_org_members(event, &["b".into(), "a".into()], t0())
            .await
            .unwrap();
        store.add_hf_org_member(event, "c", t0()).await.unwrap();
        assert!(store.hf_snapshot(event).await.unwrap().is_none());
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.take_hf_snapshot(event, t0()).await.unwrap() })
            })
            .collect();
        let mut took = 0;
        for t in tasks {
            took += usize::from(t.await.unwrap());
        }
        assert_eq!(took, 1);
        store
            .add_hf_org_member(event, "late", t0() + Duration::hours(1))
            .await
            .unwrap();
        assert!(
            !store
                .take_hf_snapshot(event, t0() + Duration::hours(2))
                .await
                .unwrap()
        );
        let (at, members) = store.hf_snapshot(event).await.unwrap().unwrap();
        assert_eq!(at, t0().timestamp_millis());
        assert_eq!(members, vec!["a", "b", "c"]);
    })
    .await;
}

#[tokio::test]
async fn an_outbox_message_is_leased_to_one_claimer_and_retried_after_failure() {
    each_store(|store| async move {
        store
            .enqueue_mail(&mail("a@x.org", "sign_in"), t0())
            .await
            .unwrap();
        let lease = t0() + Duration::seconds(60);
        let m = store.claim_mail(t0(), lease).await.unwrap().unwrap();
        assert_eq!(m.attempts, 1);
        assert!(store.claim_mail(t0(), lease).await.unwrap().is_none());
        store
            .mark_mail_failed(m.id, "smtp down", t0() + Duration::seconds(5))
            .await
            .unwrap();
        assert!(
            store
                .claim_mail(t0() + Duration::seconds(4), lease)
                .await
                .unwrap()
                .is_none()
        );
        let again = store
            .claim_mail(t0() + Duration::seconds(5), lease)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.attempts), (m.id, 2));
        store.mark_mail_sent(m.id, t0()).await.unwrap();
        assert!(
            store
                .claim_mail(t0() + Duration::days(1), lease)
                .await
                .unwrap()
                .is_none()
        );
        let all = store.outbox().await.unwrap();
        assert_eq!(all[0].sent_at, Some(t0().timestamp_millis()));
    })
    .await;
}
