//! Account pages: sign-in by email link, its confirmation, the profile
//! with personal API tokens, and the site header. Plain HTML forms (POST,
//! then a redirect back), so they work without JavaScript.

pub mod server;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use server::{get_profile, get_providers, get_viewer};

/// What an error code in `?error=` means, in words.
fn sign_in_error(code: &str) -> &'static str {
    match code {
        "invalid_email" => "That does not look like an email address. Check it and try again.",
        "rate_limited" => {
            "Too many sign-in links were asked for. Wait a few minutes, then ask again."
        }
        "link_invalid" => {
            "That sign-in link has expired or was already used. Ask for a new one below."
        }
        "oauth_state" => {
            "The sign-in could not be verified: the answer from the provider did not match this browser. Please try again."
        }
        "oauth_expired" => "That sign-in took too long or was already used. Please try again.",
        "oauth_denied" => {
            "You did not give Hackboard permission to use that account, so you are not signed in."
        }
        "oauth_exchange" | "oauth_profile" | "oauth_provider" => {
            "The provider did not complete the sign-in. Try again, or use an email link."
        }
        "oauth_unavailable" => "That sign-in method is not offered here. Use an email link.",
        "oauth_linked_elsewhere" => {
            "That account is already linked to another Hackboard account. Sign in with it instead."
        }
        _ => "Something went wrong. Please try again.",
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| get_viewer());
    // Signing in brings people back to the page they were on.
    let location = leptos_router::hooks::use_location();
    let sign_in = move || {
        let path = location.pathname.get_untracked();
        if path.starts_with("/sign-in") || path == "/" {
            "/sign-in".to_owned()
        } else {
            format!("/sign-in?next={path}")
        }
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Hackboard"</a>
            <nav aria-label="Account">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match viewer.await {
                            Ok(Some(v)) => view! {
                                <a href="/me">{v.display_name}</a>
                                <form method="post" action="/auth/sign-out" class="inline">
                                    <button type="submit" class="link-button">"Sign out"</button>
                                </form>
                            }.into_any(),
                            _ => view! { <a href=sign_in()>"Sign in"</a> }.into_any(),
                        }
                    })}
                </Suspense>
            </nav>
        </header>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || query.read().get("error");
    let providers = Resource::new(|| (), |_| get_providers());
    view! {
        <Title text="Sign in · Hackboard" />
        <section class="panel narrow">
            <h1>"Sign in"</h1>
            {move || error().map(|e| view! { <p class="error" role="alert">{sign_in_error(&e)}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = providers.await.unwrap_or_default();
                    let next = next();
                    view! {
                        <p class="actions">
                            {list.into_iter().map(|(id, label)| view! {
                                <a class="button secondary" href=format!("/auth/{id}/start?next={next}")>
                                    {format!("Sign in with {label}")}
                                </a>
                                " "
                            }).collect_view()}
                        </p>
                    }
                })}
            </Suspense>
            <form method="post" action="/auth/email" class="stack">
                <input type="hidden" name="next" value=next />
                <label for="email">"Email address"</label>
                <input id="email" name="email" type="email" required autocomplete="email" />
                <button type="submit" class="button">"Email me a sign-in link"</button>
            </form>
            <p class="hint">"The link works once, for 15 minutes. No password needed; a first sign-in creates your account."</p>
        </section>
    }
}

#[component]
pub fn SignInSentPage() -> impl IntoView {
    view! {
        <Title text="Check your email · Hackboard" />
        <section class="panel narrow">
            <h1>"Check your email"</h1>
            <p>"If that address can receive mail, a sign-in link is on its way. It works once, for 15 minutes."</p>
            <p><a href="/sign-in">"Use another address"</a></p>
        </section>
    }
}

#[component]
pub fn SignInConfirmPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text="Sign in · Hackboard" />
        <section class="panel narrow">
            <h1>"Sign in to Hackboard"</h1>
            <form method="post" action="/auth/email/confirm">
                <input type="hidden" name="token" value=token />
                <button type="submit" class="button" id="confirm-sign-in">"Continue"</button>
            </form>
        </section>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| get_profile());
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        if q.get("saved").is_some() {
            Some(("status", "Profile saved."))
        } else if q.get("revoked").is_some() {
            Some(("status", "Token revoked."))
        } else {
            q.get("error").map(|e| {
                (
                    "alert",
                    match e.as_str() {
                        "display_name" => "Your display name needs 1 to 80 characters.",
                        "time_zone" => "Choose a time zone such as Europe/Paris.",
                        "token_name" => "Give the token a name of 1 to 60 characters.",
                        _ => "Some fields are too long.",
                    },
                )
            })
        }
    };
    view! {
        <Title text="Your profile · Hackboard" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(Some(p)) => view! {
                        <h1>"Your profile"</h1>
                        {notice().map(|(role, text)| view! { <p class="notice" role=role>{text}</p> })}
                        <form method="post" action="/me/profile" class="stack narrow">
                            <label for="display_name">"Display name"</label>
                            <input id="display_name" name="display_name" required maxlength="80" value=p.display_name.clone() />
                            <label for="time_zone">"Time zone (IANA, e.g. Europe/Paris)"</label>
                            <input id="time_zone" name="time_zone" required value=p.time_zone.clone() />
                            <label for="country">"Country"</label>
                            <input id="country" name="country" maxlength="80" value=p.country.clone() />
                            <label for="skills">"Skills (comma-separated)"</label>
                            <input id="skills" name="skills" maxlength="500" value=p.skills.clone() />
                            <label for="bio">"Bio"</label>
                            <textarea id="bio" name="bio" maxlength="2000" rows="4">{crate::ui::format::textarea_text(&p.bio)}</textarea>
                            <button type="submit" class="button">"Save profile"</button>
                        </form>
                        <h2>"Sign-in methods"</h2>
                        <ul>
                            {p.identities.into_iter().map(|(provider, login)| view! {
                                <li>{provider}{login.map(|l| format!(" ({l})"))}</li>
                            }).collect_view()}
                        </ul>
                        <h2>"Personal API tokens"</h2>
                        <p class="hint">"Use a token as "<code>"Authorization: Bearer …"</code>" on "<a href="/api/v1/openapi.json">"/api/v1"</a>"."</p>
                        {p.new_token.map(|t| view! {
                            <p class="notice" role="status">"Your new token (copy it now, it will not be shown again): "<code id="new-token">{t}</code></p>
                        })}
                        <ul class="tokens">
                            {p.tokens.into_iter().map(|t| {
                                let label = format!("Revoke token {}", t.name);
                                view! {
                                    <li>
                                        <strong>{t.name.clone()}</strong>" · created "{t.created}
                                        {t.last_used.map(|u| format!(" · last used {u}"))}
                                        {if t.revoked {
                                            view! { " · revoked" }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action="/me/tokens/revoke" class="inline">
                                                    <input type="hidden" name="id" value=t.id.to_string() />
                                                    <button type="submit" class="link-button" aria-label=label>"Revoke"</button>
                                                </form>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form method="post" action="/me/tokens" class="stack narrow">
                            <label for="token-name">"New token name"</label>
                            <input id="token-name" name="name" required maxlength="60" />
                            <button type="submit" class="button">"Create token"</button>
                        </form>
                        <h2>"Sessions"</h2>
                        <form method="post" action="/auth/sign-out-everywhere">
                            <button type="submit" class="button secondary">"Sign out everywhere"</button>
                        </form>
                    }.into_any(),
                    Ok(None) => view! {
                        <section class="panel">
                            <h1>"Sign in to see your profile"</h1>
                            <p><a href="/sign-in?next=/me">"Sign in"</a></p>
                        </section>
                    }.into_any(),
                    Err(_) => view! { <p>"Something went wrong on our side. Please try again."</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
