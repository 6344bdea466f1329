//! Posted HTML forms: their fields, the plain 500 a form endpoint
//! answers, and the percent-encoding of query values.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A posted form, as name/value pairs (names may repeat, as checkboxes do).
pub(crate) type Fields = Vec<(String, String)>;

/// The first value posted under `name`, or "".
pub(crate) fn form_field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// A 500 for a form endpoint: logged with its cause, a plain message out.
pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side. Please try again.",
    )
        .into_response()
}

/// Percent-encodes `s` for a URL query value (unreserved characters kept).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
