//! Mail: templates (askama, plain text and HTML), the transport (SMTP by
//! URL, or `.eml` files under `data/mail/` when none is configured), and the
//! outbox worker that sends queued mail with retries and backoff.
//!
//! Mail is queued in the outbox in the same transaction as the action that
//! causes it (see `store::outbox`), so nothing is lost while SMTP is down.
//! The worker claims one message at a time with a lease, so with several
//! instances each message is sent by one of them. A crash between handing a
//! message to SMTP and recording it as sent would send it again after the
//! lease: delivery is at least once, and exactly once otherwise.

use crate::config::Secret;
use crate::store::{Mail, OutboxMessage, Store};
use askama::Template;
use chrono::Duration;
use hackboard_domain::email::EmailAddress;
use hackboard_domain::timeline::Clock;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid sender address: {0}")]
    From(String),
    #[error("invalid recipient {0:?}")]
    Recipient(String),
    #[error("invalid subject")]
    Subject,
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("cannot write the mail file: {0}")]
    File(#[from] std::io::Error),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development: each message is written to `<dir>/<id>.eml`.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

impl Transport {
    /// SMTP when a URL is configured (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://…`), otherwise files under `<data_dir>/mail`.
    pub fn from_config(smtp_url: Option<&Secret>, data_dir: &Path) -> Result<Transport, MailError> {
        match smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                .map(|b| Transport::Smtp(b.build()))
                .map_err(|e| MailError::Url(e.to_string())),
            None => Ok(Transport::Files(data_dir.join("mail"))),
        }
    }

    /// Sends one queued message. Addresses are parsed into mailboxes and
    /// the subject refused if it holds control characters, so no header can
    /// be injected.
    pub async fn send(&self, from: &Mailbox, msg: &OutboxMessage) -> Result<(), MailError> {
        let to: Mailbox = EmailAddress::parse(&msg.recipient)
            .map_err(|_| MailError::Recipient(msg.recipient.clone()))?
            .as_str()
            .parse()
            .map_err(|_| MailError::Recipient(msg.recipient.clone()))?;
        if msg.subject.chars().any(char::is_control) {
            return Err(MailError::Subject);
        }
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(msg.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                msg.text_body.clone(),
                msg.html_body.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Smtp(e.to_string())),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                tokio::fs::write(dir.join(format!("{}.eml", msg.id)), message.formatted()).await?;
                if msg.kind == "sign_in"
                    && let Some(link) = msg.text_body.lines().find(|l| l.starts_with("http"))
                {
                    // No mail server in development: show the link where the
                    // person starting the server can see it.
                    println!("Sign-in link for {}: {link}", msg.recipient);
                }
                Ok(())
            }
        }
    }
}

/// When to try again after `attempts` failures: 5 s, 10 s, 20 s, … capped
/// at an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 20) - 1;
    Duration::seconds((5i64 << exp.min(10)).min(3600))
}

/// Sends queued mail until `shutdown` completes.
pub async fn run_worker(
    store: Store,
    transport: Arc<Transport>,
    from: Mailbox,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let sent_one = tokio::select! {
            _ = &mut shutdown => return,
            r = deliver_one(&store, &transport, &from, clock.as_ref()) => r,
        };
        if !sent_one {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(std::time::Duration::from_millis(250)) => {}
            }
        }
    }
}

/// Claims and sends the next due message; `false` when there was none (or
/// the store failed).
pub async fn deliver_one(
    store: &Store,
    transport: &Transport,
    from: &Mailbox,
    clock: &dyn Clock,
) -> bool {
    let now = clock.now();
    let msg = match store.claim_mail(now, now + Duration::seconds(60)).await {
        Ok(Some(m)) => m,
        Ok(None) => return false,
        Err(e) => {
            tracing::error!(error = %e, "outbox: cannot claim mail");
            return false;
        }
    };
    match transport.send(from, &msg).await {
        Ok(()) => {
            if let Err(e) = store.mark_mail_sent(msg.id, clock.now()).await {
                tracing::error!(error = %e, id = msg.id, "outbox: sent but not recorded");
            }
            tracing::info!(id = msg.id, kind = %msg.kind, "mail sent");
        }
        Err(e) => {
            let retry = clock.now() + backoff(msg.attempts);
            tracing::warn!(id = msg.id, kind = %msg.kind, attempts = msg.attempts, error = %e, "mail not sent; will retry");
            if let Err(e) = store.mark_mail_failed(msg.id, &e.to_string(), retry).await {
                tracing::error!(error = %e, id = msg.id, "outbox: cannot record failure");
            }
        }
    }
    true
}

#[derive(Template)]
#[template(path = "email/sign_in.txt")]
struct SignInText<'a> {
    link: &'a str,
    minutes: u32,
    event_name: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "email/sign_in.html")]
struct SignInHtml<'a> {
    link: &'a str,
    minutes: u32,
    event_name: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "email/registration_confirmed.txt")]
struct ConfirmedText<'a> {
    name: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/registration_confirmed.html")]
struct ConfirmedHtml<'a> {
    name: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/waitlisted.txt")]
struct WaitlistedText<'a> {
    name: &'a str,
    event: &'a str,
    position: i64,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/waitlisted.html")]
struct WaitlistedHtml<'a> {
    name: &'a str,
    event: &'a str,
    position: i64,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/promoted.txt")]
struct PromotedText<'a> {
    name: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/promoted.html")]
struct PromotedHtml<'a> {
    name: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/team_invitation.txt")]
struct TeamInvitationText<'a> {
    name: &'a str,
    inviter: &'a str,
    team: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/team_invitation.html")]
struct TeamInvitationHtml<'a> {
    name: &'a str,
    inviter: &'a str,
    team: &'a str,
    event: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/credit_code.txt")]
struct CreditCodeText<'a> {
    name: &'a str,
    value: &'a str,
    sponsor: &'a str,
    event: &'a str,
    code: &'a str,
    redeem: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/credit_code.html")]
struct CreditCodeHtml<'a> {
    name: &'a str,
    value: &'a str,
    sponsor: &'a str,
    event: &'a str,
    code: &'a str,
    redeem: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/submission_receipt.txt")]
struct ReceiptText<'a> {
    name: &'a str,
    team: &'a str,
    title: &'a str,
    event: &'a str,
    at: &'a str,
    version: i64,
    hash: &'a str,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "email/submission_receipt.html")]
struct ReceiptHtml<'a> {
    name: &'a str,
    team: &'a str,
    title: &'a str,
    event: &'a str,
    at: &'a str,
    version: i64,
    hash: &'a str,
    url: &'a str,
}

/// The receipt of a submit: when, which version, and the content's hash.
#[allow(clippy::too_many_arguments)]
pub fn submission_receipt_mail(
    to: &EmailAddress,
    name: &str,
    team: &str,
    title: &str,
    event: &str,
    at: &str,
    version: i64,
    hash: &str,
    url: &str,
) -> Mail {
    mail(
        to,
        format!("Submission received: {title} ({event})"),
        ReceiptText {
            name,
            team,
            title,
            event,
            at,
            version,
            hash,
            url,
        }
        .render(),
        ReceiptHtml {
            name,
            team,
            title,
            event,
            at,
            version,
            hash,
            url,
        }
        .render(),
        "submission_receipt",
    )
}

/// A sponsor credit code for its owner (the code is in the body only, never
/// in the subject, logs or a URL).
#[allow(clippy::too_many_arguments)]
pub fn credit_code_mail(
    to: &EmailAddress,
    name: &str,
    value: &str,
    sponsor: &str,
    event: &str,
    code: &str,
    redeem: &str,
    url: &str,
) -> Mail {
    mail(
        to,
        format!("Your {sponsor} credits for {event}"),
        CreditCodeText {
            name,
            value,
            sponsor,
            event,
            code,
            redeem,
            url,
        }
        .render(),
        CreditCodeHtml {
            name,
            value,
            sponsor,
            event,
            code,
            redeem,
            url,
        }
        .render(),
        "credit_code",
    )
}

fn mail(
    to: &EmailAddress,
    subject: String,
    text: Result<String, askama::Error>,
    html: Result<String, askama::Error>,
    kind: &str,
) -> Mail {
    // Rendering fixed templates with strings cannot fail; should it, the
    // message still goes out with what is known.
    Mail {
        to: to.as_str().to_owned(),
        subject: subject.replace(|c: char| c.is_control(), " "),
        text: text.unwrap_or_default(),
        html: html.unwrap_or_default(),
        kind: kind.to_owned(),
    }
}

pub fn sign_in_mail(to: &EmailAddress, link: &str, minutes: u32, event_name: Option<&str>) -> Mail {
    mail(
        to,
        "Your Hackboard sign-in link".to_owned(),
        SignInText {
            link,
            minutes,
            event_name,
        }
        .render(),
        SignInHtml {
            link,
            minutes,
            event_name,
        }
        .render(),
        "sign_in",
    )
}

pub fn registration_confirmed_mail(to: &EmailAddress, name: &str, event: &str, url: &str) -> Mail {
    mail(
        to,
        format!("You are registered for {event}"),
        ConfirmedText { name, event, url }.render(),
        ConfirmedHtml { name, event, url }.render(),
        "registered",
    )
}

pub fn waitlisted_mail(
    to: &EmailAddress,
    name: &str,
    event: &str,
    position: i64,
    url: &str,
) -> Mail {
    mail(
        to,
        format!("You are on the waitlist for {event}"),
        WaitlistedText {
            name,
            event,
            position,
            url,
        }
        .render(),
        WaitlistedHtml {
            name,
            event,
            position,
            url,
        }
        .render(),
        "waitlisted",
    )
}

pub fn promoted_mail(to: &EmailAddress, name: &str, event: &str, url: &str) -> Mail {
    mail(
        to,
        format!("A place opened up: you are registered for {event}"),
        PromotedText { name, event, url }.render(),
        PromotedHtml { name, event, url }.render(),
        "promoted",
    )
}

pub fn team_invitation_mail(
    to: &EmailAddress,
    name: &str,
    inviter: &str,
    team: &str,
    event: &str,
    url: &str,
) -> Mail {
    mail(
        to,
        format!("{inviter} invites you to team {team}"),
        TeamInvitationText {
            name,
            inviter,
            team,
            event,
            url,
        }
        .render(),
        TeamInvitationHtml {
            name,
            inviter,
            team,
            event,
            url,
        }
        .render(),
        "team_invitation",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> EmailAddress {
        EmailAddress::parse("ada@example.org").unwrap()
    }

    #[test]
    fn the_sign_in_mail_carries_the_link_in_text_and_html() {
        let m = sign_in_mail(
            &ada(),
            "https://hack.example/sign-in/confirm?token=abc",
            15,
            Some("Mistral AI Hackathon"),
        );
        assert_eq!(m.kind, "sign_in");
        assert!(
            m.text
                .contains("https://hack.example/sign-in/confirm?token=abc")
        );
        assert!(m.text.contains("15 minutes") && m.text.contains("Mistral AI Hackathon"));
        assert!(
            m.html
                .contains("href=\"https://hack.example/sign-in/confirm?token&#x3d;abc\"")
                || m.html.contains("token=abc"),
            "{}",
            m.html
        );
    }

    #[test]
    fn names_are_escaped_in_html_and_subjects_name_the_event() {
        let m = registration_confirmed_mail(
            &ada(),
            "<script>alert(1)</script>",
            "Hack\r\nBcc: x",
            "https://h/e",
        );
        assert!(!m.html.contains("<script>"), "{}", m.html);
        assert!(
            m.html.contains("&lt;script&gt;") || m.html.contains("&#60;script&#62;"),
            "{}",
            m.html
        );
        assert!(!m.subject.contains('\n') && m.subject.contains("Hack"));
        let w = waitlisted_mail(&ada(), "Ada", "Mistral", 3, "https://h/e");
        assert!(w.text.contains("number 3") && w.subject.contains("Mistral"));
        let p = promoted_mail(&ada(), "Ada", "Mistral", "https://h/e");
        assert_eq!(p.kind, "promoted");
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(4), Duration::seconds(40));
        assert_eq!(backoff(50), Duration::seconds(3600));
    }
}
