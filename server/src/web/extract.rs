//! Who may call a handler, said by its arguments: axum extractors that
//! find the signed-in account, the event named in the path (from the
//! revision-checked cache) and whether the account organizes or judges it.
//!
//! - JSON API: [`SignedIn`], [`EventPath`], [`Organizer`], [`Judge`]; a
//!   refusal is the API's error shape (401, 404, 403).
//! - HTML forms: [`FormUser`], [`FormEvent`], [`FormOrganizer`]; someone
//!   signed out is sent to sign in and back to the form's page (set on the
//!   route with [`form_page`]), an unknown event is a 404 page and anyone
//!   but an organizer gets the route's refusal in words.
//!
//! Checks run in that order: signed in, then the event, then the role.

use crate::state::AppState;
use crate::store::{Role, StoredEvent, User};
use crate::web::error::ApiError;
use crate::web::forms::{internal, urlencode};
use axum::Extension;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

/// The account a request is signed in as, if any.
async fn account(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<User>, crate::store::StoreError> {
    crate::auth::current_user(
        &state.backend.store,
        &state.config,
        &parts.headers,
        state.backend.clock.now(),
    )
    .await
}

/// The path's `{slug}`, percent-decoded ("" when the route has none).
pub(crate) async fn slug_of(parts: &mut Parts, state: &AppState) -> String {
    match RawPathParams::from_request_parts(parts, state).await {
        Ok(params) => params
            .iter()
            .find(|(name, _)| *name == "slug")
            .map(|(_, value)| value.to_owned())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Whether `user` holds `role` in the event (organizers: platform admins
/// too).
async fn holds(
    state: &AppState,
    event: &StoredEvent,
    user: &User,
    role: Role,
) -> Result<bool, crate::store::StoreError> {
    match role {
        Role::Organizer => crate::auth::may_organize(&state.backend.store, event.id, user).await,
        Role::Judge => Ok(state
            .backend
            .store
            .roles_of(event.id, user.id)
            .await?
            .contains(&Role::Judge)),
    }
}

/// The signed-in account (session cookie or `Authorization: Bearer`).
pub struct SignedIn(pub User);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        account(parts, state)
            .await?
            .map(SignedIn)
            .ok_or(ApiError::Unauthorized)
    }
}

/// The event named by the path's `{slug}`.
pub struct EventPath(pub Arc<StoredEvent>);

impl FromRequestParts<AppState> for EventPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let slug = slug_of(parts, state).await;
        state
            .backend
            .stored_event(&slug)
            .await?
            .map(EventPath)
            .ok_or_else(|| ApiError::no_event(&slug))
    }
}

/// An organizer (or a platform admin) of the event in the path.
pub struct Organizer {
    pub event: Arc<StoredEvent>,
    pub user: User,
}

impl FromRequestParts<AppState> for Organizer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        let EventPath(event) = EventPath::from_request_parts(parts, state).await?;
        if holds(state, &event, &user, Role::Organizer).await? {
            Ok(Organizer { event, user })
        } else {
            Err(ApiError::Refused(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Only the event's organizers can do this.".into(),
            ))
        }
    }
}

/// A judge of the event in the path.
pub struct Judge {
    pub event: Arc<StoredEvent>,
    pub user: User,
}

impl FromRequestParts<AppState> for Judge {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, state).await?;
        let EventPath(event) = EventPath::from_request_parts(parts, state).await?;
        if holds(state, &event, &user, Role::Judge).await? {
            Ok(Judge { event, user })
        } else {
            Err(ApiError::Refused(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Only the event's judges can do this.".into(),
            ))
        }
    }
}

/// Where a form lives, set on its route: the page (`{slug}` is replaced
/// by the event's) a person is sent back to after signing in, and what an
/// organizers-only form says to anyone else.
#[derive(Debug, Clone, Copy)]
pub struct FormPage {
    page: &'static str,
    refusal: &'static str,
}

/// The form's page, for its route: `.layer(form_page("/events/{slug}/team"))`.
pub fn form_page(page: &'static str) -> Extension<FormPage> {
    Extension(FormPage {
        page,
        refusal: "Only the event's organizers can do this.",
    })
}

/// An organizers-only form's page and its refusal in words.
pub fn organizers_form(page: &'static str, refusal: &'static str) -> Extension<FormPage> {
    Extension(FormPage { page, refusal })
}

impl FormPage {
    fn of(parts: &Parts) -> FormPage {
        parts
            .extensions
            .get::<FormPage>()
            .copied()
            .unwrap_or(FormPage {
                page: "/",
                refusal: "Only the event's organizers can do this.",
            })
    }

    /// The page's path for the event `slug`.
    pub fn path(&self, slug: &str) -> String {
        self.page.replace("{slug}", slug)
    }
}

/// The 404 of a form posted for an unknown event.
pub(crate) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is no such event.").into_response()
}

/// Sends someone signed out to sign in, then back to `page`.
pub(crate) fn sign_in_then(page: &str) -> Response {
    // Slashes stay readable; everything else in the path is encoded.
    Redirect::to(&format!(
        "/sign-in?next={}",
        urlencode(page).replace("%2F", "/")
    ))
    .into_response()
}

/// The signed-in account of a form post.
pub struct FormUser(pub User);

impl FromRequestParts<AppState> for FormUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match account(parts, state).await {
            Ok(Some(user)) => Ok(FormUser(user)),
            Ok(None) => {
                let slug = slug_of(parts, state).await;
                Err(sign_in_then(&FormPage::of(parts).path(&slug)))
            }
            Err(e) => Err(internal(e)),
        }
    }
}

/// The event in the path and the signed-in account of a form post.
pub struct FormEvent {
    pub event: Arc<StoredEvent>,
    pub user: User,
}

impl FromRequestParts<AppState> for FormEvent {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let slug = slug_of(parts, state).await;
        let event = match state.backend.stored_event(&slug).await {
            Ok(Some(event)) => event,
            Ok(None) => return Err(not_found()),
            Err(e) => return Err(internal(e)),
        };
        let FormUser(user) = FormUser::from_request_parts(parts, state).await?;
        Ok(FormEvent { event, user })
    }
}

/// An organizer (or a platform admin) of the event in the path, posting a
/// form.
pub struct FormOrganizer {
    pub event: Arc<StoredEvent>,
    pub user: User,
}

impl FromRequestParts<AppState> for FormOrganizer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let FormEvent { event, user } = FormEvent::from_request_parts(parts, state).await?;
        match holds(state, &event, &user, Role::Organizer).await {
            Ok(true) => Ok(FormOrganizer { event, user }),
            Ok(false) => Err((StatusCode::FORBIDDEN, FormPage::of(parts).refusal).into_response()),
            Err(e) => Err(internal(e)),
        }
    }
}
