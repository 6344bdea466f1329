//! The `hackboard` binary as an operator uses it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hackboard(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hackboard"))
        .args(args)
        .env("HACKBOARD_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env_remove("HACKBOARD_CONFIG")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run hackboard")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = hackboard(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "event",
        "DATABASE_URL",
        "HACKBOARD_ADDR",
        "HACKBOARD_BASE_URL",
    ] {
        assert!(help.contains(word), "help lacks {word}:\n{help}");
    }
    let out = hackboard(dir.path(), &["event", "--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("import") && help.contains("export"), "{help}");
}

#[test]
fn an_event_file_round_trips_through_import_and_export() {
    let first = tempfile::tempdir().unwrap();
    let demo = root().join("demo/mistral-hackathon.toml");
    let out = hackboard(first.path(), &["event", "import", demo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = hackboard(first.path(), &["event", "export", "mistral-hackathon"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = text(&out.stdout);

    let second = tempfile::tempdir().unwrap();
    let file = second.path().join("exported.toml");
    std::fs::write(&file, &exported).unwrap();
    let out = hackboard(second.path(), &["event", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = hackboard(second.path(), &["event", "export", "mistral-hackathon"]);
    assert_eq!(text(&out.stdout), exported);
}

#[test]
fn an_invalid_event_file_is_rejected_with_line_column_and_field_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let demo = std::fs::read_to_string(root().join("demo/mistral-hackathon.toml")).unwrap();
    let broken = demo.replacen(
        "time_zone = \"Europe/Paris\"",
        "time_zone = \"Europe/Pariss\"",
        1,
    );
    assert_ne!(broken, demo, "the demo file names its zone as expected");
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, broken).unwrap();
    let out = hackboard(dir.path(), &["event", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("line ") && err.contains("column "), "{err}");
    assert!(err.contains("time_zone"), "{err}");
    assert!(err.contains("Europe/Pariss"), "{err}");
    // Nothing written: there is no event to export.
    let out = hackboard(dir.path(), &["event", "export", "mistral-hackathon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no event has the slug"));
}

#[test]
fn exporting_an_unknown_event_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = hackboard(dir.path(), &["event", "export", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no event has the slug \"nope\""));
}

#[test]
fn migrate_creates_the_sqlite_database_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = hackboard(dir.path(), &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("hackboard.db").exists());
    assert!(dir.path().join("session.key").exists());
}

#[test]
fn serve_loads_the_demo_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hackboard"))
        .arg("serve")
        .env("HACKBOARD_DATA_DIR", dir.path())
        .env("HACKBOARD_ADDR", "127.0.0.1:0")
        .env("HACKBOARD_SITE_DIR", root().join("target/site"))
        .env("HACKBOARD_DEMO", "true")
        .env("HACKBOARD_LOG_FORMAT", "json")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hackboard");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("serving on") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server printed its URL"
        );
    }
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("the URL is printed")
        .to_owned();

    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("mistral-hackathon"));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
}

#[tokio::test]
async fn the_admin_command_grants_and_revokes_event_roles_by_email() {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("demo/mistral-hackathon.toml");
    assert!(
        hackboard(dir.path(), &["event", "import", demo.to_str().unwrap()])
            .status
            .success()
    );
    let store = hackboard::store::Store::connect(&format!(
        "sqlite:{}",
        dir.path().join("hackboard.db").display()
    ))
    .await
    .unwrap();
    let identity = hackboard::store::accounts::NewIdentity {
        provider: "email".into(),
        subject: "org@example.org".into(),
        display_name: "Olga".into(),
        email: Some("org@example.org".into()),
        ..Default::default()
    };
    let (user, _) = store
        .user_for_identity(&identity, chrono::Utc::now())
        .await
        .unwrap();
    let event = store
        .event_by_slug("mistral-hackathon")
        .await
        .unwrap()
        .unwrap()
        .id;

    let args = [
        "admin",
        "grant",
        "--email",
        "Org@Example.org",
        "--role",
        "organizer",
        "--event",
        "mistral-hackathon",
    ];
    let out = hackboard(dir.path(), &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Olga is now organizer of mistral-hackathon"));
    assert_eq!(
        store.roles_of(event, user).await.unwrap(),
        vec![hackboard::store::Role::Organizer]
    );

    let out = hackboard(
        dir.path(),
        &[
            "admin",
            "revoke",
            "--email",
            "org@example.org",
            "--role",
            "organizer",
            "--event",
            "mistral-hackathon",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(store.roles_of(event, user).await.unwrap().is_empty());

    let out = hackboard(
        dir.path(),
        &[
            "admin",
            "grant",
            "--email",
            "org@example.org",
            "--role",
            "admin",
        ],
    );
    assert!(out.status.success());
    assert!(store.user(user).await.unwrap().unwrap().is_admin);

    // Clear refusals, nothing changed.
    let out = hackboard(
        dir.path(),
        &[
            "admin",
            "grant",
            "--email",
            "nobody@example.org",
            "--role",
            "judge",
            "--event",
            "mistral-hackathon",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("must sign in once first"));
    let out = hackboard(
        dir.path(),
        &[
            "admin",
            "grant",
            "--email",
            "org@example.org",
            "--role",
            "king",
            "--event",
            "mistral-hackathon",
        ],
    );
    assert!(text(&out.stderr).contains("unknown role"));
    let out = hackboard(
        dir.path(),
        &[
            "admin",
            "grant",
            "--email",
            "org@example.org",
            "--role",
            "judge",
        ],
    );
    assert!(text(&out.stderr).contains("--event is required"));
    assert!(store.roles_of(event, user).await.unwrap().is_empty());
}

#[test]
fn credit_codes_import_from_a_csv_file_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("demo/mistral-hackathon.toml");
    let out = hackboard(dir.path(), &["event", "import", demo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let good = dir.path().join("codes.csv");
    std::fs::write(
        &good,
        "\u{feff}code,value,expires_at\r\nMIS-1,$15,2027-01-31\r\n\r\n\"MIS,2\",$15,\r\nMIS-3,,\r\n",
    )
    .unwrap();
    let args = |file: &Path| {
        vec![
            "credits".to_owned(),
            "import".to_owned(),
            "--event".to_owned(),
            "mistral-hackathon".to_owned(),
            "--offer".to_owned(),
            "mistral-api".to_owned(),
            file.to_str().unwrap().to_owned(),
        ]
    };
    let run = |file: &Path| {
        let a = args(file);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        hackboard(dir.path(), &a)
    };
    let out = run(&good);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "imported 3 codes for mistral-api");

    // Importing it again: every row was imported before; nothing changes.
    let out = run(&good);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 2: this code was imported before"),
        "{err}"
    );
    assert!(
        err.contains("line 5: this code was imported before"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "NEW-1\n\nNEW-1\n,\nNEW-2,$1,someday\n").unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for expected in [
        "line 3: the code is already on line 1",
        "line 4: the code is empty",
        "line 5: “someday” is not an expiry date",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    let out = hackboard(
        dir.path(),
        &[
            "credits",
            "import",
            "--event",
            "mistral-hackathon",
            "--offer",
            "hf-jobs",
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no codes"),
        "{}",
        text(&out.stderr)
    );
}

/// Each run on PostgreSQL, even with `RUST_LOG=info`, says what it did
/// and nothing about the migrations table it found in place.
#[tokio::test]
async fn migrating_twice_on_postgresql_logs_no_notice() {
    if std::env::var("HACKBOARD_SKIP_POSTGRES").as_deref() == Ok("1") {
        eprintln!("HACKBOARD_SKIP_POSTGRES=1: skipped");
        return;
    }
    let admin_url = std::env::var("HACKBOARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("hb_cli_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let (server, _) = admin_url
        .rsplit_once('/')
        .expect("a PostgreSQL URL names a database");
    let url = format!("{server}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_hackboard"))
            .arg("migrate")
            .env("HACKBOARD_DATA_DIR", dir.path())
            .env("DATABASE_URL", &url)
            .env_remove("HACKBOARD_CONFIG")
            .env("RUST_LOG", "info")
            .output()
            .expect("run hackboard")
    };
    let first = run();
    let second = run();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    for out in [first, second] {
        let err = text(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("already exists"), "{err}");
    }
}
