//! The mail outbox. Mail is written here in the same transaction as the
//! action that causes it, so it is never lost; a worker sends it with
//! retries and backoff. Several instances share the table: a message is
//! claimed with a lease in one statement, so only one instance sends it.

use super::{Store, StoreError, on_pool};
use chrono::{DateTime, Utc};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// What caused it (`sign_in`, `registered`, …), for operators.
    pub kind: String,
}

/// A queued message as the worker sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub kind: String,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

/// Inserts `$mail` into the outbox inside the transaction `$tx`.
macro_rules! enqueue {
    ($tx:ident, $mail:expr, $now_ms:expr) => {{
        let mail: &$crate::store::Mail = $mail;
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, text_body, html_body, kind, created_at, \
             next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(&mail.kind)
        .bind($now_ms)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use enqueue;

const COLUMNS: &str =
    "id, recipient, subject, text_body, html_body, kind, attempts, sent_at, last_error";

impl Store {
    /// Queues a message on its own (when nothing else is written with it).
    pub async fn enqueue_mail(&self, mail: &Mail, now: DateTime<Utc>) -> Result<(), StoreError> {
        let now_ms = now.timestamp_millis();
        super::write_tx!(self, |tx| {
            enqueue!(tx, mail, now_ms);
            Ok::<(), StoreError>(())
        })
    }

    /// Claims the oldest message due for sending, leasing it to the caller
    /// until `lease_until`. The re-check of the lease in the outer WHERE
    /// makes concurrent claimers on PostgreSQL skip a row another claimed.
    pub async fn claim_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        let now = now.timestamp_millis();
        let sql = format!(
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 \
             WHERE id = (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                         AND (locked_until IS NULL OR locked_until <= $1) ORDER BY id LIMIT 1) \
             AND sent_at IS NULL AND (locked_until IS NULL OR locked_until <= $1) \
             RETURNING {COLUMNS}"
        );
        let row: Option<OutboxMessage> = on_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(now)
                .bind(lease_until.timestamp_millis())
                .fetch_optional(p)
                .await?
        });
        Ok(row)
    }

    pub async fn mark_mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE outbox SET sent_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1")
                .bind(id)
                .bind(now.timestamp_millis())
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mark_mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE outbox SET last_error = $2, next_attempt_at = $3, locked_until = NULL \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(retry_at.timestamp_millis())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Every message, oldest first (for operators and tests).
    pub async fn outbox(&self) -> Result<Vec<OutboxMessage>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id");
        let rows: Vec<OutboxMessage> =
            on_pool!(self, |p| { sqlx::query_as(&sql).fetch_all(p).await? });
        Ok(rows)
    }
}
