//! The iCalendar (RFC 5545) feed of an event's milestones.
//!
//! Instants are written in UTC (`…Z`). A local-time milestone is written as
//! a *floating* time (no zone), which RFC 5545 defines as "the same wall-clock
//! time wherever the attendee is" — exactly what "Sunday 16:00 local time"
//! means.
//!
//! Written by hand rather than with the `icalendar` crate (0.17): it does
//! write floating times, but its TEXT escaping leaves carriage returns and
//! other control characters as they are, so a CR in an event's name or a
//! milestone's title (TOML allows `"\r"`) would end up raw inside a content
//! line; `escape` drops them.

use crate::state::AppState;
use crate::web::error::{ApiError, ApiPath};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use hackboard_domain::{EventDefinition, MilestoneTime};

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character,
/// and ends it with CRLF (RFC 5545 §3.1).
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar for `event`, as served at `/events/{slug}/calendar.ics`.
pub fn calendar(event: &EventDefinition, base_url: &str, now: DateTime<Utc>) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split('/')
        .next()
        .unwrap_or("hackboard");
    let url = format!("{base_url}/events/{}", event.slug);
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Hackboard//Hackboard//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(&event.name)));
    for (position, m) in event.milestones.iter().enumerate() {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(
            &mut out,
            &format!("UID:{}-{position}-{}@{host}", event.slug, m.kind.key()),
        );
        push_line(&mut out, &format!("DTSTAMP:{}", utc_stamp(now)));
        let (start, note) = match &m.time {
            MilestoneTime::Instant { utc, .. } => (
                utc_stamp(*utc),
                format!(
                    "Defined as {}.",
                    hackboard_app::events::views::describe_defined(&m.time)
                ),
            ),
            MilestoneTime::Local { local } => (
                local.format("%Y%m%dT%H%M%S").to_string(),
                "At this time in your own time zone (your team's zone once hacking starts)."
                    .to_owned(),
            ),
        };
        push_line(&mut out, &format!("DTSTART:{start}"));
        push_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                escape(&format!("{}: {}", event.name, m.title))
            ),
        );
        push_line(
            &mut out,
            &format!("DESCRIPTION:{}", escape(&format!("{note}\n{url}"))),
        );
        push_line(&mut out, &format!("URL:{url}"));
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

/// `GET /events/{slug}/calendar.ics`.
pub async fn calendar_feed(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
) -> Result<Response, ApiError> {
    let def = state
        .backend
        .event_definition(&slug)
        .await?
        .ok_or_else(|| ApiError::no_event(&slug))?;
    let body = calendar(&def, &state.config.base_url, state.backend.clock.now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        [(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{slug}.ics\""),
        )],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_without_breaking_characters() {
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", "é".repeat(80)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(80)));
    }

    #[test]
    fn text_values_escape_separators_and_newlines() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn text_values_carry_no_control_characters() {
        // The `icalendar` crate would keep the CR and the bell as they are.
        assert_eq!(escape("a\r\nb\rc\u{7}d\te"), "a\\nbcde");
    }
}
