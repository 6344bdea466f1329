//! A one-second micro-cache for anonymous page views.
//!
//! At a deadline hundreds of people reload the same event page; rendering it
//! once per second per variant (path, viewer-zone cookie, content encoding)
//! instead of once per request keeps the server responsive. Only GET page
//! requests without a session cookie or an Authorization header are cached,
//! so nothing personal is ever shared; the key includes the injected clock's
//! current second, so a cached page is never more than a second old (the
//! live countdown corrects itself in the browser, and every deadline is
//! enforced on writes, not by pages).

use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Mutex;

/// Responses kept at most (the map is cleared when full).
const MAX_ENTRIES: usize = 1024;
/// Larger bodies are not cached.
const MAX_BODY: usize = 512 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    second: i64,
    path: String,
    zone: Option<String>,
    encoding: &'static str,
    /// The gallery's random order the visitor sees (one of a few dozen).
    order: Option<u64>,
}

struct Entry {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<Key, Entry>>,
}

fn encoding(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("br") {
        "br"
    } else if accept.contains("gzip") {
        "gzip"
    } else {
        "identity"
    }
}

fn cacheable_path(path: &str) -> bool {
    path == "/" || (path.starts_with("/events/") && !path.ends_with(".ics"))
}

pub async fn layer(
    State((state, cache)): State<(AppState, std::sync::Arc<PageCache>)>,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let anonymous = crate::auth::session_token(&state.config, headers).is_none()
        && !headers.contains_key(header::AUTHORIZATION);
    if req.method() != Method::GET || !anonymous || !cacheable_path(req.uri().path()) {
        return next.run(req).await;
    }
    // A gallery in random order is shared only with the visitors who see
    // the same order.
    let order = (req.uri().path().ends_with("/gallery")
        && !req
            .uri()
            .query()
            .is_some_and(|q| q.contains("sort=likes") || q.contains("sort=newest")))
    .then(|| {
        let peer = crate::web::peer_address(&req);
        let agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        crate::likes::actions::gallery_order(&state.config, None, &peer, agent)
    });
    let key = Key {
        second: state.backend.clock.now().timestamp(),
        path: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        zone: hackboard_app::port::viewer_zone_from_headers(headers).map(|z| z.name().to_owned()),
        encoding: encoding(headers),
        order,
    };
    if let Ok(entries) = cache.entries.lock()
        && let Some(hit) = entries.get(&key)
    {
        let mut res = Response::new(Body::from(hit.body.clone()));
        *res.status_mut() = hit.status;
        *res.headers_mut() = hit.headers.clone();
        return res;
    }
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Response::from_parts(
            parts,
            Body::from("Something went wrong on our side. Please try again."),
        );
    };
    let cacheable = (parts.status == StatusCode::OK || parts.status == StatusCode::NOT_FOUND)
        && !parts.headers.contains_key(header::SET_COOKIE);
    if cacheable && let Ok(mut entries) = cache.entries.lock() {
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        // The request id belongs to one request only.
        let mut headers = parts.headers.clone();
        headers.remove("x-request-id");
        entries.insert(
            key,
            Entry {
                status: parts.status,
                headers,
                body: bytes.clone(),
            },
        );
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}
