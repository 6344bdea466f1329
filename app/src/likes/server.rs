//! The server functions of the gallery, the likes results and the likes
//! review (the like button's is beside it, in `islands.rs`).

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{GalleryView, LikesReviewView, ResultsView};
use leptos::prelude::*;

/// The gallery, filtered by `track` and `q`, sorted by `sort`, page `page`.
#[server(prefix = "/sf", endpoint = "gallery")]
pub async fn get_gallery(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<GalleryView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .gallery(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

/// The likes results and the wild card.
#[server(prefix = "/sf", endpoint = "results")]
pub async fn get_results(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<ResultsView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .results(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}

/// The organizers' likes review.
#[server(prefix = "/sf", endpoint = "likes_review")]
pub async fn get_likes_review(
    slug: String,
    query: std::collections::BTreeMap<String, String>,
) -> Result<Option<LikesReviewView>, ServerFnError> {
    let query: Vec<(String, String)> = query.into_iter().collect();
    backend()?
        .likes_review(&slug, &request_headers(), &query)
        .await
        .map_err(trouble)
}
