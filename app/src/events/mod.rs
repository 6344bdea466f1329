//! The home page (every event, grouped live / upcoming / past) and an
//! event's page (timeline, tracks, credits, links, rules). Server-rendered;
//! the countdown and the viewer's times are the `ui` islands.

pub mod server;
#[cfg(feature = "ssr")]
pub mod views;

use crate::ui::{Countdown, NotFound, ServerTrouble, ViewerTime};
use crate::wire::{EventCard, EventView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server::{get_event, get_home};

#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    view! {
        <Title text="Events · Hackboard" />
        <Suspense fallback=|| view! { <p>"Loading events…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => {
                        let empty = home.live.is_empty() && home.upcoming.is_empty()
                            && home.past.is_empty();
                        view! {
                            <h1>"Events"</h1>
                            {empty.then(|| view! { <p>"No events yet."</p> })}
                            <EventGroup title="Live now" id="live" cards=home.live />
                            <EventGroup title="Upcoming" id="upcoming" cards=home.upcoming />
                            <EventGroup title="Past" id="past" cards=home.past />
                        }
                            .into_any()
                    }
                    Err(_) => view! { <ServerTrouble /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EventGroup(title: &'static str, id: &'static str, cards: Vec<EventCard>) -> impl IntoView {
    (!cards.is_empty()).then(|| {
        view! {
            <section class="event-group" aria-labelledby=id>
                <h2 id=id>{title}</h2>
                <ul class="cards">
                    {cards
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li class="card">
                                    <h3><a href=format!("/events/{}", c.slug)>{c.name}</a></h3>
                                    <p class="meta">{c.format}" · "{c.when}</p>
                                    <p class="phase">{c.phase}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let event = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_event,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading event…"</p> }>
            {move || Suspend::new(async move {
                match event.await {
                    Ok(Some(ev)) => view! { <EventDetails ev /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <ServerTrouble /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EventDetails(ev: EventView) -> impl IntoView {
    let zone_note = match &ev.viewer_zone {
        Some(z) => format!("Times are shown in the zone each was defined in and in yours ({z})."),
        None => "Times are shown in the zone each was defined in and in yours.".to_owned(),
    };
    let calendar = format!("/events/{}/calendar.ics", ev.slug);
    view! {
        <Title text=format!("{} · Hackboard", ev.name) />
        <article class="event">
            <header class="event-header">
                <h1>{ev.name.clone()}</h1>
                <p class="meta">
                    {ev.format.clone()}" · teams of "{ev.team_size.clone()}
                    {ev.hf_org.clone().map(|org| view! {
                        " · Hugging Face org "
                        <a href=format!("https://huggingface.co/{org}")>{org.clone()}</a>
                    })}
                </p>
                <p class="phase" id="phase">{ev.phase.clone()}</p>
                <Countdown items=ev.countdown.clone() now_ms=ev.now_ms done="Everything on the timeline has happened.".to_owned() />
                <p class="actions">
                    <a class="button" href=format!("/events/{}/register", ev.slug)>"Register"</a>
                    " "
                    <a class="button secondary" href=format!("/events/{}/team", ev.slug)>"My team"</a>
                    " "
                    <a class="button secondary" href=format!("/events/{}/finder", ev.slug)>"Team finder"</a>
                    " "
                    <a class="button secondary" href=format!("/events/{}/submission", ev.slug)>"Submission"</a>
                    " "
                    <a class="button secondary" href=format!("/events/{}/credits", ev.slug)>"My credits"</a>
                    " "
                    <a class="button secondary" href=format!("/events/{}/gallery", ev.slug)>"Gallery"</a>
                    " "
                    <a class="button secondary" href=calendar>"Add to calendar"</a>
                </p>
            </header>

            <div class="prose" inner_html=ev.description_html.clone()></div>

            <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">"Timeline"</h2>
                <p class="hint">{zone_note}</p>
                <ol class="timeline">
                    {ev
                        .milestones
                        .into_iter()
                        .map(|m| {
                            let viewer = if m.time.local.is_some() {
                                view! { <span class="viewer-time">{m.viewer}</span> }.into_any()
                            } else {
                                view! { <ViewerTime utc_ms=m.time.utc_ms text=m.viewer /> }.into_any()
                            };
                            view! {
                                <li class="milestone" class:passed=m.passed data-kind=m.kind>
                                    <span class="milestone-title">{m.title}</span>
                                    <span class="times">
                                        <span class="defined-time">{m.defined}</span>
                                        " · "
                                        {viewer}
                                        {m.utc_spread.map(|s| view! { <span class="utc-spread">{s}</span> })}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>

            <section aria-labelledby="tracks-title">
                <h2 id="tracks-title">"Tracks"</h2>
                <div class="cards">
                    {ev.tracks.into_iter().map(|t| view! {
                        <section class="card track">
                            <h3>{t.name}</h3>
                            {t.sponsor.map(|s| view! { <p class="meta">"Sponsored by "{s}</p> })}
                            <div class="prose" inner_html=t.description_html></div>
                            {(!t.requirements.is_empty()).then(|| view! {
                                <h4>"Requirements"</h4>
                                <ul>{t.requirements.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                            })}
                        </section>
                    }).collect_view()}
                </div>
            </section>

            <section aria-labelledby="credits-title">
                <h2 id="credits-title">"Credits and resources"</h2>
                <ul class="cards">
                    {ev.offers.into_iter().map(|o| view! {
                        <li class="card offer">
                            <h3>{o.value}</h3>
                            <p class="meta">{o.sponsor}" · "{o.per}</p>
                            <div class="prose" inner_html=o.redeem_html></div>
                        </li>
                    }).collect_view()}
                </ul>
            </section>

            <section aria-labelledby="links-title">
                <h2 id="links-title">"Essential links"</h2>
                <ul class="links">
                    {ev.links.into_iter().map(|l| view! {
                        <li><a href=l.url rel="noopener">{l.label}</a></li>
                    }).collect_view()}
                </ul>
            </section>

            <section aria-labelledby="rules-title">
                <h2 id="rules-title">"Rules"</h2>
                <div class="prose" inner_html=ev.rules_html></div>
            </section>
        </article>
    }
}
