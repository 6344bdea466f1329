//! The connection's peer address, told to handlers in a header the client
//! cannot set (rate limits and the likes review key on it).

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

/// The header carrying the connection's peer address to handlers; any
/// client-sent value is replaced by [`peer_layer`].
pub const PEER_HEADER: &str = "x-hackboard-peer";

/// The connection's peer address ("" when unknown).
pub fn peer_address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// Replaces any client-sent peer header with the connection's address.
pub async fn peer_layer(mut req: Request, next: Next) -> Response {
    let peer = peer_address(&req);
    let h = req.headers_mut();
    h.remove(PEER_HEADER);
    if let Ok(v) = HeaderValue::from_str(&peer) {
        h.insert(PEER_HEADER, v);
    }
    next.run(req).await
}
