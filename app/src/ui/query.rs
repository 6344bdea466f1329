//! Reading the page's query string for a server function.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page's query parameters among `keys`, for the server function.
pub fn q(keys: &[&str]) -> std::collections::BTreeMap<String, String> {
    let map = use_query_map().read_untracked();
    keys.iter()
        .filter_map(|k| map.get(k).map(|v| ((*k).to_owned(), v)))
        .collect()
}
