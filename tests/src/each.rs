//! Running one test on every engine: a fresh server (or a fresh store) per
//! engine, handed to the test, then dropped with its database.

use crate::fixtures::import_demo;
use crate::{AppOptions, TestApp, TestDb, engines, spawn_app};
use hackboard::store::Store;
use std::future::Future;

/// Runs `test` against a server with the demo event, once per engine.
pub async fn each_app<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_app_with(AppOptions::default, test).await;
}

/// Runs `test` against a server started with `options()`, once per engine.
pub async fn each_app_with<F, Fut>(options: impl Fn() -> AppOptions, test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    each_app_and(|| std::future::ready((options(), ())), |app, ()| test(app)).await;
}

/// Runs `test` once per engine beside something of its own: `setup` starts
/// it (a fake provider, say) before the server and says how the server is
/// to be started; the test gets the server and what `setup` made.
pub async fn each_app_and<S, Setup, SetupFut, F, Fut>(setup: Setup, test: F)
where
    Setup: Fn() -> SetupFut,
    SetupFut: Future<Output = (AppOptions, S)>,
    F: Fn(TestApp, S) -> Fut,
    Fut: Future<Output = ()>,
{
    for engine in engines() {
        let (options, beside) = setup().await;
        let app = spawn_app(engine, options).await;
        test(app, beside).await;
    }
}

/// Runs `test` on a fresh, migrated store, once per engine.
pub async fn each_store<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        assert_eq!(store.engine(), engine);
        test(store).await;
    }
}

/// Runs `test` on a fresh store holding the demo event (imported at
/// [`t0`](crate::t0)), once per engine: the store and the event's id.
pub async fn each_event<F, Fut>(test: F)
where
    F: Fn(Store, i64) -> Fut,
    Fut: Future<Output = ()>,
{
    each_event_and(
        |_, _| std::future::ready(()),
        |store, event, ()| test(store, event),
    )
    .await;
}

/// As [`each_event`], with `setup` making what the test starts from in the
/// event (teams, projects); the test gets what `setup` returned.
pub async fn each_event_and<S, Setup, SetupFut, F, Fut>(setup: Setup, test: F)
where
    Setup: Fn(Store, i64) -> SetupFut,
    SetupFut: Future<Output = S>,
    F: Fn(Store, i64, S) -> Fut,
    Fut: Future<Output = ()>,
{
    let (setup, test) = (&setup, &test);
    each_store(|store| async move {
        let event = import_demo(&store).await;
        let made = setup(store.clone(), event).await;
        test(store, event, made).await;
    })
    .await;
}
