//! The HTML document around every page (server build only).

use crate::app::App;
use leptos::prelude::*;
use leptos_meta::MetaTags;
use std::sync::Arc;

/// The document around every page. `css_href` is the content-hashed
/// stylesheet the server found at start.
pub fn shell(options: LeptosOptions, css_href: Arc<str>) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href=css_href.to_string() />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
