//! Registering as a participant does it, from the form or the API: the
//! window in the person's zone, the rules, the profile fields and every
//! answer, then one transaction with the mail it causes.

use crate::auth;
use crate::state::AppState;
use crate::store::{RegisterOutcome, StoreError, StoredEvent, User};
use hackboard_domain::email::EmailAddress;
use hackboard_domain::registration::{registration_window, validate_answers};
use std::collections::BTreeMap;

/// What someone submits to register (from the form or the JSON API).
#[derive(Debug, Default)]
pub struct RegistrationInput {
    pub accept_rules: bool,
    /// Profile fields to confirm; the profile's values when absent.
    pub display_name: Option<String>,
    pub time_zone: Option<String>,
    pub country: Option<String>,
    /// Question id → values.
    pub answers: BTreeMap<String, Vec<String>>,
    pub looking_for_team: bool,
    pub invite: Option<String>,
}

/// Why a registration was refused (nothing was changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Closed(String),
    Rules,
    DisplayName,
    TimeZone,
    /// (question id, message) for every problem.
    Answers(Vec<(String, String)>),
    Rejected,
    Invite,
}

impl Refusal {
    /// In words, for the API.
    pub fn message(&self) -> String {
        match self {
            Refusal::Closed(reason) => reason.clone(),
            Refusal::Rules => "Accept the rules and the code of conduct to register.".into(),
            Refusal::DisplayName => "A display name has 1 to 80 characters.".into(),
            Refusal::TimeZone => "The time zone must be an IANA name such as Europe/Paris.".into(),
            Refusal::Answers(problems) => problems
                .iter()
                .map(|(_, m)| m.clone())
                .collect::<Vec<_>>()
                .join("; "),
            Refusal::Rejected => "The organizers have declined this registration.".into(),
            Refusal::Invite => {
                "This event is by invitation, and the invite is unknown, expired or used up.".into()
            }
        }
    }
}

/// Registers `user` for `event`: checks the window (in the user's zone),
/// the rules, the profile fields and every answer, then registers or
/// waitlists in one transaction with the mail it causes.
pub async fn register_user(
    state: &AppState,
    event: &StoredEvent,
    user: &User,
    input: RegistrationInput,
) -> Result<Result<RegisterOutcome, Refusal>, StoreError> {
    let store = &state.backend.store;
    let now = state.backend.clock.now();
    let def = &event.definition;
    let zone = user.time_zone.parse().unwrap_or(def.home_zone);
    if let Err(reason) = registration_window(&def.milestones, now, zone) {
        return Ok(Err(Refusal::Closed(reason)));
    }
    if !input.accept_rules {
        return Ok(Err(Refusal::Rules));
    }
    let display_name = input
        .display_name
        .unwrap_or_else(|| user.display_name.clone());
    let display_name = display_name.trim().to_owned();
    let time_zone = input.time_zone.unwrap_or_else(|| user.time_zone.clone());
    if display_name.is_empty() || display_name.chars().count() > 80 {
        return Ok(Err(Refusal::DisplayName));
    }
    if time_zone.trim().parse::<chrono_tz::Tz>().is_err() {
        return Ok(Err(Refusal::TimeZone));
    }
    let answers = match validate_answers(&def.registration.questions, &input.answers) {
        Ok(a) => a,
        Err(problems) => return Ok(Err(Refusal::Answers(problems))),
    };
    let answers_json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    let country = input.country.unwrap_or_else(|| user.country.clone());
    store
        .update_profile(
            user.id,
            &display_name,
            time_zone.trim(),
            country.trim(),
            &user.skills,
            &user.bio,
        )
        .await?;
    let email = user
        .email
        .as_deref()
        .and_then(|e| EmailAddress::parse(e).ok());
    let url = format!("{}/events/{}", state.config.base_url, def.slug);
    let name = def.name.clone();
    let mail_for = move |outcome: &RegisterOutcome| {
        let to = email.as_ref()?;
        match outcome {
            RegisterOutcome::Registered => Some(crate::mail::registration_confirmed_mail(
                to,
                &display_name,
                &name,
                &url,
            )),
            RegisterOutcome::Waitlisted(p) => Some(crate::mail::waitlisted_mail(
                to,
                &display_name,
                &name,
                *p,
                &url,
            )),
            _ => None,
        }
    };
    let invite = input
        .invite
        .filter(|t| !t.trim().is_empty())
        .map(|t| auth::token_hash(t.trim()));
    let outcome = store
        .register(
            event.id,
            user.id,
            &answers_json,
            input.looking_for_team,
            invite.as_deref(),
            def.registration.invite_only,
            now,
            &mail_for,
        )
        .await?;
    Ok(match outcome {
        RegisterOutcome::Rejected => Err(Refusal::Rejected),
        RegisterOutcome::InviteInvalid => Err(Refusal::Invite),
        other => Ok(other),
    })
}

/// Whether a Hugging Face handle is in a (sorted, lower-case) snapshot.
pub fn in_snapshot(members: &[String], handle: Option<&str>) -> bool {
    handle.is_some_and(|h| members.binary_search(&h.to_lowercase()).is_ok())
}
