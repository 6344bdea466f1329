//! HTTP: the router that puts the features together — the pages (Leptos,
//! through the page port in `pages`), the JSON API (`api`), health, static
//! assets — and the middleware around them (request ids, tracing,
//! compression, security headers).

pub mod api;
pub mod page_cache;
pub mod pages;

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hackboard_app::app::App;
use hackboard_app::port::Backend;
use hackboard_app::shell::shell;
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
    let cache_state = (state.clone(), Arc::new(page_cache::PageCache::default()));
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context, move || {
            shell(
                shell_state.leptos.clone(),
                shell_state.assets.css_href.clone(),
            )
        })
        .route("/healthz", get(healthz))
        .route("/ping", get(ping))
        .merge(api::router())
        .merge(crate::accounts::router())
        .merge(crate::events::router())
        .merge(crate::registrations::router())
        .merge(crate::teams::router())
        .merge(crate::credits::router())
        .merge(crate::submissions::router())
        .merge(crate::eligibility::router())
        .merge(crate::likes::router())
        .fallback_service(static_files(&state))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf_guard,
        ))
        .layer(axum::middleware::from_fn(crate::web::peer::peer_layer))
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
