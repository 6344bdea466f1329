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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
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
