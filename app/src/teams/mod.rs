//! Team pages: "My team", the team finder and the organizers' team list.
//! Plain HTML forms, so everything works without JavaScript.

pub mod islands;
pub mod server;

use crate::ui::{NotFound, NoticeLine, q};
use crate::wire::*;
use islands::TeamLive;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server::{get_finder, get_my_team, get_teams_admin};

#[component]
pub fn MyTeamPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_my_team(slug, q(&["ok", "err", "sig", "code"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <MyTeam v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MyTeam(v: MyTeamView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let act = move |a: &str| format!("{base}/team/{a}");
    let event_link = format!("/events/{}", v.slug);
    let finder = format!("/events/{}/finder", v.slug);
    let register = format!("/events/{}/register", v.slug);
    let sign_in = format!("/sign-in?next=/events/{}/team", v.slug);
    view! {
        <Title text=format!("My team · {}", v.event_name) />
        <h1>"My team · "<a href=event_link>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        {if !v.signed_in {
            view! { <p><a class="button" href=sign_in>"Sign in to form a team"</a></p> }.into_any()
        } else if !v.registered && v.team.is_none() {
            view! { <p>"Teams are for registered participants. "<a href=register>"Register for the event"</a>" first."</p> }.into_any()
        } else {
            view! {
                {v.locked.clone().map(|l| view! { <p class="notice" role="status" id="team-locked">{l}" Organizers can still move people if something must change."</p> })}
                <Requests items=v.mine.clone() act=act("") own=true />
                {match v.team.clone() {
                    Some(t) => view! { <TeamPanel t v=v.clone() /> }.into_any(),
                    None => view! { <NoTeam v=v.clone() finder=finder.clone() /> }.into_any(),
                }}
            }.into_any()
        }}
    }
}

#[component]
fn NoTeam(v: MyTeamView, finder: String) -> impl IntoView {
    let base = format!("/events/{}/team", v.slug);
    view! {
        <section aria-labelledby="join-title">
            <h2 id="join-title">"Join a team"</h2>
            <form method="post" action=format!("{base}/join") class="filters">
                <div class="field">
                    <label for="code">"Invite code"</label>
                    <input id="code" name="code" required maxlength="40" value=v.code.clone() autocomplete="off" />
                </div>
                <button type="submit" class="button">"Join"</button>
            </form>
            <p>"No team yet? "<a href=finder>"Find teammates"</a>" — or start one:"</p>
        </section>
        <section aria-labelledby="create-title">
            <h2 id="create-title">"Create a team"</h2>
            <p class="hint">{format!("Teams have up to {} members; on your own, you are a team of one.", v.max_members)}</p>
            <form method="post" action=format!("{base}/create") class="stack narrow" id="create-team">
                <label for="team-name">"Team name"</label>
                <input id="team-name" name="name" required maxlength="60" />
                <label for="team-description">"What you want to build (optional)"</label>
                <textarea id="team-description" name="description" rows="3" maxlength="1000"></textarea>
                <label for="team-zone">"The team's time zone (for local-time deadlines)"</label>
                <input id="team-zone" name="time_zone" required value=v.your_zone.clone() />
                <button type="submit" class="button">"Create the team"</button>
            </form>
        </section>
    }
}

#[component]
fn Requests(items: Vec<RequestView>, act: String, own: bool) -> impl IntoView {
    let act = act.trim_end_matches('/').to_owned();
    (!items.is_empty()).then(|| {
        let title = if own { "Your invitations and requests" } else { "Waiting for an answer" };
        view! {
            <section aria-label=title>
                <h2>{title}</h2>
                <ul class="requests">
                    {items.into_iter().map(|r| {
                        let text = match (own, r.kind.as_str()) {
                            (true, "invitation") => format!("Team {} invites you.", r.team_name),
                            (true, _) => format!("You asked to join team {}.", r.team_name),
                            (false, "invitation") => format!("{} was invited.", r.person),
                            (false, _) => format!("{} asks to join{}", r.person, if r.message.is_empty() { ".".to_owned() } else { format!(": “{}”", r.message) }),
                        };
                        let can_accept = (own && r.kind == "invitation") || (!own && r.kind == "request");
                        let decline_label = if own && r.kind == "request" { "Withdraw" } else if !own && r.kind == "invitation" { "Cancel" } else { "Decline" };
                        let id = r.id.to_string();
                        view! {
                            <li>
                                {text}" "
                                {can_accept.then(|| view! {
                                    <form method="post" action=format!("{act}/accept") class="inline">
                                        <input type="hidden" name="id" value=id.clone() />
                                        <button type="submit" class="link-button">"Accept"</button>
                                    </form>
                                })}
                                " "
                                <form method="post" action=format!("{act}/decline") class="inline">
                                    <input type="hidden" name="id" value=id.clone() />
                                    <button type="submit" class="link-button">{decline_label}</button>
                                </form>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn TeamPanel(t: TeamView, v: MyTeamView) -> impl IntoView {
    let base = format!("/events/{}/team", v.slug);
    let single = v.tracks_per_team <= 1;
    view! {
        <section aria-labelledby="team-title" id="team">
            <TeamLive slug=v.slug.clone() team=t.clone() />
            {(!t.full).then(|| view! {
                <p class="field">
                    <label for="invite-link">"Invite link (anyone with it can join)"</label>
                    <input id="invite-link" readonly value=t.invite_url.clone() />
                    <span class="meta">{format!("Code: {}", t.invite_code)}</span>
                </p>
                <form method="post" action=format!("{base}/code") class="inline">
                    <button type="submit" class="link-button">"Make a new link (the old one stops working)"</button>
                </form>
                <form method="post" action=format!("{base}/invite") class="filters">
                    <div class="field">
                        <label for="invite-who">"Invite by email or GitHub / Hugging Face handle"</label>
                        <input id="invite-who" name="who" required maxlength="200" />
                    </div>
                    <button type="submit" class="button secondary">"Invite"</button>
                </form>
            })}
        </section>
        <section aria-labelledby="tracks-title">
            <h2 id="tracks-title">{if single { "Track" } else { "Tracks" }}</h2>
            <form method="post" action=format!("{base}/tracks") class="stack" id="track-form">
                <fieldset>
                    <legend>{if single { "Choose your track".to_owned() } else { format!("Choose up to {} tracks", v.tracks_per_team) }}</legend>
                    {v.tracks.clone().into_iter().map(|tr| {
                        let id = format!("track-{}", tr.slug);
                        view! {
                            <div class="track-choice">
                                <input type=if single { "radio" } else { "checkbox" } id=id.clone() name="track" value=tr.slug.clone() checked=tr.chosen />
                                <label for=id>
                                    <strong>{tr.name.clone()}</strong>
                                    {tr.sponsor.clone().map(|s| view! { <span class="meta">{format!(" · sponsored by {s}")}</span> })}
                                </label>
                                <div class="prose" inner_html=tr.goal_html.clone()></div>
                                {(!tr.requirements.is_empty()).then(|| view! {
                                    <ul>{tr.requirements.iter().cloned().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                                })}
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">"Save the track"</button>
            </form>
        </section>
        <section aria-labelledby="deadlines-title">
            <h2 id="deadlines-title">"Your team's deadlines"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Milestone"</th><th scope="col">"Team time"</th><th scope="col">"Your time"</th></tr></thead>
                    <tbody>
                        {t.deadlines.clone().into_iter().map(|d| view! {
                            <tr class=if d.passed { "passed" } else { "" }>
                                <td>{d.title}</td><td>{d.team_time}</td><td>{d.your_time}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section aria-labelledby="details-title">
            <h2 id="details-title">"Team details"</h2>
            <form method="post" action=format!("{base}/update") class="stack narrow">
                <label for="details-description">"Description"</label>
                <textarea id="details-description" name="description" rows="3" maxlength="1000">{crate::ui::format::textarea_text(&t.description)}</textarea>
                <label for="details-zone">"Time zone"</label>
                <input id="details-zone" name="time_zone" required value=t.time_zone.clone() />
                <div>
                    <input type="checkbox" id="looking_for_members" name="looking_for_members" checked=t.looking_for_members />
                    <label for="looking_for_members">"List us in the team finder as looking for members"</label>
                </div>
                <label for="wanted_skills">"Skills we want"</label>
                <input id="wanted_skills" name="wanted_skills" maxlength="1000" value=t.wanted_skills.clone() />
                <button type="submit" class="button secondary">"Save"</button>
            </form>
            <form method="post" action=format!("{base}/leave")>
                <button type="submit" class="button secondary">"Leave the team"</button>
            </form>
        </section>
    }
}

#[component]
pub fn FinderPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| {
            get_finder(
                slug,
                q(&["ok", "err", "sig", "skill", "track", "tz_from", "tz_to"]),
            )
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) => view! { <Finder v /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Finder(v: FinderView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let sign_in = format!("/sign-in?next=/events/{}/finder", v.slug);
    let can_see = v.registered;
    view! {
        <Title text=format!("Team finder · {}", v.event_name) />
        <h1>"Team finder · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        {if !v.signed_in {
            view! { <p><a class="button" href=sign_in>"Sign in"</a>" to see who is looking for a team."</p> }.into_any()
        } else if !can_see && v.people.is_empty() && v.teams.is_empty() {
            view! { <p>"The finder is for registered participants. "<a href=format!("{base}/register")>"Register"</a>" first."</p> }.into_any()
        } else {
            view! {
                {(can_see && v.your_team.is_none()).then(|| view! {
                    <form method="post" action=format!("{base}/team/finder") class="stack narrow" id="finder-me">
                        <h2>"About you"</h2>
                        <div>
                            <input type="checkbox" id="looking" name="looking" checked=v.looking />
                            <label for="looking">"I am looking for a team"</label>
                        </div>
                        <label for="idea">"Your idea or interest"</label>
                        <input id="idea" name="idea" maxlength="1000" value=v.idea.clone() />
                        <label for="my-track">"Track you lean towards"</label>
                        <select id="my-track" name="track">
                            <option value="">"Any"</option>
                            {v.tracks.clone().into_iter().map(|(slug, name)| {
                                let selected = v.your_track.as_deref() == Some(slug.as_str());
                                view! { <option value=slug selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button secondary">"Save"</button>
                    </form>
                })}
                <form method="get" action=format!("{base}/finder") class="filters">
                    <div class="field">
                        <label for="f-skill">"Skill"</label>
                        <input id="f-skill" name="skill" value=v.skill.clone() />
                    </div>
                    <div class="field">
                        <label for="f-track">"Track"</label>
                        <select id="f-track" name="track">
                            <option value="">"Any"</option>
                            {v.tracks.clone().into_iter().map(|(slug, name)| {
                                let selected = v.track == slug;
                                view! { <option value=slug selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-from">"UTC offset from"</label>
                        <input id="f-from" name="tz_from" type="number" min="-12" max="14" value=v.tz_from.clone() />
                    </div>
                    <div class="field">
                        <label for="f-to">"to"</label>
                        <input id="f-to" name="tz_to" type="number" min="-12" max="14" value=v.tz_to.clone() />
                    </div>
                    <button type="submit" class="button secondary">"Filter"</button>
                </form>
                <h2>"Teams looking for members"</h2>
                {if v.teams.is_empty() { view! { <p class="meta">"None right now."</p> }.into_any() } else { view! {
                    <ul class="cards" id="finder-teams">
                        {v.teams.clone().into_iter().map(|t| {
                            let label = format!("Ask to join {}", t.name);
                            let can_ask = can_see && v.your_team.is_none();
                            view! {
                                <li class="card">
                                    <h3>{format!("{} · {}", t.name, t.size)}</h3>
                                    {(!t.description.is_empty()).then(|| view! { <p>{t.description.clone()}</p> })}
                                    {(!t.wanted_skills.is_empty()).then(|| view! { <p class="meta">{format!("Wants: {}", t.wanted_skills)}</p> })}
                                    <p class="meta">{format!("{}{}", t.time_zone, if t.tracks.is_empty() { String::new() } else { format!(" · {}", t.tracks.join(", ")) })}</p>
                                    {can_ask.then(|| view! {
                                        <form method="post" action=format!("{base}/team/ask") class="filters">
                                            <input type="hidden" name="team_id" value=t.id.to_string() />
                                            <div class="field">
                                                <label for=format!("msg-{}", t.id)>"Message"</label>
                                                <input id=format!("msg-{}", t.id) name="message" maxlength="1000" />
                                            </div>
                                            <button type="submit" class="button secondary" aria-label=label>"Ask to join"</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any() }}
                <h2>"People looking for a team"</h2>
                {if v.people.is_empty() { view! { <p class="meta">"Nobody matches right now."</p> }.into_any() } else { view! {
                    <ul class="cards" id="finder-people">
                        {v.people.clone().into_iter().map(|p| {
                            let label = format!("Invite {} to my team", p.name);
                            view! {
                                <li class="card">
                                    <h3>{p.name.clone()}</h3>
                                    {(!p.skills.is_empty()).then(|| view! { <p>{p.skills.clone()}</p> })}
                                    {(!p.idea.is_empty()).then(|| view! { <p class="meta">{format!("Idea: {}", p.idea)}</p> })}
                                    <p class="meta">{format!("{} ({}){}", p.time_zone, p.offset, p.track.clone().map(|t| format!(" · {t}")).unwrap_or_default())}</p>
                                    {v.your_team.is_some().then(|| view! {
                                        <form method="post" action=format!("{base}/team/invite") class="inline">
                                            <input type="hidden" name="who" value=format!("#{}", p.user_id) />
                                            <button type="submit" class="button secondary" aria-label=label>"Invite to my team"</button>
                                        </form>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any() }}
            }.into_any()
        }}
    }
}

#[component]
pub fn TeamsAdminPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| get_teams_admin(slug, q(&["ok", "err", "sig", "track", "size"])),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) if v.allowed => view! { <TeamsAdmin v /> }.into_any(),
                    Ok(Some(v)) => {
                        let sign_in = format!("/sign-in?next=/events/{}/teams", v.slug);
                        view! {
                            <Title text="Organizers only · Hackboard" />
                            <h1>"Organizers only"</h1>
                            {if v.signed_in {
                                view! { <p>"Only the organizers of "{v.event_name}" can see the team list."</p> }.into_any()
                            } else {
                                view! { <p><a href=sign_in>"Sign in"</a>" as an organizer to see the teams."</p> }.into_any()
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
fn TeamsAdmin(v: TeamsAdminView) -> impl IntoView {
    let base = format!("/events/{}", v.slug);
    let csv = format!("{base}/teams.csv");
    view! {
        <Title text=format!("Teams · {}", v.event_name) />
        <h1>"Teams · "<a href=base.clone()>{v.event_name.clone()}</a></h1>
        <NoticeLine notice=v.notice.clone() />
        <form method="get" action=format!("{base}/teams") class="filters">
            <div class="field">
                <label for="t-track">"Track"</label>
                <select id="t-track" name="track">
                    <option value="">"Any"</option>
                    <option value="none" selected=v.track == "none">"None chosen"</option>
                    {v.tracks.clone().into_iter().map(|(slug, name)| {
                        let selected = v.track == slug;
                        view! { <option value=slug selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="t-size">"Size"</label>
                <select id="t-size" name="size">
                    <option value="">"Any"</option>
                    <option value="open" selected=v.size == "open">"Has room"</option>
                    <option value="full" selected=v.size == "full">"Full"</option>
                    <option value="outside" selected=v.size == "outside">"Outside the limits"</option>
                </select>
            </div>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        <p><a href=csv>"Export as CSV"</a>{format!(" · {} registered participants in no team", v.unassigned.len())}</p>
        <div class="table-wrap">
            <table id="teams-table">
                <caption>{format!("{} teams", v.rows.len())}</caption>
                <thead><tr>
                    <th scope="col">"Team"</th><th scope="col">"Size"</th><th scope="col">"Captain"</th>
                    <th scope="col">"Members"</th><th scope="col">"Tracks"</th><th scope="col">"Time zone"</th>
                </tr></thead>
                <tbody>
                    {v.rows.clone().into_iter().map(|r| view! {
                        <tr>
                            <td>{r.name}</td>
                            <td>{if r.over_limit { format!("{} (over the limit)", r.size) } else { r.size }}</td>
                            <td>{r.captain}</td><td>{r.members}</td><td>{r.tracks}</td><td>{r.time_zone}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section aria-labelledby="move-title">
            <h2 id="move-title">"Move someone"</h2>
            <p class="hint">"Past the size limit and the lock if needed; the reason is kept in the audit log."</p>
            <form method="post" action=format!("{base}/teams/move") class="stack narrow">
                <label for="move-person">"Person"</label>
                <select id="move-person" name="user_id" required>
                    {v.unassigned.clone().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{format!("{name} (no team)")}</option> }).collect_view()}
                    {v.assigned.clone().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
                <label for="move-team">"Into"</label>
                <select id="move-team" name="team_id">
                    <option value="">"No team"</option>
                    {v.rows.clone().into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
                </select>
                <label for="move-reason">"Reason"</label>
                <input id="move-reason" name="reason" required maxlength="1000" />
                <button type="submit" class="button secondary">"Move"</button>
            </form>
        </section>
        <section aria-labelledby="audit-title">
            <h2 id="audit-title">"Audit log"</h2>
            {if v.audit.is_empty() { view! { <p class="meta">"Nothing yet."</p> }.into_any() } else { view! {
                <table id="audit-log">
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody>
                        {v.audit.clone().into_iter().map(|a| view! {
                            <tr><td>{a.when}</td><td>{a.who}</td><td>{a.what}</td><td>{a.why}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any() }}
        </section>
    }
}
