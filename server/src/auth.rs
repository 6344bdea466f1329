//! Who is asking: sessions (server-side, in the database, so several
//! instances share them), personal API tokens, cross-site request forgery
//! protection, rate limits and safe redirects. See `docs/security.md`.

use crate::config::Config;
use crate::store::{Role, Store, StoreError, User};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::days(14);
/// …and in any case this long after sign-in.
pub const SESSION_LIFETIME: Duration = Duration::days(30);
/// Sign-in links expire after this long.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;

/// A fresh random token (256 bits, hex).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// What the database keeps instead of a token: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session cookie's name: `__Host-` prefixed (which browsers only accept
/// with Secure, Path=/ and no Domain) when the platform is served over https.
pub fn cookie_name(config: &Config) -> &'static str {
    if config.base_url.starts_with("https://") {
        "__Host-hb_session"
    } else {
        "hb_session"
    }
}

/// The value of the cookie `name` in a request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session token the request carries, if any.
pub fn session_token<'a>(config: &Config, headers: &'a HeaderMap) -> Option<&'a str> {
    cookie(headers, cookie_name(config)).filter(|t| !t.is_empty())
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(config: &Config, token: &str) -> HeaderValue {
    let secure = if config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        cookie_name(config),
        SESSION_LIFETIME.num_seconds()
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie(config: &Config) -> HeaderValue {
    let secure = if config.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(config)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Starts a session for `user_id`: a new random id every time (so a
/// session id known before sign-in is worthless after it).
pub async fn start_session(
    store: &Store,
    config: &Config,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<HeaderValue, StoreError> {
    let token = random_token();
    store
        .create_session(&token_hash(&token), user_id, now, now + SESSION_LIFETIME)
        .await?;
    Ok(session_cookie(config, &token))
}

/// The signed-in user: from the session cookie, or from an
/// `Authorization: Bearer` personal API token.
pub async fn current_user(
    store: &Store,
    config: &Config,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<User>, StoreError> {
    if let Some(token) = session_token(config, headers) {
        store
            .session_account(&token_hash(token), now, SESSION_IDLE.num_milliseconds())
            .await
    } else if let Some(token) = bearer(headers) {
        store.api_token_account(&token_hash(token), now).await
    } else {
        Ok(None)
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The origin (`scheme://host[:port]`) of a base URL.
pub fn origin_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}")
        }
        None => base_url.to_owned(),
    }
}

/// Cross-site request forgery protection for every state-changing request
/// (forms, JSON API, Leptos server functions): the browser must say the
/// request comes from our own origin (`Origin`, or `Sec-Fetch-Site` when a
/// browser omits `Origin`). Requests authenticated only by a bearer token
/// carry no ambient credentials and are exempt.
pub fn csrf_allows(config: &Config, method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if bearer(headers).is_some() && session_token(config, headers).is_none() {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin == origin_of(&config.base_url),
        None => matches!(
            headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
            Some("same-origin") | Some("none")
        ),
    }
}

/// A `next=` target is followed only when it is a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\')
                && n.len() <= 512 =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Counts a hit against `limit` per `window`; `false` when over it.
pub async fn within_rate_limit(
    store: &Store,
    bucket: &str,
    limit: i64,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let w = window.num_milliseconds().max(1);
    let start = now.timestamp_millis() - now.timestamp_millis().rem_euclid(w);
    let hits = store.rate_limit_hit(bucket, start).await?;
    Ok(hits <= limit)
}

/// Organizers of the event and platform admins may manage it.
pub async fn may_organize(store: &Store, event_id: i64, user: &User) -> Result<bool, StoreError> {
    Ok(user.is_admin
        || store
            .roles_of(event_id, user.id)
            .await?
            .contains(&Role::Organizer))
}

/// Fixed-window counters per key (per minute).
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Counts a hit for `key`; false once `limit` hits were counted in
    /// this minute (0: no limit).
    pub fn allow(&self, key: &str, limit: u32, now: DateTime<Utc>) -> bool {
        if limit == 0 {
            return true;
        }
        let minute = now.timestamp() / 60;
        let Ok(mut w) = self.windows.lock() else {
            return true;
        };
        if w.len() > 100_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let entry = w.entry(key.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/events/x?tab=1")), "/events/x?tab=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil",
            "/ok\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn the_origin_of_a_base_url_drops_the_path() {
        assert_eq!(
            origin_of("https://hack.example/sub"),
            "https://hack.example"
        );
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }
}
