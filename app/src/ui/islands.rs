//! The shared islands (Leptos islands run in the browser): the live
//! countdown and times re-rendered in the viewer's own zone. Everything else
//! on these pages is server-rendered HTML, which keeps the WebAssembly bundle
//! small and the pages usable with JavaScript off.

use super::format;
use crate::wire::CountdownItem;
use leptos::prelude::*;

/// Milliseconds since the epoch, from the browser's clock.
fn browser_now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The browser's offset from UTC at `utc_ms`, in milliseconds (east positive).
fn browser_offset_ms(utc_ms: i64) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_ms as f64));
    -(date.get_timezone_offset() as i64) * 60_000
}

/// Resolves a wall-clock time `YYYY-MM-DDTHH:MM:SS` in the browser's zone.
fn browser_resolve_local(local: &str) -> Option<i64> {
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local)).get_time();
    ms.is_finite().then_some(ms as i64)
}

/// Remembers the browser's IANA zone in a cookie so the server renders the
/// next page directly in the viewer's time.
fn remember_browser_zone() {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    let Ok(zone) = js_sys::Reflect::get(&options, &"timeZone".into()) else {
        return;
    };
    let Some(zone) = zone.as_string() else { return };
    if let Ok(document) = js_sys::Reflect::get(&js_sys::global(), &"document".into()) {
        let cookie = format!("hb_tz={zone}; path=/; max-age=31536000; samesite=lax");
        let _ = js_sys::Reflect::set(&document, &"cookie".into(), &cookie.into());
    }
}

/// "Registration closes in 2 d 4 h", with a clock ticking every second.
#[island]
pub fn Countdown(
    /// Milestones still ahead, soonest first.
    items: Vec<CountdownItem>,
    /// The server's clock when the page was rendered.
    now_ms: i64,
    /// What to say when nothing is ahead any more.
    done: String,
) -> impl IntoView {
    let (now, set_now) = signal(now_ms);
    let (hydrated, set_hydrated) = signal(false);
    let (targets, set_targets) = signal(items.iter().map(|i| i.time.utc_ms).collect::<Vec<_>>());
    let titles: Vec<String> = items.iter().map(|i| i.title.clone()).collect();
    let locals: Vec<Option<String>> = items.into_iter().map(|i| i.time.local).collect();

    Effect::new(move |_| {
        // Local-time milestones are reached at the viewer's own wall clock.
        set_targets.update(|t| {
            for (target, local) in t.iter_mut().zip(&locals) {
                if let Some(ms) = local.as_deref().and_then(browser_resolve_local) {
                    *target = ms;
                }
            }
        });
        set_now.set(browser_now_ms());
        remember_browser_zone();
        set_interval(
            move || set_now.set(browser_now_ms()),
            std::time::Duration::from_secs(1),
        );
        set_hydrated.set(true);
    });

    let next = move || {
        let now = now.get();
        targets.with(|t| {
            t.iter()
                .enumerate()
                .filter(|(_, ms)| **ms > now)
                .min_by_key(|(_, ms)| **ms)
                .map(|(i, ms)| (titles[i].clone(), *ms - now))
        })
    };

    view! {
        <div class="countdown" id="countdown" data-hydrated=move || hydrated.get().then_some("true")>
            {move || match next() {
                Some((title, left)) => {
                    view! {
                        <p class="countdown-next">
                            <span class="countdown-title">{title}</span>
                            " in "
                            <strong>{hackboard_domain::timeline::format_remaining_ms(left)}</strong>
                        </p>
                        <p class="countdown-clock" aria-hidden="true">
                            {format::clock(left)}
                        </p>
                    }
                        .into_any()
                }
                None => view! { <p class="countdown-next">{done.clone()}</p> }.into_any(),
            }}
        </div>
    }
}

/// An instant shown in the viewer's zone. The server renders it in the zone
/// it knows (a cookie) or in UTC; the browser re-renders it in its own zone.
#[island]
pub fn ViewerTime(utc_ms: i64, text: String) -> impl IntoView {
    let (label, set_label) = signal(text);
    Effect::new(move |_| {
        let shown = format::short_ms(utc_ms, browser_offset_ms(utc_ms));
        set_label.set(format!("{shown} your time"));
    });
    view! { <span class="viewer-time">{label}</span> }
}
