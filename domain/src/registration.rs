//! Registration rules: an event's settings (capacity, invite-only, custom
//! questions) and the validation of a registrant's answers.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    ShortText,
    LongText,
    SingleChoice,
    MultipleChoice,
    Checkbox,
}

impl QuestionKind {
    pub fn parse(s: &str) -> Option<QuestionKind> {
        match s {
            "short_text" => Some(QuestionKind::ShortText),
            "long_text" => Some(QuestionKind::LongText),
            "single_choice" => Some(QuestionKind::SingleChoice),
            "multiple_choice" => Some(QuestionKind::MultipleChoice),
            "checkbox" => Some(QuestionKind::Checkbox),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::ShortText => "short_text",
            QuestionKind::LongText => "long_text",
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::MultipleChoice => "multiple_choice",
            QuestionKind::Checkbox => "checkbox",
        }
    }
}

/// A question the event asks at registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable key of the answer (`a-z`, `0-9`, `_`).
    pub id: String,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// For single and multiple choice.
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSettings {
    /// Places; beyond them people are waitlisted in order. None: no limit.
    pub capacity: Option<u32>,
    /// Only people with an invite link may register.
    pub invite_only: bool,
    pub questions: Vec<Question>,
}

/// An answer as stored: text, or the chosen options, or a yes/no.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Text(String),
    Choices(Vec<String>),
    Yes(bool),
}

const SHORT_MAX: usize = 200;
const LONG_MAX: usize = 4000;

/// Checks the submitted values (`question id → values`, as a form sends
/// them) against the questions. Returns the answers to store, or every
/// problem as (question id, message).
pub fn validate_answers(
    questions: &[Question],
    submitted: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, Answer>, Vec<(String, String)>> {
    let mut answers = BTreeMap::new();
    let mut problems = Vec::new();
    for q in questions {
        let values: Vec<&str> = submitted
            .get(&q.id)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let missing = values.is_empty();
        if missing {
            if q.required {
                let message = match q.kind {
                    QuestionKind::Checkbox => format!("“{}” must be checked", q.label),
                    _ => format!("“{}” needs an answer", q.label),
                };
                problems.push((q.id.clone(), message));
            } else if q.kind == QuestionKind::Checkbox {
                answers.insert(q.id.clone(), Answer::Yes(false));
            }
            continue;
        }
        match q.kind {
            QuestionKind::ShortText | QuestionKind::LongText => {
                let max = if q.kind == QuestionKind::ShortText {
                    SHORT_MAX
                } else {
                    LONG_MAX
                };
                let text = values.join("\n");
                if text.chars().count() > max {
                    problems.push((
                        q.id.clone(),
                        format!("“{}” is limited to {max} characters", q.label),
                    ));
                } else {
                    answers.insert(q.id.clone(), Answer::Text(text));
                }
            }
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => {
                if let Some(bad) = values.iter().find(|v| !q.choices.iter().any(|c| c == *v)) {
                    problems.push((
                        q.id.clone(),
                        format!("“{bad}” is not one of the choices for “{}”", q.label),
                    ));
                } else if q.kind == QuestionKind::SingleChoice && values.len() > 1 {
                    problems.push((q.id.clone(), format!("“{}” takes one choice", q.label)));
                } else {
                    answers.insert(
                        q.id.clone(),
                        Answer::Choices(values.iter().map(|s| s.to_string()).collect()),
                    );
                }
            }
            QuestionKind::Checkbox => {
                answers.insert(q.id.clone(), Answer::Yes(true));
            }
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, kind: QuestionKind, required: bool, choices: &[&str]) -> Question {
        Question {
            id: id.into(),
            label: id.to_uppercase(),
            kind,
            required,
            choices: choices.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            m.entry(k.to_string()).or_default().push(v.to_string());
        }
        m
    }

    #[test]
    fn complete_answers_are_accepted_in_their_kinds() {
        let qs = [
            q("why", QuestionKind::LongText, true, &[]),
            q("shirt", QuestionKind::SingleChoice, true, &["S", "M"]),
            q(
                "stack",
                QuestionKind::MultipleChoice,
                false,
                &["rust", "python"],
            ),
            q("photos", QuestionKind::Checkbox, false, &[]),
        ];
        let a = validate_answers(
            &qs,
            &form(&[
                ("why", "fun"),
                ("shirt", "M"),
                ("stack", "rust"),
                ("stack", "python"),
            ]),
        )
        .unwrap();
        assert_eq!(a["why"], Answer::Text("fun".into()));
        assert_eq!(a["shirt"], Answer::Choices(vec!["M".into()]));
        assert_eq!(
            a["stack"],
            Answer::Choices(vec!["rust".into(), "python".into()])
        );
        assert_eq!(a["photos"], Answer::Yes(false));
    }

    #[test]
    fn every_missing_or_wrong_answer_is_named() {
        let qs = [
            q("why", QuestionKind::ShortText, true, &[]),
            q("shirt", QuestionKind::SingleChoice, true, &["S", "M"]),
            q("coc", QuestionKind::Checkbox, true, &[]),
        ];
        let problems =
            validate_answers(&qs, &form(&[("why", "  "), ("shirt", "XXL")])).unwrap_err();
        let ids: Vec<&str> = problems.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["why", "shirt", "coc"]);
        assert!(problems[0].1.contains("needs an answer"));
        assert!(problems[1].1.contains("XXL"));
        assert!(problems[2].1.contains("must be checked"));
        let long = "x".repeat(201);
        assert!(validate_answers(&qs[..1], &form(&[("why", &long)])).is_err());
        assert!(validate_answers(&qs[1..2], &form(&[("shirt", "S"), ("shirt", "M")])).is_err());
    }
}

/// Whether registration is open at `now` (local-time milestones resolve in
/// `zone`, the registrant's): the reason in words when it is not.
pub fn registration_window(
    milestones: &[crate::Milestone],
    now: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
) -> Result<(), String> {
    use crate::{MilestoneKind, MilestoneTime};
    let find = |k: MilestoneKind| milestones.iter().find(|m| m.kind == k);
    let when = |m: &crate::Milestone| {
        let at = crate::timeline::resolve(&m.time, zone);
        match &m.time {
            MilestoneTime::Instant { zone: defined, .. } => {
                let city = defined
                    .name()
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .replace('_', " ");
                format!(
                    "{} {city} time",
                    at.with_timezone(defined).format("%a %-d %b %H:%M")
                )
            }
            MilestoneTime::Local { local } => {
                format!("{} your time", local.format("%a %-d %b %H:%M"))
            }
        }
    };
    if let Some(opens) = find(MilestoneKind::RegistrationOpens)
        && now < crate::timeline::resolve(&opens.time, zone)
    {
        return Err(format!("Registration opens on {}.", when(opens)));
    }
    if let Some(closes) = find(MilestoneKind::RegistrationCloses)
        && now >= crate::timeline::resolve(&closes.time, zone)
    {
        return Err(format!("Registration closed on {}.", when(closes)));
    }
    Ok(())
}

#[cfg(test)]
mod window_tests {
    use super::*;
    use crate::MilestoneKind;
    use crate::demo::demo_event;
    use crate::timeline::resolve;
    use chrono::{Duration, NaiveDate};
    use chrono_tz::Europe::Paris;

    #[test]
    fn registration_is_open_exactly_between_its_milestones() {
        let def = demo_event(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        let at = |k| {
            resolve(
                &def.milestones.iter().find(|m| m.kind == k).unwrap().time,
                Paris,
            )
        };
        let opens = at(MilestoneKind::RegistrationOpens);
        let closes = at(MilestoneKind::RegistrationCloses);
        let ms = Duration::milliseconds(1);
        let err = registration_window(&def.milestones, opens - ms, Paris).unwrap_err();
        assert!(err.starts_with("Registration opens on"), "{err}");
        assert_eq!(registration_window(&def.milestones, opens, Paris), Ok(()));
        assert_eq!(
            registration_window(&def.milestones, closes - ms, Paris),
            Ok(())
        );
        let err = registration_window(&def.milestones, closes, Paris).unwrap_err();
        assert_eq!(err, "Registration closed on Fri 27 Nov 23:00 Paris time.");
    }
}

/// What an organizer asks of a new invite link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteLimits {
    pub max_uses: i64,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// At most this many registrations per invite link.
pub const MAX_INVITE_USES: i64 = 100_000;

/// Checks an invite request: `max_uses` 1 to 100 000 (default 1), and a
/// lifetime of 1 to 365 days if any.
pub fn invite_limits(
    max_uses: Option<i64>,
    valid_days: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<InviteLimits, String> {
    let max_uses = max_uses.unwrap_or(1);
    if !(1..=MAX_INVITE_USES).contains(&max_uses) {
        return Err(format!(
            "An invite link can be used 1 to {MAX_INVITE_USES} times."
        ));
    }
    let expires_at = match valid_days {
        None => None,
        Some(d) if (1..=365).contains(&d) => Some(now + chrono::Duration::days(d)),
        Some(_) => return Err("An invite link can last 1 to 365 days.".to_owned()),
    };
    Ok(InviteLimits {
        max_uses,
        expires_at,
    })
}

#[cfg(test)]
mod invite_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn invite_links_have_a_sane_number_of_uses_and_lifetime() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        assert_eq!(
            invite_limits(None, None, now),
            Ok(InviteLimits {
                max_uses: 1,
                expires_at: None
            })
        );
        assert_eq!(
            invite_limits(Some(400), Some(7), now).unwrap().expires_at,
            Some(now + Duration::days(7))
        );
        for bad in [0, -1, MAX_INVITE_USES + 1] {
            assert!(invite_limits(Some(bad), None, now).is_err(), "{bad}");
        }
        for bad in [0, 366, -3] {
            assert!(invite_limits(None, Some(bad), now).is_err(), "{bad}");
        }
    }
}
