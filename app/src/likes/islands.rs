//! The like button, an island, and the server function it likes with:
//! once hydrated it likes in place and shows the fresh count; without
//! JavaScript the same form posts and the page comes back.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{LikeButtonView, LikeOut};
use leptos::prelude::*;

/// "♥ 12": like or withdraw in place.
#[island]
pub fn LikeButton(b: LikeButtonView) -> impl IntoView {
    let likes = RwSignal::new(b.likes);
    let liked = RwSignal::new(b.liked);
    let error = RwSignal::new(None::<String>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let (slug, id) = (b.slug.clone(), b.id);
    let action = format!("/events/{}/projects/{}/like", b.slug, b.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let slug = slug.clone();
        let want = !liked.get_untracked();
        leptos::task::spawn_local(async move {
            match set_like(slug, id, want).await {
                Ok(Some(out)) => {
                    likes.set(out.likes);
                    liked.set(out.liked);
                    error.set(out.error);
                }
                Ok(None) => error.set(Some("Sign in to like projects.".into())),
                Err(_) => error.set(Some(
                    "Something went wrong on our side. Please try again.".into(),
                )),
            }
        });
    };
    view! {
        <form method="post" action=action class="like" on:submit=submit data-hydrated=move || hydrated.get().then_some("true")>
            <input type="hidden" name="like" value=move || if liked.get() { "false" } else { "true" } />
            <button type="submit" class="button secondary like-button" disabled=!b.can_like
                aria-pressed=move || if liked.get() { "true" } else { "false" }
                aria-label=move || format!("{} · {} likes", if liked.get() { "Withdraw your like" } else { "Like" }, likes.get())>
                <span aria-hidden="true">{move || if liked.get() { "♥ " } else { "♡ " }}</span>
                <span class="like-count">{move || likes.get()}</span>
            </button>
            {b.note.clone().map(|n| view! { <small class="meta">" "{n}</small> })}
            {move || error.get().map(|e| view! { <small class="field-error" role="alert">" "{e}</small> })}
        </form>
    }
}

/// Likes (or withdraws the like of) a project: the like button.
#[server(prefix = "/sf", endpoint = "like")]
pub async fn set_like(slug: String, id: i64, like: bool) -> Result<Option<LikeOut>, ServerFnError> {
    backend()?
        .set_like(&slug, &request_headers(), id, like)
        .await
        .map_err(trouble)
}
