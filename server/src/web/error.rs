//! The HTTP layer's one error type. Its JSON body is always
//! `{"error": {"code", "message"}}`; a 5xx is logged with its cause and its
//! body says only that something went wrong on our side.

use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("not signed in")]
    Unauthorized,
    /// A refusal in words: status, stable code, message.
    #[error("{2}")]
    Refused(StatusCode, &'static str, String),
    #[error("internal: {0}")]
    Internal(#[from] StoreError),
    /// A failure already logged where it happened.
    #[error("internal (logged)")]
    Logged,
    /// A refusal whose body carries more than the code and the message
    /// (which fields need attention, the version saved first): `details`
    /// are added beside `code` and `message`.
    #[error("{2}")]
    Detailed(
        StatusCode,
        &'static str,
        String,
        serde_json::Map<String, serde_json::Value>,
    ),
}

impl ApiError {
    /// The 404 of a slug that names no event.
    pub fn no_event(slug: &str) -> ApiError {
        ApiError::NotFound(format!("No event has the slug \"{slug}\"."))
    }
}

impl From<hackboard_app::port::BackendError> for ApiError {
    fn from(_: hackboard_app::port::BackendError) -> Self {
        ApiError::Logged
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `not_found`, `bad_request`, `unauthorized`,
    /// `cross_site_request`, `internal`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

/// The refusals most endpoints share, for `#[utoipa::path]`'s
/// `responses(...)`: `responses((status = 200, …), NotSignedIn, NoSuchEvent)`,
/// so an endpoint spells out only the answers that are its own.
#[derive(utoipa::IntoResponses)]
#[response(status = 401, description = "Not signed in")]
pub struct NotSignedIn(pub ErrorBody);

/// See [`NotSignedIn`].
#[derive(utoipa::IntoResponses)]
#[response(status = 403, description = "Not an organizer of this event")]
pub struct NotOrganizer(pub ErrorBody);

/// See [`NotSignedIn`].
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "No such event")]
pub struct NoSuchEvent(pub ErrorBody);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Detailed(status, code, message, mut details) = self {
            details.insert("code".into(), code.into());
            details.insert("message".into(), message.into());
            return (status, Json(serde_json::json!({ "error": details }))).into_response();
        }
        let (status, code, message) = match self {
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in, or send a personal API token as `Authorization: Bearer …`.".to_owned(),
            ),
            ApiError::Refused(status, code, message) => (status, code, message),
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side. Please try again.".to_owned(),
                )
            }
            ApiError::Logged | ApiError::Detailed(..) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Please try again.".to_owned(),
            ),
        };
        (
            status,
            Json(ErrorBody {
                error: ErrorDetail { code, message },
            }),
        )
            .into_response()
    }
}

/// `axum::Json`, but a body that is not JSON, not the expected shape, or
/// sent without `Content-Type: application/json` is refused with our error
/// shape (and a message about the input only, never about our code).
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::JsonRejection;
        match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => {
                if let Some(field) = control_character_in(&v, "") {
                    return Err(ApiError::Refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!(
                            "`{field}` holds a control character (such as NUL): text may hold \
                             line breaks and tabs, but no other invisible characters."
                        ),
                    ));
                }
                T::deserialize(v).map(ApiJson).map_err(|e| {
                    ApiError::Refused(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!(
                            "The JSON body does not have the expected fields: {}. See /api/v1/openapi.json.",
                            serde_detail(&e.to_string())
                        ),
                    )
                })
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::Refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "bad_request",
                "Send the body as JSON with `Content-Type: application/json`.".into(),
            )),
            Err(JsonRejection::JsonSyntaxError(_)) => Err(ApiError::Refused(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The body is not valid JSON.".into(),
            )),
            Err(e) => Err(ApiError::Refused(
                e.status(),
                "bad_request",
                "The request body could not be read.".into(),
            )),
        }
    }
}

/// Whether `c` may stand in text people send: anything but the control
/// characters, of which only line breaks and tabs are text (a NUL is
/// refused by PostgreSQL and invisible everywhere).
pub(crate) fn allowed_in_text(c: char) -> bool {
    !c.is_control() || matches!(c, '\n' | '\r' | '\t')
}

/// The field (`team.description`, `tags[2]`) of the first string in `v`
/// that holds a control character, if any; names are checked too.
fn control_character_in(v: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    let here = |name: &str| {
        if at.is_empty() {
            name.to_owned()
        } else {
            format!("{at}.{name}")
        }
    };
    match v {
        Value::String(s) if !s.chars().all(allowed_in_text) => Some(if at.is_empty() {
            "body".into()
        } else {
            at.into()
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_character_in(item, &format!("{at}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(name, value)| {
            if name.chars().all(allowed_in_text) {
                control_character_in(value, &here(name))
            } else {
                Some(here("(a field name)"))
            }
        }),
        _ => None,
    }
}

/// `axum::extract::Query` with our error shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::Refused(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!(
                    "The query string is not what this endpoint takes: {}.",
                    serde_detail(&e.body_text())
                ),
            )),
        }
    }
}

/// `axum::extract::Path` with our error shape: a path whose id is not a
/// whole number that fits (`/projects/abc`, `/projects/99999999999999999999`)
/// names nothing, so it is a 404 in the API's shape, and the answer neither
/// echoes the input nor names a Rust type.
pub struct ApiPath<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => {
                tracing::debug!(rejection = %e.body_text(), "path refused");
                Err(ApiError::NotFound(
                    "Nothing is at this address: an id in the path must be a whole number \
                     that names an existing item."
                        .into(),
                ))
            }
        }
    }
}

/// The part of an extractor's message that is about the input ("missing
/// field `role` at line 1 column 2"), without axum's preamble.
fn serde_detail(text: &str) -> String {
    let detail = text.rsplit_once(": ").map(|(_, d)| d).unwrap_or(text);
    detail.chars().take(200).collect()
}
