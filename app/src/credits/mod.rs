//! The credits page: each sponsor offer with the viewer's code, a claim
//! button or what stands in the way; for organizers, stock, who is waiting,
//! import, distribution, revocation, reassignment and the CSV export.
//! Plain HTML forms.

pub mod server;

use crate::ui::NotFound;
use crate::wire::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server::get_credits;

#[component]
pub fn CreditsPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| {
            let map = use_query_map().read_untracked();
            let query = ["ok", "err", "sig"]
                .iter()
                .filter_map(|k| map.get(k).map(|v| ((*k).to_owned(), v)))
                .collect();
            get_credits(slug, query)
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <Credits v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Credits(v: CreditsView) -> impl IntoView {
    let base = format!("/events/{}/credits", v.slug);
    let event_link = format!("/events/{}", v.slug);
    let sign_in = format!("/sign-in?next={base}");
    view! {
        <Title text=format!("Credits · {}", v.event_name) />
        <h1>"Credits · "<a href=event_link>{v.event_name.clone()}</a></h1>
        {v.notice.clone().map(|n| {
            let (class, role) = if n.ok { ("notice ok", "status") } else { ("notice", "alert") };
            view! { <p class=class role=role id="credits-notice">{n.text}</p> }
        })}
        {(!v.signed_in).then(|| view! { <p><a class="button" href=sign_in>"Sign in to receive credits"</a></p> })}
        <ul class="cards" id="offers">
            {v.offers.clone().into_iter().map(|o| {
                let id = format!("offer-{}", o.slug);
                let claim = format!("{base}/{}/claim", o.slug);
                view! {
                    <li class="card" id=id>
                        <h2>{format!("{} · {}", o.sponsor, o.value)}</h2>
                        <p class="meta">{if o.per == "team" { "One per team" } else { "One per person" }}</p>
                        <div class="prose" inner_html=o.redeem_html.clone()></div>
                        {o.code.clone().map(|c| view! {
                            <p>
                                <span class="meta">{o.status.clone()}" "</span>
                                <code class="coupon">{c}</code>
                                {o.code_value.clone().map(|val| view! { <span class="meta">{format!(" ({val})")}</span> })}
                            </p>
                        })}
                        {o.code.is_none().then(|| view! { <p class="status">{o.status.clone()}</p> })}
                        {o.can_claim.then(|| view! {
                            <form method="post" action=claim>
                                <button type="submit" class="button">"Claim my code"</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {v.organizer.then(|| view! { <Manage v=v.clone() /> })}
    }
}

#[component]
fn Manage(v: CreditsView) -> impl IntoView {
    let base = format!("/events/{}/credits", v.slug);
    view! {
        <section aria-labelledby="manage-title">
            <h2 id="manage-title">"Manage credits (organizers)"</h2>
            <div class="table-wrap">
                <table id="stock">
                    <thead><tr>
                        <th scope="col">"Offer"</th><th scope="col">"Given by"</th><th scope="col">"Imported"</th>
                        <th scope="col">"Assigned"</th><th scope="col">"Revoked"</th><th scope="col">"Left"</th><th scope="col">"Eligible, no code"</th>
                    </tr></thead>
                    <tbody>
                        {v.stock.clone().into_iter().map(|s| view! {
                            <tr>
                                <td>{s.label.clone()}</td><td>{s.delivery.clone()}</td><td>{s.imported}</td>
                                <td>{s.assigned}</td><td>{s.revoked}</td><td>{s.left}</td><td>{s.waiting.len()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <details>
                <summary>"Add an offer, or change one (same slug)"</summary>
                <form method="post" action=format!("{base}/offers") class="stack narrow" id="offer-form">
                    <label for="offer-slug">"Slug (letters, digits, dashes)"</label>
                    <input id="offer-slug" name="slug" required maxlength="60" />
                    <label for="offer-sponsor">"Sponsor"</label>
                    <input id="offer-sponsor" name="sponsor" required maxlength="200" />
                    <label for="offer-value">"What it is worth"</label>
                    <input id="offer-value" name="value" required maxlength="200" placeholder="$15 of API credits" />
                    <label for="offer-per">"One per"</label>
                    <select id="offer-per" name="per">
                        <option value="person">"person"</option>
                        <option value="team">"team"</option>
                    </select>
                    <label for="offer-redeem">"How to redeem it (markdown)"</label>
                    <textarea id="offer-redeem" name="redeem" rows="3"></textarea>
                    <label for="offer-eligible">"Who is eligible: registered, hf_org, in_team or track:<slug>"</label>
                    <input id="offer-eligible" name="eligible" value="registered" />
                    <label for="offer-delivery">"How codes reach people"</label>
                    <select id="offer-delivery" name="delivery">
                        <option value="claim">"participants claim them"</option>
                        <option value="organizer">"organizers send them"</option>
                        <option value="direct">"no codes: the sponsor grants it"</option>
                    </select>
                    <label for="offer-opens">"Available from milestone (optional, e.g. hacking_starts)"</label>
                    <input id="offer-opens" name="opens" />
                    <label for="offer-closes">"Until milestone (optional, e.g. finals)"</label>
                    <input id="offer-closes" name="closes" />
                    <button type="submit" class="button secondary">"Save the offer"</button>
                </form>
            </details>
            {v.stock.clone().into_iter().filter(|s| s.delivery == "direct").map(|s| view! {
                <p>{format!("{}: granted directly by the sponsor to: {}", s.label, if s.waiting.is_empty() { "nobody yet".to_owned() } else { s.waiting.join(", ") })}</p>
            }).collect_view()}
            {v.stock.clone().into_iter().filter(|s| s.delivery != "direct").map(|s| {
                let import_id = format!("import-{}", s.slug);
                let reassign_id = format!("reassign-{}", s.slug);
                let csv = format!("{base}/{}/assignments.csv", s.slug);
                view! {
                    <section aria-label=format!("Codes for {}", s.label) class="card">
                        <h3>{s.label.clone()}</h3>
                        {(!s.waiting.is_empty()).then(|| view! {
                            <p>{format!("Eligible without a code: {}", s.waiting.join(", "))}</p>
                        })}
                        <form method="post" action=format!("{base}/{}/import", s.slug) class="stack narrow">
                            <label for=import_id.clone()>"Import codes: paste CSV (code, optional value and expires_at; header optional)"</label>
                            <textarea id=import_id name="csv" rows="4" required></textarea>
                            <button type="submit" class="button secondary">"Import"</button>
                        </form>
                        <form method="post" action=format!("{base}/{}/distribute", s.slug) class="inline">
                            <button type="submit" class="button secondary">"Send a code to everyone eligible who has none"</button>
                        </form>
                        " "<a href=csv>"Export assignments (CSV)"</a>
                        <form method="post" action=format!("{base}/{}/reassign", s.slug) class="filters">
                            <div class="field">
                                <label for=reassign_id.clone()>"Give code #"</label>
                                <input id=reassign_id name="code_id" inputmode="numeric" required size="6" />
                            </div>
                            <div class="field">
                                <label for=format!("{}-to", s.slug)>"to (email or #id)"</label>
                                <input id=format!("{}-to", s.slug) name="to" required />
                            </div>
                            <div class="field">
                                <label for=format!("{}-why", s.slug)>"because"</label>
                                <input id=format!("{}-why", s.slug) name="reason" required />
                            </div>
                            <button type="submit" class="button secondary">"Reassign"</button>
                        </form>
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th scope="col">"#"</th><th scope="col">"Code"</th><th scope="col">"Holder"</th><th scope="col">"State"</th><th scope="col">"Revoke"</th></tr></thead>
                                <tbody>
                                    {s.codes.clone().into_iter().map(|c| {
                                        let reason_id = format!("revoke-{}", c.id);
                                        let live = c.state != "free" && !c.state.starts_with("revoked");
                                        view! {
                                            <tr>
                                                <td>{c.id}</td><td><code>{c.code.clone()}</code></td><td>{c.owner.clone()}</td><td>{c.state.clone()}</td>
                                                <td>{(c.state == "free" || live).then(|| view! {
                                                    <form method="post" action=format!("{base}/codes/{}/revoke", c.id) class="inline">
                                                        <label for=reason_id.clone() class="visually-hidden">{format!("Why revoke code #{}", c.id)}</label>
                                                        <input id=reason_id name="reason" required placeholder="why" size="12" />
                                                        <button type="submit" class="link-button">"Revoke"</button>
                                                    </form>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            }).collect_view()}
        </section>
    }
}
