//! The line that says what the last action did (a notice the server
//! verified), at the top of the team, eligibility and likes pages.

use crate::wire::Notice;
use leptos::prelude::*;

#[component]
pub fn NoticeLine(notice: Option<Notice>) -> impl IntoView {
    notice.map(|n| {
        let (class, role) = if n.ok {
            ("notice ok", "status")
        } else {
            ("notice", "alert")
        };
        view! { <p class=class role=role id="team-notice">{n.text}</p> }
    })
}
