//! The team's submission page: the project form (save a draft or submit),
//! what to fix after a save that could not be applied, the deadline in the
//! team's time and the viewer's, and every saved version. Plain HTML forms.

pub mod server;

use crate::eligibility::Checklist;
use crate::likes::LikeButton;
use crate::ui::NotFound;
use crate::ui::format::textarea_text;
use crate::wire::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server::{get_project, get_submission};

#[component]
pub fn SubmissionPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| {
            let map = use_query_map().read_untracked();
            let query = ["ok", "err", "sig", "attempt"]
                .iter()
                .filter_map(|k| map.get(k).map(|v| ((*k).to_owned(), v)))
                .collect();
            get_submission(slug, query)
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <Submission v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The problems with one field, shown under it.
fn problems_of(v: &SubmissionPageView, field: &str) -> impl IntoView + use<> {
    let id = format!("{field}-problem");
    let text: Vec<String> = v
        .problems
        .iter()
        .filter(|p| p.field == field)
        .map(|p| p.message.clone())
        .collect();
    (!text.is_empty())
        .then(|| view! { <p class="field-error" id=id role="alert">{text.join(" ")}</p> })
}

#[component]
fn Submission(v: SubmissionPageView) -> impl IntoView {
    let action = format!("/events/{}/submission", v.slug);
    let event_link = format!("/events/{}", v.slug);
    let sign_in = format!("/sign-in?next={action}");
    let team_link = format!("/events/{}/team", v.slug);
    let closed = v.closed_because.is_some();
    let single = v.tracks_per_team <= 1;
    let status_words = match v.status.as_str() {
        "submitted" => format!("Submitted · version {}", v.version),
        "draft" => format!("Draft · version {} (not submitted yet)", v.version),
        _ => "Not started".to_owned(),
    };
    view! {
        <Title text=format!("Submission · {}", v.event_name) />
        <h1>"Submission · "<a href=event_link>{v.event_name.clone()}</a></h1>
        {v.notice.clone().map(|n| {
            let (class, role) = if n.ok { ("notice ok", "status") } else { ("notice", "alert") };
            view! { <p class=class role=role id="submission-notice">{n.text}</p> }
        })}
        {if !v.signed_in {
            view! { <p><a class="button" href=sign_in>"Sign in to submit your project"</a></p> }.into_any()
        } else if let Some(r) = v.refusal.clone() {
            view! { <p id="submission-refusal">{r}" "<a href=team_link>"Your team"</a></p> }.into_any()
        } else {
            view! {
                <p id="submission-status"><strong>{format!("Team {} · ", v.team)}</strong>{status_words}</p>
                <p>{format!("Deadline: {}.", v.deadline)}</p>
                {v.project_url.clone().map(|u| view! { <p><a href=u id="project-link">"Your project's page"</a></p> })}
                {v.hash.clone().filter(|_| v.status == "submitted").map(|h| view! { <p class="meta">"Content SHA-256: "<code>{h}</code></p> })}
                {v.closed_because.clone().map(|c| view! { <p class="notice" role="status" id="submission-closed">{c}</p> })}
                {v.checklist.clone().map(|c| {
                    let recheck = format!("/events/{}/submission/check", v.slug);
                    view! {
                        <section aria-labelledby="checklist-title">
                            <h2 id="checklist-title">"Eligibility checklist"</h2>
                            <p class="meta">"Checked automatically against GitHub and Hugging Face on every save, at the deadline and before judging."</p>
                            <Checklist c id="checklist".to_owned() />
                            <form method="post" action=recheck><button type="submit" class="button secondary">"Check again"</button></form>
                        </section>
                    }
                })}
                {v.conflict.clone().map(|c| view! {
                    <section class="notice" aria-label="Conflict" id="submission-conflict">
                        <p>{c}</p>
                        <div class="prose" inner_html=v.description_html.clone()></div>
                    </section>
                })}
                <form method="post" action=action.clone() class="stack" id="submission-form">
                    <input type="hidden" name="base_version" value=v.version.to_string() />
                    <fieldset disabled=closed>
                        <legend>"Your project"</legend>
                        <label for="title">"Title"</label>
                        <input id="title" name="title" maxlength="120" value=v.title.clone() />
                        {problems_of(&v, "title")}
                        <label for="tagline">"Tagline (one sentence)"</label>
                        <input id="tagline" name="tagline" maxlength="200" value=v.tagline.clone() />
                        {problems_of(&v, "tagline")}
                        <label for="description">"Description (markdown)"</label>
                        <textarea id="description" name="description" rows="8">{textarea_text(&v.description)}</textarea>
                        {problems_of(&v, "description")}
                        <fieldset>
                            <legend>{if single { "Track" } else { "Tracks" }}</legend>
                            {v.tracks.clone().into_iter().map(|(slug, name, chosen)| {
                                let id = format!("sub-track-{slug}");
                                view! {
                                    <div>
                                        <input type=if single { "radio" } else { "checkbox" } id=id.clone() name="track" value=slug checked=chosen />
                                        <label for=id>{name}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        {problems_of(&v, "tracks")}
                        <label for="github_url">"Public GitHub repository"</label>
                        <input id="github_url" name="github_url" inputmode="url" placeholder="https://github.com/owner/repository" value=v.github_url.clone() />
                        {problems_of(&v, "github_url")}
                        <label for="hf_urls">"Hugging Face models, datasets or Spaces (one per line)"</label>
                        <textarea id="hf_urls" name="hf_urls" rows="3" placeholder="https://huggingface.co/owner/model">{textarea_text(&v.hf_urls)}</textarea>
                        {problems_of(&v, "hf_urls")}
                        <label for="demo_video_url">"Demo video"</label>
                        <input id="demo_video_url" name="demo_video_url" inputmode="url" value=v.demo_video_url.clone() />
                        {problems_of(&v, "demo_video_url")}
                        <label for="live_demo_url">"Live demo"</label>
                        <input id="live_demo_url" name="live_demo_url" inputmode="url" value=v.live_demo_url.clone() />
                        {problems_of(&v, "live_demo_url")}
                        <label for="built_with">"Built with (comma-separated)"</label>
                        <input id="built_with" name="built_with" value=v.built_with.clone() />
                        {problems_of(&v, "built_with")}
                        <p>
                            <button type="submit" name="action" value="draft" class="button secondary">"Save draft"</button>
                            " "
                            <button type="submit" name="action" value="submit" class="button">"Submit"</button>
                        </p>
                    </fieldset>
                </form>
                {(v.version > 0).then(|| {
                    let upload = format!("/events/{}/submission/cover", v.slug);
                    view! {
                        <section aria-labelledby="cover-title">
                            <h2 id="cover-title">"Cover image"</h2>
                            {v.cover_url.clone().map(|u| view! { <img class="cover" src=u alt="Your project's cover image" id="cover-image" /> })}
                            <form method="post" action=upload enctype="multipart/form-data" class="stack" id="cover-form">
                                <fieldset disabled=closed>
                                    <label for="cover">"PNG, JPEG, GIF or WebP, at most 2 MB"</label>
                                    <input type="file" id="cover" name="cover" accept="image/png,image/jpeg,image/gif,image/webp" required />
                                    <p><button type="submit" class="button secondary">"Upload"</button></p>
                                </fieldset>
                            </form>
                        </section>
                    }
                })}
                {(!v.history.is_empty()).then(|| view! {
                    <section aria-labelledby="history-title">
                        <h2 id="history-title">"Versions"</h2>
                        <table id="history">
                            <thead><tr><th scope="col">"Version"</th><th scope="col">"Saved by"</th><th scope="col">"When (your time)"</th><th scope="col">"State"</th></tr></thead>
                            <tbody>
                                {v.history.clone().into_iter().map(|h| view! {
                                    <tr>
                                        <td>{h.version}</td><td>{h.who}</td><td>{h.when}</td>
                                        <td>{if h.accepted { h.status } else { format!("not applied (made from version {}; kept)", h.version) }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })}
            }.into_any()
        }}
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                params.read().get("id").and_then(|i| i.parse::<i64>().ok()),
            )
        },
        |(slug, id)| async move {
            match id {
                Some(id) => get_project(slug, id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(p)) => view! { <Project p /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Project(p: ProjectView) -> impl IntoView {
    let event_link = format!("/events/{}", p.slug);
    let link = |url: String, label: String| {
        (!url.is_empty()).then(|| view! { <li><a href=url.clone() rel="noopener noreferrer nofollow">{label}</a></li> })
    };
    view! {
        <Title text=format!("{} · {}", p.title, p.event_name) />
        {p.preview.clone().map(|w| view! { <p class="notice" role="status" id="project-preview">{w}</p> })}
        <article>
            {p.cover_url.clone().map(|u| view! { <img class="cover" src=u alt=format!("Cover image of {}", p.title) /> })}
            <h1 id="project-title">{p.title.clone()}</h1>
            <p class="lead">{p.tagline.clone()}</p>
            <p class="meta">
                {format!("Team {} ({}) · ", p.team, p.members.join(", "))}
                {p.tracks.join(", ")}
                " · "<a href=event_link>{p.event_name.clone()}</a>
            </p>
            <LikeButton b=p.like.clone() />
            <div class="prose" inner_html=p.description_html.clone()></div>
            <h2>"Links"</h2>
            <ul id="project-links">
                {link(p.github_url.clone(), "Code on GitHub".to_owned())}
                {p.hf_urls.clone().into_iter().map(|u| {
                    let label = format!("Hugging Face: {}", u.trim_start_matches("https://huggingface.co/"));
                    view! { <li><a href=u rel="noopener noreferrer nofollow">{label}</a></li> }
                }).collect_view()}
                {link(p.demo_video_url.clone(), "Demo video".to_owned())}
                {link(p.live_demo_url.clone(), "Live demo".to_owned())}
            </ul>
            {(!p.built_with.is_empty()).then(|| view! { <p class="meta">{format!("Built with {}", p.built_with.join(", "))}</p> })}
        </article>
    }
}
