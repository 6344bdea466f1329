//! HTTP: the pages (Leptos), the JSON API, the calendar feed, health, static
//! assets, and the middleware around them (request ids, tracing,
//! compression, security headers).

pub mod account;
pub mod api;
pub mod api_credits;
pub mod api_eligibility;
pub mod api_submissions;
pub mod api_teams;
pub mod credits;
pub mod eligibility;
pub mod error;
pub mod likes;
pub mod oauth;
pub mod page_cache;
pub mod registration;
pub mod staff;
pub mod submissions;
pub mod teams;

use crate::assets::Assets;
use crate::backend::AppBackend;
use crate::config::Config;
use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use hackboard_app::pages::App;
use hackboard_app::ssr::{Backend, shell};
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub backend: Arc<AppBackend>,
    pub leptos: LeptosOptions,
    pub assets: Assets,
    pub page_cache: Arc<page_cache::PageCache>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The page routes, generated once per process. Generating them renders
/// the app in a special mode through Leptos's process-wide reactive state;
/// doing it again while another server in the same process is rendering
/// (the test suite starts many) could leave that render waiting forever.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let backend: Arc<dyn Backend> = state.backend.clone();
    let context = move || leptos::prelude::provide_context(backend.clone());
    let shell_state = state.clone();
    let cache_state = state.clone();
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context, move || {
            shell(
                shell_state.leptos.clone(),
                shell_state.assets.css_href.clone(),
            )
        })
        .route("/events/{slug}/calendar.ics", get(calendar))
        .route("/healthz", get(healthz))
        .route("/ping", get(ping))
        .nest("/api/v1", api::router())
        .merge(account::router())
        .merge(registration::router())
        .merge(staff::router())
        .merge(teams::router())
        .merge(credits::router())
        .merge(submissions::router())
        .merge(eligibility::router())
        .merge(likes::router())
        .merge(oauth::router())
        .fallback_service(static_files(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf_guard,
        ))
        .layer(axum::middleware::from_fn(likes::peer_layer))
        .with_state(state);

    let cached = axum::middleware::from_fn_with_state(cache_state, page_cache::layer);
    pages.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(cached)
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                Duration::from_secs(30),
            ))
            // Dynamic responses: fastest level (most of the gain, little CPU);
            // static assets are precompressed at maximum by build-assets.
            .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            )),
    )
}

/// Built assets and `public/` files. Hashed bundle files under `/pkg` are
/// immutable; precompressed `.br`/`.gz` siblings are served when accepted.
/// Anything else unknown gets the 404 page.
fn static_files(state: &AppState) -> Router {
    let not_found = leptos_axum::render_app_to_stream_with_context(
        {
            let backend: Arc<dyn Backend> = state.backend.clone();
            move || leptos::prelude::provide_context(backend.clone())
        },
        {
            let leptos = state.leptos.clone();
            let css = state.assets.css_href.clone();
            move || shell(leptos.clone(), css.clone())
        },
    );
    let site = &state.config.site_dir;
    let pkg = ServeDir::new(site.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service(
            "/pkg",
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ))
                .service(pkg),
        )
        .fallback_service(
            ServeDir::new(site)
                .precompressed_gzip()
                .fallback(tower::service_fn(move |req| {
                    let not_found = not_found.clone();
                    async move { Ok::<_, std::convert::Infallible>(not_found(req).await) }
                })),
        )
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

/// The signed-in user of a form request, or a redirect to sign in that
/// comes back to `back`.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    back: &str,
) -> Result<crate::store::User, Response> {
    let now = state.backend.clock.now();
    match crate::auth::current_user(&state.backend.store, &state.config, headers, now).await {
        Ok(Some(user)) => Ok(user),
        // Slashes stay readable; everything else in the path is encoded.
        Ok(None) => Err(axum::response::Redirect::to(&format!(
            "/sign-in?next={}",
            account::urlencode(back).replace("%2F", "/")
        ))
        .into_response()),
        Err(e) => Err(internal(e)),
    }
}

/// Refuses state-changing requests that do not come from our own pages
/// (see `auth::csrf_allows`), before any handler or server function runs.
async fn csrf_guard(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if crate::auth::csrf_allows(&state.config, req.method(), req.headers()) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({"error": {
                "code": "cross_site_request",
                "message": "This request did not come from a Hackboard page and was refused, to protect your account. Go back to the page and try again."
            }})),
        )
            .into_response()
    }
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.backend.store.ping().await {
        Ok(()) => (
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// A trivial plaintext route: liveness, and the benchmark's baseline.
async fn ping() -> &'static str {
    "pong"
}

async fn calendar(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let def = state
        .backend
        .event_definition(&slug)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No event has the slug \"{slug}\".")))?;
    let body = crate::ics::calendar(&def, &state.config.base_url, state.backend.clock.now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        [(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{slug}.ics\""),
        )],
        body,
    )
        .into_response())
}

/// A page URL that carries a message to show once, signed with the session
/// key so only this server can put words on its pages. `ok` picks the tone.
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

pub(crate) fn notice_url(config: &Config, path: &str, ok: bool, message: &str) -> String {
    let kind = if ok { "ok" } else { "err" };
    format!(
        "{path}?{kind}={}&sig={}",
        account::urlencode(message),
        notice_sig(config, kind, message)
    )
}

fn notice_sig(config: &Config, kind: &str, message: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(config.session_key.expose().as_bytes())
            .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(b"\n");
    mac.update(message.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The message of a signed notice URL's query: (is it good news, words).
pub fn verified_notice(
    config: &Config,
    ok: Option<&str>,
    err: Option<&str>,
    sig: Option<&str>,
) -> Option<(bool, String)> {
    let (good, message) = match (ok, err) {
        (Some(m), None) => (true, m),
        (None, Some(m)) => (false, m),
        _ => return None,
    };
    let kind = if good { "ok" } else { "err" };
    let expected = notice_sig(config, kind, message);
    let given = sig?;
    // Constant-time enough: both are fixed-length hex of a MAC.
    (given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0)
        .then(|| (good, message.to_owned()))
}
