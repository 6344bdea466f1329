//! The pages shown when there is nothing at an address or the server is in
//! trouble, and the HTTP status they answer with.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the HTTP status of the page being rendered.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found · Hackboard" />
        <section class="panel">
            <h1>"Page not found"</h1>
            <p>"There is no event or page at this address. "<a href="/">"See all events"</a></p>
        </section>
    }
}

#[component]
pub fn ServerTrouble() -> impl IntoView {
    set_status(500);
    view! {
        <Title text="Something went wrong · Hackboard" />
        <section class="panel">
            <h1>"Something went wrong on our side"</h1>
            <p>"Nothing you did caused this. Please try again in a moment."</p>
        </section>
    }
}
