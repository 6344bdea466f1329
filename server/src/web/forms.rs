//! Posted HTML forms: their fields, the plain 500 a form endpoint
//! answers, and the percent-encoding of query values.

use crate::web::error::allowed_in_text;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// A posted form, as name/value pairs (names may repeat, as checkboxes do).
pub(crate) type Fields = Vec<(String, String)>;

/// `axum::Form`, refusing text with control characters (a NUL, a
/// vertical tab pasted from a word processor): they are invisible, and
/// PostgreSQL refuses a NUL. Line breaks and tabs are text.
pub(crate) struct Form<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::Bytes::from_request(
            axum::extract::Request::from_parts(parts.clone(), body),
            state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        let bad = form_urlencoded::parse(&bytes)
            .find(|(name, value)| !name.chars().chain(value.chars()).all(allowed_in_text));
        if let Some((name, _)) = bad {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                format!(
                    "The field \"{}\" holds an invisible control character (often pasted from \
                     another program). Go back, remove it and send the form again.",
                    name.chars()
                        .filter(|c| allowed_in_text(*c))
                        .take(60)
                        .collect::<String>()
                ),
            )
                .into_response());
        }
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Form(v))
            .map_err(IntoResponse::into_response)
    }
}

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

/// What [`urlencode`] escapes: every byte but the unreserved characters of
/// RFC 3986 (`A-Z a-z 0-9 - _ . ~`).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes `s` for a URL query value (unreserved characters kept).
pub fn urlencode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::urlencode;
    use percent_encoding::percent_decode_str;
    use proptest::prelude::*;

    #[test]
    fn only_unreserved_characters_are_kept() {
        assert_eq!(
            urlencode("a b&c=d#e+f%g/é"),
            "a%20b%26c%3Dd%23e%2Bf%25g%2F%C3%A9"
        );
        assert_eq!(urlencode("A-z_0.9~"), "A-z_0.9~");
    }

    proptest! {
        #[test]
        fn decoding_gives_the_input_back(s in any::<String>()) {
            let encoded = urlencode(&s);
            let kept = |b: u8| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b);
            prop_assert!(encoded.bytes().all(kept), "{encoded}");
            let decoded = percent_decode_str(&encoded).decode_utf8().unwrap();
            prop_assert_eq!(decoded, s.as_str());
        }
    }
}
