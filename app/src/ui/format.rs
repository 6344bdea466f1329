//! How times read on the page. One function for the server and the browser,
//! so a time re-rendered in the browser looks exactly like the server's.

use chrono::{Datelike, NaiveDateTime, Timelike};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Fri 27 Nov 20:00". Written by hand rather than with a format string to
/// keep chrono's formatter out of the WebAssembly bundle.
pub fn short(t: NaiveDateTime) -> String {
    let weekday = WEEKDAYS[t.weekday().num_days_from_monday() as usize];
    let month = MONTHS[t.month0() as usize];
    format!(
        "{weekday} {} {month} {:02}:{:02}",
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// `short` of a UTC instant shifted by `offset_ms` (the viewer's offset).
pub fn short_ms(utc_ms: i64, offset_ms: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(utc_ms.saturating_add(offset_ms)) {
        Some(t) => short(t.naive_utc()),
        None => String::new(),
    }
}

/// A ticking clock for the countdown: "2 d 04:12:05" or "04:12:05".
pub fn clock(remaining_ms: i64) -> String {
    let total = remaining_ms.max(0) / 1000;
    let (days, rest) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rest / 3600, (rest % 3600) / 60, rest % 60);
    if days > 0 {
        format!("{days} d {h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Text for inside a `<textarea>`, escaped by hand: Leptos writes a
/// textarea's children unescaped (it is a raw-text element), so user text
/// holding `</textarea><script>` would otherwise end the element and run.
/// The browser decodes the entities back into the original text.
pub fn textarea_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_as_weekday_day_month_and_24_hour_clock() {
        let t = NaiveDateTime::parse_from_str("2026-11-27 20:05", "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(short(t), "Fri 27 Nov 20:05");
    }

    #[test]
    fn the_clock_shows_days_then_hours_minutes_seconds() {
        assert_eq!(
            clock(((2 * 24 + 4) * 3600 + 12 * 60 + 5) * 1000),
            "2 d 04:12:05"
        );
        assert_eq!(clock(59_999), "00:00:59");
        assert_eq!(clock(-5), "00:00:00");
        assert_eq!(clock(i64::MAX), clock(i64::MAX));
    }
}
