//! Eligibility: the checklist a team sees on its submission page, and the
//! organizers' report with filters, CSV export and decisions. Plain HTML
//! forms.

pub mod server;

use crate::ui::{NotFound, NoticeLine, q};
use crate::wire::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server::get_eligibility_report;

/// A checklist: one line per item with its state, what to do and what was
/// seen.
#[component]
pub fn Checklist(c: ChecklistView, #[prop(optional)] id: Option<String>) -> impl IntoView {
    view! {
        <div class="checklist" id=id>
            <p>
                <span class=format!("badge {}", c.status)>{c.status_label.clone()}</span>
                " "{c.checked.clone()}
                {c.stale.then_some(" A new check of your latest save is on its way.")}
            </p>
            <ul>
                {c.items.into_iter().map(|i| {
                    let seen = (!i.evidence.is_empty()).then(|| {
                        let text = i.evidence.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ");
                        view! { <br /><small class="meta">{format!("Seen: {text}")}</small> }
                    });
                    view! {
                        <li class=format!("check {}", i.status) data-key=i.key.clone()>
                            <span class=format!("badge {}", i.status)>{i.status_label}</span>
                            " "<strong>{i.label}</strong>" — "{i.message}
                            {seen}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
pub fn EligibilityPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_eligibility_report(slug, q(&["ok", "err", "sig", "status", "q"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) if v.allowed => view! { <Report v /> }.into_any(),
                    Ok(Some(v)) => {
                        let sign_in = format!("/sign-in?next=/events/{}/eligibility", v.slug);
                        view! {
                            <Title text="Organizers only · Hackboard" />
                            <h1>"Organizers only"</h1>
                            {if v.signed_in {
                                view! { <p>"Only the organizers of "{v.event_name}" can see the eligibility report."</p> }.into_any()
                            } else {
                                view! { <p><a href=sign_in>"Sign in"</a>" as an organizer to see the eligibility report."</p> }.into_any()
                            }}
                        }.into_any()
                    }
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(v: EligibilityReportView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let csv = format!("{base}/eligibility.csv");
    let slug = v.slug.clone();
    view! {
        <Title text=format!("Eligibility · {}", v.event_name) />
        <h1>"Eligibility · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        <p>
            {v.counts.iter().map(|(s, label, n)| view! {
                <span class=format!("badge {s}")>{format!("{label}: {n}")}</span>" "
            }).collect_view()}
        </p>
        <form method="get" action=format!("{base}/eligibility") class="filters">
            <div class="field">
                <label for="e-status">"State"</label>
                <select id="e-status" name="status">
                    <option value="">"Any"</option>
                    {v.counts.iter().map(|(s, label, _)| {
                        let selected = v.filter == *s;
                        view! { <option value=s.clone() selected=selected>{label.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="e-q">"Team or title"</label>
                <input id="e-q" name="q" value=v.query.clone() />
            </div>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        <p><a href=csv>"Export as CSV"</a>{format!(" · {} projects shown", v.rows.len())}</p>
        <div id="eligibility-rows">
            {v.rows.into_iter().map(|r| {
                let slug = slug.clone();
                let decide = format!("/events/{slug}/eligibility/{}/decision", r.submission_id);
                let recheck = format!("/events/{slug}/eligibility/{}/check", r.submission_id);
                let keys: Vec<(String, String)> = r.checklist.as_ref().map(|c| {
                    c.items.iter().filter(|i| i.key != "project").map(|i| (i.key.clone(), i.label.clone())).collect()
                }).unwrap_or_default();
                let fid = format!("decide-{}", r.submission_id);
                view! {
                    <section class="card" id=format!("project-{}", r.submission_id) aria-label=format!("{} — {}", r.team, r.title)>
                        <h2><a href=r.project_url.clone()>{if r.title.is_empty() { "(untitled)".to_owned() } else { r.title.clone() }}</a>{format!(" · {} · {}", r.team, r.submission_status)}</h2>
                        {match r.checklist.clone() {
                            Some(c) => view! { <Checklist c /> }.into_any(),
                            None => view! { <p><span class="badge unchecked">"Not checked yet"</span></p> }.into_any(),
                        }}
                        {(!r.overrides.is_empty()).then(|| view! {
                            <p class="meta">"Decisions: "{r.overrides.iter().map(|(k, s, reason, who)| format!("{k} → {s} by {who}: {reason}")).collect::<Vec<_>>().join(" · ")}</p>
                        })}
                        <form method="post" action=decide class="filters">
                            <div class="field">
                                <label for=format!("{fid}-key")>"Item"</label>
                                <select id=format!("{fid}-key") name="key">
                                    <option value="project">"The whole project"</option>
                                    {keys.into_iter().map(|(k, l)| view! { <option value=k>{l}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for=format!("{fid}-status")>"Decision"</label>
                                <select id=format!("{fid}-status") name="status">
                                    <option value="fail">"Ineligible / fails"</option>
                                    <option value="pass">"Passes"</option>
                                    <option value="review">"To review"</option>
                                    <option value="clear">"Withdraw the decision"</option>
                                </select>
                            </div>
                            <div class="field">
                                <label for=format!("{fid}-reason")>"Reason"</label>
                                <input id=format!("{fid}-reason") name="reason" required maxlength="500" />
                            </div>
                            <button type="submit" class="button secondary">"Record"</button>
                        </form>
                        <form method="post" action=recheck>
                            <button type="submit" class="button secondary">"Check again"</button>
                        </form>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}
