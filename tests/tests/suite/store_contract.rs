//! The store contract: every store function, on SQLite and on PostgreSQL.

use chrono::{TimeZone, Utc};
use hackboard_domain::demo::demo_event;
use hackboard_domain::{EventDefinition, Slug};
use hackboard_tests::{TestDb, each_store};

fn demo() -> EventDefinition {
    demo_event(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
}

#[tokio::test]
async fn migrations_apply_twice_without_harm_and_the_database_answers() {
    each_store(|store| async move {
        store.migrate().await.unwrap();
        store.ping().await.unwrap();
        assert_eq!(store.event_count().await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn an_imported_event_reads_back_exactly_as_defined() {
    each_store(|store| async move {
        let def = demo();
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        store.upsert_event(&def, now).await.unwrap();
        let stored = store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.definition, def);
        assert_eq!(stored.revision, 1);
        assert_eq!(stored.updated_at, now);
        assert_eq!(store.event_count().await.unwrap(), 1);
        assert_eq!(
            store.event_revision("mistral-hackathon").await.unwrap(),
            Some(1)
        );
    })
    .await;
}

/// SQLite keeps commits in its write-ahead log; the store copies them back
/// into the database file in the background (not in the writer's turn), so
/// the file holds every page soon after a burst of writes far below the
/// log's own backstop.
#[tokio::test]
async fn sqlite_copies_committed_writes_into_the_database_file_in_the_background() {
    use sqlx::{Connection, SqliteConnection};
    let db = TestDb::new(hackboard::store::Engine::Sqlite).await;
    let store = db.store().await;
    store.upsert_event(&demo(), Utc::now()).await.unwrap();
    for i in 0..300 {
        hackboard_tests::load::account(&store, &format!("writer-{i:03}"), "checkpoint test")
            .await
            .unwrap();
    }
    let file = db.dir.path().join("hackboard.db");
    let mut probe = SqliteConnection::connect(&db.url).await.unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut probe)
        .await
        .unwrap();
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&mut probe)
        .await
        .unwrap();
    let wanted = u64::try_from(pages * page_size).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut held = std::fs::metadata(&file).unwrap().len();
    while held < wanted && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        held = std::fs::metadata(&file).unwrap().len();
    }
    assert!(
        held >= wanted,
        "the database file holds {held} bytes of {wanted} after 10 s"
    );
    assert_eq!(store.event_count().await.unwrap(), 1);
    probe.close().await.unwrap();
}

#[tokio::test]
async fn an_unknown_slug_is_simply_absent() {
    each_store(|store| async move {
        assert!(store.event_by_slug("nope").await.unwrap().is_none());
        assert_eq!(store.event_revision("nope").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn reimporting_an_event_replaces_its_definition_and_bumps_its_revision() {
    each_store(|store| async move {
        let now = Utc::now();
        let mut def = demo();
        store.upsert_event(&def, now).await.unwrap();
        def.name = "Mistral AI Hackathon — second edition".into();
        def.tracks.truncate(1);
        def.offers.reverse();
        def.milestones
            .retain(|m| m.kind != hackboard_domain::MilestoneKind::Finals);
        def.links.clear();
        def.hf_org = None;
        store.upsert_event(&def, now).await.unwrap();
        let stored = store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.definition, def);
        assert_eq!(stored.revision, 2);
        assert_eq!(store.event_count().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn events_are_listed_oldest_first_with_their_children() {
    each_store(|store| async move {
        let now = Utc::now();
        let first = demo();
        let mut second = demo();
        second.slug = Slug::parse("second-hackathon").unwrap();
        second.name = "Second".into();
        second.tracks.clear();
        store.upsert_event(&first, now).await.unwrap();
        store.upsert_event(&second, now).await.unwrap();
        let all = store.list_events().await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].definition, first);
        assert_eq!(all[1].definition, second);
    })
    .await;
}

#[tokio::test]
async fn concurrent_imports_of_one_event_all_land_one_after_another() {
    each_store(|store| async move {
        let def = demo();
        let now = Utc::now();
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let store = store.clone();
                let def = def.clone();
                tokio::spawn(async move { store.upsert_event(&def, now).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let stored = store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.revision, 12);
        assert_eq!(stored.definition, def);
    })
    .await;
}
