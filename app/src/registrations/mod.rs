//! Registering for an event, and the organizers' registration list. Plain
//! HTML forms, so they work without JavaScript.

pub mod server;

use crate::ui::NotFound;
use crate::wire::{QuestionView, RegistrationPageView, RegistrationsView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use server::{get_registration, get_registrations};

fn outcome_message(
    query: &leptos_router::params::ParamsMap,
    page: &RegistrationPageView,
) -> Option<(&'static str, String)> {
    if let Some(done) = query.get("done") {
        let text = match done.as_str() {
            "registered" => "You are registered. A confirmation is on its way by email.".to_owned(),
            "waitlisted" => format!(
                "The event is full, so you are on the waitlist (number {}). We will email you when a place is yours.",
                query.get("position").unwrap_or_default()
            ),
            "already" => "You had already registered; nothing changed.".to_owned(),
            "withdrawn" => "You have withdrawn your registration.".to_owned(),
            _ => return None,
        };
        return Some(("status", text));
    }
    let error = query.get("error")?;
    let text = match error.as_str() {
        "closed" => query
            .get("reason")
            .unwrap_or_else(|| "Registration is closed.".to_owned()),
        "rules" => "Please accept the rules and the code of conduct to register.".to_owned(),
        "display_name" => "Your display name needs 1 to 80 characters.".to_owned(),
        "time_zone" => "Choose a time zone such as Europe/Paris.".to_owned(),
        "answers" => {
            let ids = query.get("questions").unwrap_or_default();
            let labels: Vec<String> = ids
                .split(',')
                .filter_map(|id| page.questions.iter().find(|q| q.id == id))
                .map(|q| format!("“{}”", q.label))
                .collect();
            format!("Please answer: {}.", labels.join(", "))
        }
        "rejected" => "The organizers have declined your registration.".to_owned(),
        "invite" => {
            "This event is by invitation, and that invite link is unknown, expired or used up."
                .to_owned()
        }
        "not_registered" => "You are not registered for this event.".to_owned(),
        _ => "Something went wrong. Please try again.".to_owned(),
    };
    Some(("alert", text))
}

#[component]
fn QuestionField(q: QuestionView) -> impl IntoView {
    let name = format!("q_{}", q.id);
    let id = format!("q-{}", q.id);
    let label = if q.required {
        format!("{} (required)", q.label)
    } else {
        q.label.clone()
    };
    match q.kind.as_str() {
        "long_text" => view! {
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="4" maxlength="4000" required=q.required></textarea>
        }
        .into_any(),
        "single_choice" | "multiple_choice" => {
            let multiple = q.kind == "multiple_choice";
            view! {
                <fieldset>
                    <legend>{label}</legend>
                    {q.choices.into_iter().enumerate().map(|(i, c)| {
                        let cid = format!("{id}-{i}");
                        view! {
                            <div>
                                <input type=if multiple { "checkbox" } else { "radio" } id=cid.clone() name=name.clone() value=c.clone() />
                                <label for=cid>{c}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }.into_any()
        }
        "checkbox" => view! {
            <div>
                <input type="checkbox" id=id.clone() name=name value="yes" required=q.required />
                <label for=id>{label}</label>
            </div>
        }
        .into_any(),
        _ => view! {
            <label for=id.clone()>{label}</label>
            <input id=id name=name maxlength="200" required=q.required />
        }
        .into_any(),
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_registration,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(p)) => {
                        let message = outcome_message(&query.read_untracked(), &p);
                        let invite = query.read_untracked().get("invite").unwrap_or_default();
                        let action = format!("/events/{}/register", p.slug);
                        let withdraw = format!("/events/{}/withdraw", p.slug);
                        let back = format!("/events/{}", p.slug);
                        let sign_in = format!("/sign-in?next=/events/{}/register", p.slug);
                        let organize = format!("/events/{}/registrations", p.slug);
                        let active = matches!(p.status.as_deref(), Some("registered") | Some("waitlisted"));
                        view! {
                            <Title text=format!("Register · {}", p.event_name) />
                            <h1>"Register for "<a href=back>{p.event_name.clone()}</a></h1>
                            {message.map(|(role, text)| view! { <p class="notice" role=role id="registration-message">{text}</p> })}
                            {p.places.clone().map(|s| view! { <p class="meta">{s}</p> })}
                            {p.may_organize.then(|| view! { <p><a href=organize>"Registrations (organizers)"</a></p> })}
                            {p.status.clone().map(|s| view! { <p class="phase" id="registration-status">{format!("Your registration: {s}")}</p> })}
                            {p.hf_org.clone().map(|h| view! { <HfOrgPanel h /> })}
                            {if !p.signed_in {
                                view! { <p><a class="button" href=sign_in>"Sign in to register"</a></p> }.into_any()
                            } else if active {
                                view! {
                                    <form method="post" action=withdraw>
                                        <button type="submit" class="button secondary">"Withdraw my registration"</button>
                                    </form>
                                }.into_any()
                            } else if let Some(reason) = p.closed.clone() {
                                view! { <p class="notice" role="status">{reason}</p> }.into_any()
                            } else {
                                view! {
                                    <form method="post" action=action class="stack narrow" id="registration-form">
                                        <input type="hidden" name="invite" value=invite />
                                        {p.invite_only.then(|| view! { <p class="hint">"This event is by invitation: use the invite link you received."</p> })}
                                        <h2>"About you"</h2>
                                        <label for="display_name">"Display name"</label>
                                        <input id="display_name" name="display_name" required maxlength="80" value=p.display_name.clone() />
                                        <label for="time_zone">"Your time zone (IANA, e.g. Europe/Paris)"</label>
                                        <input id="time_zone" name="time_zone" required value=p.time_zone.clone() />
                                        <label for="country">"Country"</label>
                                        <input id="country" name="country" maxlength="80" value=p.country.clone() />
                                        {(!p.questions.is_empty()).then(|| view! { <h2>"Questions from the organizers"</h2> })}
                                        {p.questions.clone().into_iter().map(|q| view! { <QuestionField q /> }).collect_view()}
                                        <div>
                                            <input type="checkbox" id="looking_for_team" name="looking_for_team" />
                                            <label for="looking_for_team">"I am looking for a team"</label>
                                        </div>
                                        <h2>"Rules"</h2>
                                        <div class="prose" inner_html=p.rules_html.clone()></div>
                                        <div>
                                            <input type="checkbox" id="accept_rules" name="accept_rules" required />
                                            <label for="accept_rules">"I accept the rules and the code of conduct"</label>
                                        </div>
                                        <button type="submit" class="button">"Register"</button>
                                    </form>
                                }.into_any()
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
pub fn RegistrationsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("slug").unwrap_or_default(),
                q.get("status"),
                q.get("hf"),
                q.get("looking"),
            )
        },
        |(slug, status, hf, looking)| get_registrations(slug, status, hf, looking),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(v)) if v.allowed => view! { <RegistrationList v /> }.into_any(),
                    Ok(Some(v)) => {
                        let sign_in = format!("/sign-in?next=/events/{}/registrations", v.slug);
                        view! {
                            <Title text="Organizers only · Hackboard" />
                            <h1>"Organizers only"</h1>
                            {if v.signed_in {
                                view! { <p>"Only the organizers of "{v.event_name}" can see its registrations."</p> }.into_any()
                            } else {
                                view! { <p><a href=sign_in>"Sign in"</a>" as an organizer to see the registrations."</p> }.into_any()
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

/// What an organizer's last action did, from the redirect's query.
fn organizer_message(
    query: &leptos_router::params::ParamsMap,
) -> Option<(&'static str, &'static str)> {
    if let Some(done) = query.get("done") {
        let text = match done.as_str() {
            "registered" => "Registered: they have been emailed.",
            "rejected" => "Registration declined.",
            "invite_created" => "Invite link created. Copy it now: it is shown only once.",
            "invite_revoked" => "That invite link no longer works.",
            "role_granted" => "Role granted.",
            "role_revoked" => "Role removed.",
            _ => return None,
        };
        return Some(("status", text));
    }
    let text = match query.get("error")?.as_str() {
        "full" => "The event is full: nobody was moved.",
        "unknown_person" => "That person has no registration here.",
        "invite_numbers" => {
            "An invite link can be used 1 to 100 000 times and last 1 to 365 days (leave it empty for no expiry)."
        }
        "invite_unknown" => "That invite link is unknown or has already ended.",
        "role_unknown" => "Choose organizer or judge.",
        "role_email" => "That is not an email address.",
        "role_no_account" => {
            "Nobody has signed in with that address yet: ask them to sign in once, then try again."
        }
        "role_ambiguous" => "Several accounts use that address: use the API with their account id.",
        "role_not_held" => "They did not have that role.",
        "last_organizer" => {
            "An event keeps at least one organizer: make someone else organizer first."
        }
        _ => "Something went wrong. Please try again.",
    };
    Some(("alert", text))
}

#[component]
fn RegistrationList(v: RegistrationsView) -> impl IntoView {
    let query = use_query_map();
    let message = organizer_message(&query.read_untracked());
    let csv = if v.filter_query.is_empty() {
        format!("/events/{}/registrations.csv", v.slug)
    } else {
        format!("/events/{}/registrations.csv?{}", v.slug, v.filter_query)
    };
    let action = format!("/events/{}/registrations/status", v.slug);
    let filter_action = format!("/events/{}/registrations", v.slug);
    let snapshot_taken = v.hf_org.as_ref().is_some_and(|h| h.snapshot_taken);
    view! {
        <Title text=format!("Registrations · {}", v.event_name) />
        <h1>"Registrations · "{v.event_name.clone()}</h1>
        {message.map(|(role, text)| view! { <p class="notice" role=role id="organizer-message">{text}</p> })}
        {v.places.clone().map(|p| view! { <p class="meta">{p}</p> })}
        <form method="get" action=filter_action class="filters">
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">
                    <option value="">"Any"</option>
                    <option value="registered">"Registered"</option>
                    <option value="waitlisted">"Waitlisted"</option>
                    <option value="rejected">"Rejected"</option>
                    <option value="withdrawn">"Withdrawn"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-hf">"Joined the HF org"</label>
                <select id="f-hf" name="hf">
                    <option value="">"Any"</option>
                    <option value="yes">"Yes"</option>
                    <option value="no">"No"</option>
                </select>
            </div>
            <div class="field">
                <label for="f-looking">"Looking for a team"</label>
                <select id="f-looking" name="looking">
                    <option value="">"Any"</option>
                    <option value="yes">"Yes"</option>
                    <option value="no">"No"</option>
                </select>
            </div>
            <button type="submit" class="button secondary">"Filter"</button>
        </form>
        {v.hf_org.clone().map(|h| view! {
            <section class="card" id="hf-org-summary" aria-labelledby="hf-org-summary-title">
                <h2 id="hf-org-summary-title">"Hugging Face org "<a href=h.url>{h.org}</a></h2>
                <p>{h.members}</p>
                {h.last_error.map(|e| view! { <p class="notice" role="status">{format!("Last refresh failed: {e}")}</p> })}
                <p id="hf-snapshot">{format!("Deadline snapshot: {}", h.snapshot)}</p>
            </section>
        })}
        <p><a href=csv>"Export as CSV"</a>" · "<a href=format!("/events/{}/teams", v.slug)>"Teams"</a></p>
        <div class="table-wrap">
            <table>
                <caption>{format!("{} people", v.rows.len())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"HF org"</th>
                        {snapshot_taken.then(|| view! { <th scope="col">"At deadline"</th> })}
                        <th scope="col">"Looking"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Registered"</th>
                        <th scope="col">"Action"</th>
                    </tr>
                </thead>
                <tbody>
                    {v.rows.into_iter().map(|r| {
                        let action = action.clone();
                        let promote_label = format!("Register {}", r.name);
                        let reject_label = format!("Reject {}", r.name);
                        let can_promote = r.status == "waitlisted" || r.status == "rejected";
                        let can_reject = r.status == "registered" || r.status == "waitlisted";
                        view! {
                            <tr>
                                <td>{r.position}</td>
                                <td>{r.name.clone()}</td>
                                <td>{r.email.unwrap_or_default()}</td>
                                <td>{if r.in_hf_org { "yes".to_owned() } else { r.hf_handle.map(|h| format!("no ({h})")).unwrap_or_else(|| "no".to_owned()) }}</td>
                                {r.in_hf_snapshot.map(|yes| view! { <td>{if yes { "yes" } else { "no" }}</td> })}
                                <td>{if r.looking_for_team { "yes" } else { "no" }}</td>
                                <td>{r.status.clone()}</td>
                                <td>{r.registered_at}</td>
                                <td>
                                    {can_promote.then(|| view! {
                                        <form method="post" action=action.clone() class="inline">
                                            <input type="hidden" name="user_id" value=r.user_id.to_string() />
                                            <input type="hidden" name="to" value="registered" />
                                            <button type="submit" class="link-button" aria-label=promote_label>"Register"</button>
                                        </form>
                                    })}
                                    " "
                                    {can_reject.then(|| view! {
                                        <form method="post" action=action.clone() class="inline">
                                            <input type="hidden" name="user_id" value=r.user_id.to_string() />
                                            <input type="hidden" name="to" value="rejected" />
                                            <button type="submit" class="link-button" aria-label=reject_label>"Reject"</button>
                                        </form>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <InviteLinks slug=v.slug.clone() invite_only=v.invite_only invites=v.invites new_invite=v.new_invite />
        <Staff slug=v.slug staff=v.staff viewer_id=v.viewer_id />
    }
}

#[component]
fn InviteLinks(
    slug: String,
    invite_only: bool,
    invites: Vec<crate::wire::InviteRow>,
    new_invite: Option<String>,
) -> impl IntoView {
    let create = format!("/events/{slug}/invites");
    let revoke = format!("/events/{slug}/invites/revoke");
    view! {
        <section id="invites" aria-labelledby="invites-title">
            <h2 id="invites-title">"Invite links"</h2>
            <p class="hint">{if invite_only {
                "This event is by invitation: people register only through an invite link."
            } else {
                "Registration is open to anyone; invite links are only needed if you make the event invite-only."
            }}</p>
            {new_invite.map(|url| view! {
                <p class="notice ok field" role="status">
                    <label for="new-invite">"New invite link (shown once)"</label>
                    <input id="new-invite" readonly value=url />
                </p>
            })}
            <form method="post" action=create class="filters">
                <div class="field">
                    <label for="max_uses">"Uses"</label>
                    <input id="max_uses" name="max_uses" type="number" min="1" max="100000" value="1" />
                </div>
                <div class="field">
                    <label for="valid_days">"Valid for (days, empty: no expiry)"</label>
                    <input id="valid_days" name="valid_days" type="number" min="1" max="365" />
                </div>
                <button type="submit" class="button secondary">"Create an invite link"</button>
            </form>
            {(!invites.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table>
                        <caption>"Invite links, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Uses"</th>
                            <th scope="col">"Validity"</th>
                            <th scope="col">"Action"</th>
                        </tr></thead>
                        <tbody>
                            {invites.into_iter().map(|i| {
                                let revoke = revoke.clone();
                                let label = format!("End the invite link created {}", i.created);
                                view! {
                                    <tr>
                                        <td>{i.created}</td>
                                        <td>{i.uses}</td>
                                        <td>{i.validity}</td>
                                        <td>{i.active.then(|| view! {
                                            <form method="post" action=revoke class="inline">
                                                <input type="hidden" name="id" value=i.id.to_string() />
                                                <button type="submit" class="link-button" aria-label=label>"End it"</button>
                                            </form>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn Staff(slug: String, staff: Vec<crate::wire::StaffRow>, viewer_id: i64) -> impl IntoView {
    let grant = format!("/events/{slug}/roles");
    let revoke = format!("/events/{slug}/roles/revoke");
    view! {
        <section id="staff" aria-labelledby="staff-title">
            <h2 id="staff-title">"Organizers and judges"</h2>
            <ul>
                {staff.into_iter().map(|s| {
                    let revoke = revoke.clone();
                    let label = format!("Remove {} as {}", s.name, s.role);
                    let who = if s.user_id == viewer_id { format!("{} (you)", s.name) } else { s.name.clone() };
                    view! {
                        <li>
                            {format!("{who} · {}", s.role)}" "
                            <form method="post" action=revoke class="inline">
                                <input type="hidden" name="user_id" value=s.user_id.to_string() />
                                <input type="hidden" name="role" value=s.role.clone() />
                                <button type="submit" class="link-button" aria-label=label>"Remove"</button>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form method="post" action=grant class="filters">
                <div class="field">
                    <label for="staff-email">"Email of their account"</label>
                    <input id="staff-email" name="email" type="email" required />
                </div>
                <div class="field">
                    <label for="staff-role">"Role"</label>
                    <select id="staff-role" name="role">
                        <option value="judge">"Judge"</option>
                        <option value="organizer">"Organizer"</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">"Grant"</button>
            </form>
        </section>
    }
}

#[component]
fn HfOrgPanel(h: crate::wire::HfOrgNotice) -> impl IntoView {
    let class = match h.joined {
        Some(true) => "notice ok",
        _ => "notice",
    };
    view! {
        <section class="card" id="hf-org" aria-labelledby="hf-org-title">
            <h2 id="hf-org-title">"Hugging Face organization"</h2>
            <p class=class id="hf-org-status">{h.text}</p>
            <p>
                <a href=h.join_url>{format!("Open {} on Hugging Face to join", h.org)}</a>
                {h.link_account.map(|href| view! { " · " <a href=href>"Link my Hugging Face account"</a> })}
            </p>
        </section>
    }
}
