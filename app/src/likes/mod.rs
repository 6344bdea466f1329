//! The gallery, the like button, the likes results with the wild card, and
//! the organizers' likes review. The like button is an island: once
//! hydrated it likes in place and shows the fresh count; without
//! JavaScript the same form posts and the page comes back.

pub mod islands;
pub mod server;

use crate::ui::{NotFound, NoticeLine, q};
use crate::wire::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server::{get_gallery, get_likes_review, get_results};

pub use islands::LikeButton;

#[component]
pub fn GalleryPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_gallery(slug, q(&["track", "q", "sort", "page"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <Gallery v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A gallery page's address: its order, page, track and search, each
/// encoded (a search for "C++" or "#1" keeps its text).
fn gallery_link(here: &str, sort: &str, page: usize, track: &str, text: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("sort", sort);
    query.append_pair("page", &page.to_string());
    if !track.is_empty() {
        query.append_pair("track", track);
    }
    if !text.is_empty() {
        query.append_pair("q", text);
    }
    format!("{here}?{}", query.finish())
}

#[component]
fn Gallery(v: GalleryView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let here = format!("{base}/gallery");
    let link = {
        let (here, track, text, sort) =
            (here.clone(), v.track.clone(), v.q.clone(), v.sort.clone());
        move |page: usize| gallery_link(&here, &sort, page, &track, &text)
    };
    view! {
        <Title text=format!("Gallery · {}", v.event_name) />
        <h1>"Gallery · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        {match v.closed_until.clone() {
            Some(w) => view! { <p id="gallery-closed">{w}</p> }.into_any(),
            None => view! {
                <p class="meta" id="likes-note">{v.likes_note.clone()}" "<a href=format!("{base}/results")>"Results"</a></p>
                <form method="get" action=here.clone() class="filters">
                    <div class="field">
                        <label for="g-track">"Track"</label>
                        <select id="g-track" name="track">
                            <option value="">"All tracks"</option>
                            {v.tracks.iter().map(|(slug, name)| {
                                let selected = v.track == *slug;
                                view! { <option value=slug.clone() selected=selected>{name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="g-q">"Search"</label>
                        <input id="g-q" name="q" type="search" value=v.q.clone() />
                    </div>
                    <div class="field">
                        <label for="g-sort">"Order"</label>
                        <select id="g-sort" name="sort">
                            <option value="random" selected=v.sort == "random">"Random (yours)"</option>
                            <option value="likes" selected=v.sort == "likes">"Most liked"</option>
                            <option value="newest" selected=v.sort == "newest">"Newest"</option>
                        </select>
                    </div>
                    <button type="submit" class="button secondary">"Show"</button>
                </form>
                <p class="meta">{format!("{} project{} · page {} of {}", v.total, if v.total == 1 { "" } else { "s" }, v.page, v.pages)}</p>
                <ul class="cards" id="gallery">
                    {v.cards.clone().into_iter().map(|c| {
                        let url = format!("{base}/projects/{}", c.id);
                        view! {
                            <li class="card" id=format!("card-{}", c.id)>
                                {c.cover_url.clone().map(|u| view! { <img class="cover" src=u alt="" loading="lazy" /> })}
                                <h2><a href=url>{c.title.clone()}</a></h2>
                                <p>{c.tagline.clone()}</p>
                                <p class="meta">{format!("{} · {}", c.team, c.tracks.join(", "))}" "<span class=format!("badge {}", c.eligibility)>{c.eligibility_label.clone()}</span></p>
                                <LikeButton b=c.like.clone() />
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <nav aria-label="Pages" class="pages">
                    {(v.page > 1).then(|| view! { <a href=link(v.page - 1) rel="prev">"Previous"</a> })}
                    " "
                    {(v.page < v.pages).then(|| view! { <a href=link(v.page + 1) rel="next">"Next"</a> })}
                </nav>
            }.into_any(),
        }}
    }
}

#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_results(slug, q(&["ok", "err", "sig"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <Results v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Results(v: ResultsView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let confirm = format!("{base}/results/wild-card");
    view! {
        <Title text=format!("Likes results · {}", v.event_name) />
        <h1>"Likes results · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        <p>{format!("Likes extraction: {}.", v.cutoff)}</p>
        {match v.sha256.clone() {
            Some(h) => view! {
                <p id="snapshot">"The counts are frozen. SHA-256 of the snapshot: "<code id="snapshot-hash">{h}</code></p>
                <details><summary>"The snapshot as hashed (canonical JSON)"</summary><pre id="snapshot-json">{v.canonical.clone().unwrap_or_default()}</pre></details>
            }.into_any(),
            None => view! { <p id="snapshot">"Live counts: they freeze at the likes extraction."</p> }.into_any(),
        }}
        <h2>"Wild card"</h2>
        <p class="meta">{v.rule.clone()}</p>
        {match (v.confirmed.clone(), v.proposed.clone()) {
            (Some((title, likes, by, at)), _) => view! {
                <p id="wild-card"><strong>{title}</strong>{format!(" · {likes} likes · confirmed by {by} on {at}")}</p>
            }.into_any(),
            (None, Some((id, title, likes))) => view! {
                <p id="wild-card">"Proposed: "<strong>{title}</strong>{format!(" · {likes} likes")}</p>
                {(v.organizer && v.frozen).then(|| view! {
                    <form method="post" action=confirm.clone()>
                        <input type="hidden" name="submission_id" value=id.to_string() />
                        <button type="submit" class="button">"Confirm the wild card"</button>
                    </form>
                })}
            }.into_any(),
            (None, None) => view! { <p id="wild-card">"No eligible project has likes yet."</p> }.into_any(),
        }}
        <div class="table-wrap">
            <table id="standings">
                <caption>{if v.frozen { "Frozen counts" } else { "Live counts" }}</caption>
                <thead><tr>
                    <th scope="col">"#"</th><th scope="col">"Project"</th><th scope="col">"Team"</th>
                    <th scope="col">"Likes"</th><th scope="col">"Eligible"</th>
                </tr></thead>
                <tbody>
                    {v.rows.clone().into_iter().map(|r| {
                        let likes = match r.frozen {
                            Some(f) if r.voided_after > 0 => format!("{} ({f} frozen − {} voided after review)", r.likes, r.voided_after),
                            _ => r.likes.to_string(),
                        };
                        view! {
                            <tr>
                                <td>{r.rank}</td>
                                <td><a href=format!("{base}/projects/{}", r.id)>{r.title}</a></td>
                                <td>{r.team}</td><td>{likes}</td>
                                <td>{if r.eligible { "yes" } else { "no" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn LikesReviewPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_likes_review(slug, q(&["ok", "err", "sig"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) if v.allowed => view! { <Review v /> }.into_any(),
                    Ok(Some(v)) => view! {
                        <Title text="Organizers only · Hackboard" />
                        <h1>"Organizers only"</h1>
                        <p>{if v.signed_in { "Only the event's organizers can review likes." } else { "Sign in as an organizer to review likes." }}</p>
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Review(v: LikesReviewView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let void = format!("{base}/likes/void");
    let table = |likes: Vec<ReviewLike>| {
        view! {
            <table>
                <thead><tr><th scope="col">"Like"</th><th scope="col">"Account"</th><th scope="col">"Project"</th><th scope="col">"When (your time)"</th><th scope="col">"State"</th></tr></thead>
                <tbody>
                    {likes.into_iter().map(|l| view! {
                        <tr><td>{l.id}</td><td>{l.who}</td><td>{l.project}</td><td>{l.when}</td><td>{l.state}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <Title text=format!("Likes review · {}", v.event_name) />
        <h1>"Likes review · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        <p>{format!("{} likes logged (with hashed network and browser). Groups worth a look:", v.total)}</p>
        {v.groups.clone().into_iter().enumerate().map(|(i, g)| {
            let ids = g.likes.iter().filter(|l| l.state == "counted").map(|l| l.id.to_string()).collect::<Vec<_>>().join(",");
            let rid = format!("void-reason-{i}");
            view! {
                <section class="card" data-kind=g.kind.clone()>
                    <h2>{g.title.clone()}</h2>
                    <div class="table-wrap">{table(g.likes.clone())}</div>
                    <form method="post" action=void.clone() class="filters">
                        <input type="hidden" name="ids" value=ids />
                        <div class="field">
                            <label for=rid.clone()>"Reason"</label>
                            <input id=rid name="reason" required maxlength="500" />
                        </div>
                        <button type="submit" class="button secondary">"Void these likes"</button>
                    </form>
                </section>
            }
        }).collect_view()}
        <h2>"Voided likes"</h2>
        <div class="table-wrap" id="voided">{table(v.voided.clone())}</div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_gallery_page_link_keeps_a_search_with_plus_hash_ampersand_percent_and_equals() {
        let url = super::gallery_link(
            "/events/x/gallery",
            "likes",
            2,
            "fine-tuning",
            "C++ #1 & 100% = ok",
        );
        let (path, query) = url.split_once('?').unwrap();
        assert_eq!(path, "/events/x/gallery");
        assert!(!query.contains('#'), "{query}");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let expected = [
            ("sort", "likes"),
            ("page", "2"),
            ("track", "fine-tuning"),
            ("q", "C++ #1 & 100% = ok"),
        ];
        assert_eq!(
            pairs,
            expected.map(|(k, v)| (k.to_owned(), v.to_owned())).to_vec()
        );
    }
}
