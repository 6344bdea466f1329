//! The team island (the members and the requests waiting for an answer,
//! answered in place once hydrated) and the server function it answers
//! with.

#[cfg(feature = "ssr")]
use crate::port::{backend, request_headers, trouble};
use crate::wire::{Notice, TeamAnswer, TeamView};
use leptos::prelude::*;

/// The team's members and the requests waiting for an answer. Once
/// hydrated, accepting or declining happens in place: the answer goes
/// through a server function and the list and count redraw from the team
/// it returns. Without JavaScript the same forms post and redirect.
#[island]
pub fn TeamLive(slug: String, team: TeamView) -> impl IntoView {
    let team = RwSignal::new(team);
    let notice = RwSignal::new(None::<Notice>);
    // Effects run only in the browser: the mark says the island is live.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let base = format!("/events/{slug}/team");
    let answer = move |ev: leptos::ev::SubmitEvent, id: i64, accept: bool, slug: String| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match answer_team_request(slug, id, accept).await {
                Ok(Some(TeamAnswer {
                    notice: n,
                    team: fresh,
                })) => {
                    notice.set(Some(n));
                    if let Some(fresh) = fresh {
                        team.set(fresh);
                    }
                }
                Ok(None) => notice.set(Some(Notice {
                    ok: false,
                    text: "Your session has ended: sign in again.".into(),
                })),
                Err(_) => notice.set(Some(Notice {
                    ok: false,
                    text: "Something went wrong on our side. Please try again.".into(),
                })),
            }
        });
    };
    view! {
        <div id="team-live" data-hydrated=move || hydrated.get().then_some("true")>
        {move || notice.get().map(|n| {
            let (class, role) = if n.ok { ("notice ok", "status") } else { ("notice", "alert") };
            view! { <p class=class role=role id="team-live-notice">{n.text}</p> }
        })}
        {move || {
            let t = team.get();
            let base = base.clone();
            let slug = slug.clone();
            view! {
                <h2 id="team-title">{format!("Team {} · {}", t.name, t.size)}</h2>
                {(!t.description.is_empty()).then(|| view! { <p>{t.description.clone()}</p> })}
                <ul id="team-members">
                    {t.members.clone().into_iter().map(|m| {
                        let who = format!("{}{}{}", m.name, if m.captain { " (captain)" } else { "" }, if m.you { " — you" } else { "" });
                        let remove_label = format!("Remove {}", m.name);
                        let captain_label = format!("Make {} captain", m.name);
                        let show = t.you_are_captain && !m.you;
                        let uid = m.user_id.to_string();
                        let base = base.clone();
                        view! {
                            <li>
                                {who}
                                {(!m.skills.is_empty()).then(|| view! { <span class="meta">{format!(" · {}", m.skills)}</span> })}
                                <span class="meta">{format!(" · {}", m.time_zone)}</span>
                                {show.then(|| view! {
                                    " "
                                    <form method="post" action=format!("{base}/captain") class="inline">
                                        <input type="hidden" name="user_id" value=uid.clone() />
                                        <button type="submit" class="link-button" aria-label=captain_label>"Make captain"</button>
                                    </form>
                                    " "
                                    <form method="post" action=format!("{base}/remove") class="inline">
                                        <input type="hidden" name="user_id" value=uid.clone() />
                                        <button type="submit" class="link-button" aria-label=remove_label>"Remove"</button>
                                    </form>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(!t.requests.is_empty()).then(|| view! {
                    <h3>"Waiting for an answer"</h3>
                    <ul class="requests" id="team-requests">
                        {t.requests.clone().into_iter().map(|r| {
                            let is_request = r.kind != "invitation";
                            let text = if is_request {
                                format!("{} asks to join{}", r.person, if r.message.is_empty() { ".".to_owned() } else { format!(": “{}”", r.message) })
                            } else {
                                format!("{} was invited.", r.person)
                            };
                            let id = r.id;
                            let (slug_a, slug_d) = (slug.clone(), slug.clone());
                            view! {
                                <li>
                                    {text}" "
                                    {is_request.then(|| view! {
                                        <form method="post" action=format!("{base}/accept") class="inline"
                                            on:submit=move |ev| answer(ev, id, true, slug_a.clone())>
                                            <input type="hidden" name="id" value=id.to_string() />
                                            <button type="submit" class="link-button">"Accept"</button>
                                        </form>
                                    })}
                                    " "
                                    <form method="post" action=format!("{base}/decline") class="inline"
                                        on:submit=move |ev| answer(ev, id, false, slug_d.clone())>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button type="submit" class="link-button">{if is_request { "Decline" } else { "Cancel" }}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
            }
        }}
        </div>
    }
}

/// Accepts or declines a team request or invitation in place (the page's
/// forms post the same thing without JavaScript); `None`: not signed in.
#[server(prefix = "/sf", endpoint = "answer_team_request")]
pub async fn answer_team_request(
    slug: String,
    id: i64,
    accept: bool,
) -> Result<Option<TeamAnswer>, ServerFnError> {
    let backend = backend()?;
    let headers = request_headers();
    let Some(notice) = backend
        .answer_team_request(&slug, &headers, id, accept)
        .await
        .map_err(trouble)?
    else {
        return Ok(None);
    };
    let team = backend
        .my_team(&slug, &headers, &[])
        .await
        .map_err(trouble)?
        .and_then(|v| v.team);
    Ok(Some(TeamAnswer { notice, team }))
}
