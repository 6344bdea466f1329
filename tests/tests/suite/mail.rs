//! Mail over real SMTP: a mailin-embedded server on a local port receives
//! what the outbox worker sends, on SQLite and PostgreSQL.

use chrono::Duration;
use hackboard::config::Secret;
use hackboard::mail::{Transport, deliver_one, run_worker, sign_in_mail};
use hackboard::store::Mail;
use hackboard_domain::email::EmailAddress;
use hackboard_domain::timeline::{Clock, ManualClock};
use hackboard_tests::{TestDb, engines, free_port, t0};
use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

/// An SMTP peer that keeps every message it accepts. mailin clones the
/// handler per connection, so `current` (the message being received) is
/// per connection while `messages` is shared.
#[derive(Clone, Default)]
struct Inbox {
    messages: Arc<Mutex<Vec<Received>>>,
    current: (Vec<String>, Vec<u8>),
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = (to.to_vec(), Vec::new());
        OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.1.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let (to, data) = std::mem::take(&mut self.current);
        // Undo quoted-printable soft breaks and `=` escapes (enough for links).
        let data = String::from_utf8_lossy(&data)
            .replace("=\r\n", "")
            .replace("=3D", "=");
        self.messages.lock().unwrap().push(Received { to, data });
        OK
    }
}

impl Inbox {
    fn received(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }
}

/// Starts an SMTP server on `port` (it runs until the test process ends).
fn start_smtp(port: u16) -> Inbox {
    let inbox = Inbox::default();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let handler = inbox.clone();
    std::thread::spawn(move || {
        let mut server = mailin_embedded::Server::new(handler);
        server
            .with_name("smtp.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        let _ = server.serve();
    });
    inbox
}

fn transport(port: u16) -> Transport {
    Transport::from_config(
        Some(&Secret::new(format!("smtp://127.0.0.1:{port}"))),
        std::path::Path::new("/nonexistent"),
    )
    .unwrap()
}

fn from() -> lettre::message::Mailbox {
    "Hackboard <hackboard@test.example>".parse().unwrap()
}

fn clock() -> ManualClock {
    ManualClock::new(t0())
}

async fn wait_for(inbox: &Inbox, n: usize) {
    for _ in 0..200 {
        if inbox.received().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

fn ada() -> EmailAddress {
    EmailAddress::parse("ada@example.org").unwrap()
}

#[tokio::test]
async fn a_queued_sign_in_mail_is_delivered_over_real_smtp() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        let port = free_port();
        let inbox = start_smtp(port);
        let clock = clock();
        let link = "http://hack.test/sign-in/confirm?token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        store
            .enqueue_mail(&sign_in_mail(&ada(), link, 15, None), clock.now())
            .await
            .unwrap();
        assert!(deliver_one(&store, &transport(port), &from(), &clock).await);
        wait_for(&inbox, 1).await;
        let got = inbox.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, vec!["ada@example.org".to_owned()]);
        assert!(
            got[0].data.contains("Subject: Your Hackboard sign-in link"),
            "{}",
            got[0].data
        );
        assert!(got[0].data.contains("multipart/alternative"));
        assert!(got[0].data.contains(link), "the link arrives intact");
        let outbox = store.outbox().await.unwrap();
        assert_eq!(outbox[0].sent_at, Some(clock.now().timestamp_millis()));
    }
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_exactly_once_when_it_comes_back() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        let port = free_port();
        let clock = clock();
        store
            .enqueue_mail(
                &sign_in_mail(&ada(), "http://hack.test/x", 15, None),
                clock.now(),
            )
            .await
            .unwrap();

        // SMTP is down: the attempt fails, is recorded, and nothing is lost.
        assert!(deliver_one(&store, &transport(port), &from(), &clock).await);
        let queued = store.outbox().await.unwrap();
        assert_eq!((queued[0].attempts, queued[0].sent_at), (1, None));
        assert!(queued[0].last_error.as_deref().unwrap().contains("SMTP"));

        // SMTP comes back; the message waits for its backoff, then goes once.
        let inbox = start_smtp(port);
        assert!(
            !deliver_one(&store, &transport(port), &from(), &clock).await,
            "not due yet"
        );
        clock.advance(Duration::seconds(5));
        assert!(deliver_one(&store, &transport(port), &from(), &clock).await);
        wait_for(&inbox, 1).await;
        clock.advance(Duration::hours(2));
        assert!(!deliver_one(&store, &transport(port), &from(), &clock).await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(inbox.received().len(), 1);
        let sent = store.outbox().await.unwrap();
        assert_eq!(sent[0].attempts, 2);
        assert!(sent[0].sent_at.is_some());
    }
}

#[tokio::test]
async fn two_instances_drain_the_outbox_delivering_each_message_once() {
    for engine in engines() {
        let db = TestDb::new(engine).await;
        let store = db.store().await;
        let port = free_port();
        let inbox = start_smtp(port);
        let clock = Arc::new(clock());
        for i in 0..50 {
            let mail = Mail {
                to: format!("p{i}@example.org"),
                subject: format!("message {i}"),
                text: "t".into(),
                html: "<p>h</p>".into(),
                kind: "test".into(),
            };
            store.enqueue_mail(&mail, clock.now()).await.unwrap();
        }
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let mut stopped = stopped.clone();
                tokio::spawn(run_worker(
                    store.clone(),
                    Arc::new(transport(port)),
                    from(),
                    clock.clone(),
                    async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    },
                ))
            })
            .collect();
        for _ in 0..400 {
            if store
                .outbox()
                .await
                .unwrap()
                .iter()
                .all(|m| m.sent_at.is_some())
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        stop.send(true).unwrap();
        for w in workers {
            w.await.unwrap();
        }
        wait_for(&inbox, 50).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let got = inbox.received();
        assert_eq!(got.len(), 50);
        let recipients: std::collections::HashSet<_> =
            got.iter().map(|r| r.to[0].clone()).collect();
        assert_eq!(recipients.len(), 50, "each message exactly once");
        assert!(
            store
                .outbox()
                .await
                .unwrap()
                .iter()
                .all(|m| m.attempts == 1)
        );
    }
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_under_the_data_directory() {
    let db = TestDb::new(hackboard::store::Engine::Sqlite).await;
    let store = db.store().await;
    let clock = clock();
    let transport = Transport::from_config(None, db.dir.path()).unwrap();
    store
        .enqueue_mail(
            &sign_in_mail(&ada(), "http://hack.test/link", 15, None),
            clock.now(),
        )
        .await
        .unwrap();
    assert!(deliver_one(&store, &transport, &from(), &clock).await);
    let files: Vec<_> = std::fs::read_dir(db.dir.path().join("mail"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(
        eml.contains("To: ada@example.org") && eml.contains("http://hack.test/link"),
        "{eml}"
    );
}
