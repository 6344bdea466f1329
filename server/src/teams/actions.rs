//! Team actions as a participant or organizer performs them: who may do
//! what, the domain rules (deadlines in the team's zone, names, tracks),
//! then one store call. The HTML forms (`http::teams`) and the JSON API
//! (`http::api`) both call these, so the two cannot drift apart.

use crate::config::Config;
use crate::store::{Left, Store, StoreError, StoredEvent, Team, User, ZoneMove};
use crate::web::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hackboard_domain::email::EmailAddress;
use hackboard_domain::team::{
    TeamError, choose_tracks, free_text, membership_open, name_key, team_name, tracks_open,
    zone_change_open,
};
use hackboard_domain::timeline::zone_or_utc as zone;

/// Why an action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// A rule said no; the message is for the person.
    #[error("{0}")]
    Refused(TeamError),
    /// Not allowed to touch this (message for the person).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ActionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(t) => ActionError::Refused(t),
            other => ActionError::Store(other),
        }
    }
}

impl From<TeamError> for ActionError {
    fn from(e: TeamError) -> Self {
        ActionError::Refused(e)
    }
}

pub type ActionResult<T> = Result<T, ActionError>;

/// Who acts, on which event, when.
pub struct Actor<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub event: &'a StoredEvent,
    pub user: &'a User,
    pub now: DateTime<Utc>,
}

/// A 12-character join code (60 random bits, unambiguous letters).
pub fn new_join_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..12)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Invitations (each one a mail) a team may send in an hour.
pub const INVITATIONS_PER_TEAM_HOUR: i64 = 20;
/// Invitations (each one a mail) one person may receive in an hour, from
/// every team together.
pub const INVITATIONS_PER_PERSON_HOUR: i64 = 5;

impl Actor<'_> {
    fn milestones(&self) -> &[hackboard_domain::Milestone] {
        &self.event.definition.milestones
    }

    fn viewer_zone(&self) -> Tz {
        zone(&self.user.time_zone)
    }

    fn max(&self) -> i64 {
        i64::from(self.event.definition.team_size.max)
    }

    fn open_for(&self, team_zone: Tz) -> ActionResult<()> {
        Ok(membership_open(
            self.milestones(),
            self.now,
            team_zone,
            self.viewer_zone(),
        )?)
    }

    /// The actor's team, or "you are not in a team".
    pub async fn my_team(&self) -> ActionResult<Team> {
        self.store
            .team_of(self.event.id, self.user.id)
            .await?
            .ok_or(ActionError::Refused(TeamError::NotInTeam))
    }

    pub async fn create(
        &self,
        name: &str,
        description: &str,
        time_zone: Option<&str>,
    ) -> ActionResult<i64> {
        let name = team_name(name)?;
        let description = free_text(description)?;
        let tz = match time_zone.map(str::trim).filter(|z| !z.is_empty()) {
            Some(z) => z.parse::<Tz>().map_err(|_| TeamError::TimeZone)?,
            None => self.viewer_zone(),
        };
        self.open_for(tz)?;
        Ok(self
            .store
            .create_team(
                self.event.id,
                self.user.id,
                &name,
                &name_key(&name),
                &description,
                tz.name(),
                &new_join_code(),
                self.now,
            )
            .await?)
    }

    pub async fn join_by_code(&self, code: &str) -> ActionResult<Team> {
        let team = self
            .store
            .team_by_code(self.event.id, code.trim())
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownCode))?;
        self.open_for(zone(&team.time_zone))?;
        self.store
            .join_team(self.event.id, team.id, self.user.id, self.max(), self.now)
            .await?;
        Ok(team)
    }

    pub async fn leave(&self) -> ActionResult<Left> {
        let team = self.my_team().await?;
        self.open_for(zone(&team.time_zone))?;
        Ok(self.store.leave_team(self.event.id, self.user.id).await?)
    }

    pub async fn remove(&self, member: i64) -> ActionResult<()> {
        let team = self.my_team().await?;
        self.open_for(zone(&team.time_zone))?;
        Ok(self
            .store
            .remove_member(self.event.id, team.id, self.user.id, member)
            .await?)
    }

    pub async fn make_captain(&self, member: i64) -> ActionResult<()> {
        let team = self.my_team().await?;
        Ok(self
            .store
            .transfer_captain(self.event.id, team.id, self.user.id, member)
            .await?)
    }

    /// Description, looking for members and wanted skills; the time zone
    /// only until the lock (it moves the team's local-time deadlines).
    pub async fn update(
        &self,
        description: &str,
        time_zone: &str,
        looking_for_members: bool,
        wanted_skills: &str,
    ) -> ActionResult<()> {
        let team = self.my_team().await?;
        let description = free_text(description)?;
        let wanted = free_text(wanted_skills)?;
        let tz: Tz = time_zone.trim().parse().map_err(|_| TeamError::TimeZone)?;
        let zone_move = if tz.name() == team.time_zone {
            None
        } else {
            let until = zone_change_open(
                self.milestones(),
                self.now,
                zone(&team.time_zone),
                tz,
                self.viewer_zone(),
            )?;
            Some(ZoneMove {
                from: &team.time_zone,
                now: self.now.timestamp_millis(),
                until: until.timestamp_millis(),
            })
        };
        let written = self
            .store
            .update_team(
                team.id,
                &description,
                tz.name(),
                zone_move,
                looking_for_members,
                &wanted,
            )
            .await?;
        if written {
            Ok(())
        } else {
            Err(ActionError::Refused(TeamError::Locked(
                "The team's time zone changed meanwhile or can no longer change: reload the \
                 team page to see it."
                    .into(),
            )))
        }
    }

    /// A new join code: the old invite link stops working.
    pub async fn new_code(&self) -> ActionResult<String> {
        let team = self.my_team().await?;
        let code = new_join_code();
        self.store.replace_invite_code(team.id, &code).await?;
        Ok(code)
    }

    pub async fn set_tracks(&self, chosen: &[String]) -> ActionResult<Vec<String>> {
        let team = self.my_team().await?;
        tracks_open(
            self.milestones(),
            self.now,
            zone(&team.time_zone),
            self.viewer_zone(),
        )?;
        let def = &self.event.definition;
        let tracks = choose_tracks(&def.tracks, chosen, def.tracks_per_team)?;
        self.store.set_team_tracks(team.id, &tracks).await?;
        Ok(tracks)
    }

    /// Invites someone, by email or GitHub / Hugging Face handle; an email
    /// goes out with the invitation when they have an address.
    pub async fn invite(&self, who: &str) -> ActionResult<i64> {
        let team = self.my_team().await?;
        self.open_for(zone(&team.time_zone))?;
        let who = who.trim();
        // "#42" is an account id (the finder's invite button).
        let by_id = who.strip_prefix('#').and_then(|n| n.parse::<i64>().ok());
        let mut found = match (by_id, EmailAddress::parse(who)) {
            (Some(id), _) => self.store.user(id).await?.into_iter().collect(),
            (None, Ok(addr)) => self.store.users_by_email(addr.as_str()).await?,
            (None, Err(_)) => self.store.users_by_handle(who).await?,
        };
        if found.len() != 1 {
            return Err(TeamError::UnknownPerson.into());
        }
        let target = found.remove(0);
        if let Some(t) = self.store.team_of(self.event.id, target.id).await? {
            return Err(TeamError::OtherAlreadyInTeam {
                name: target.display_name,
                team: t.name,
            }
            .into());
        }
        let registered = self
            .store
            .registration_status(self.event.id, target.id)
            .await?
            .is_some_and(|s| s == crate::store::RegistrationStatus::Registered);
        if !registered {
            return Err(TeamError::OtherNotRegistered(target.display_name).into());
        }
        // Each invitation mails the person: invite, decline, invite again
        // must not become a way to flood an inbox.
        let hour = chrono::Duration::hours(1);
        let (store, now) = (self.store, self.now);
        let per_team = format!("team-invitations:team:{}", team.id);
        let per_person = format!("team-invitations:person:{}", target.id);
        if !crate::auth::within_rate_limit(store, &per_team, INVITATIONS_PER_TEAM_HOUR, hour, now)
            .await?
        {
            return Err(TeamError::TooManyInvitations(format!(
                "Your team has sent {INVITATIONS_PER_TEAM_HOUR} invitations this hour: \
                 try again later, or share the invite link instead."
            ))
            .into());
        }
        if !crate::auth::within_rate_limit(
            store,
            &per_person,
            INVITATIONS_PER_PERSON_HOUR,
            hour,
            now,
        )
        .await?
        {
            return Err(TeamError::TooManyInvitations(format!(
                "{} has had {INVITATIONS_PER_PERSON_HOUR} invitations this hour: try again \
                 later, or send them the invite link yourself.",
                target.display_name
            ))
            .into());
        }
        let mail = target
            .email
            .as_deref()
            .and_then(|e| EmailAddress::parse(e).ok())
            .map(|addr| {
                crate::mail::team_invitation_mail(
                    &addr,
                    &target.display_name,
                    &self.user.display_name,
                    &team.name,
                    &self.event.definition.name,
                    &format!(
                        "{}/events/{}/team",
                        self.config.base_url, self.event.definition.slug
                    ),
                )
            });
        Ok(self
            .store
            .create_team_request(
                self.event.id,
                team.id,
                target.id,
                "invitation",
                self.user.id,
                "",
                mail.as_ref(),
                self.now,
            )
            .await?)
    }

    /// Asks to join a team.
    pub async fn ask(&self, team_id: i64, message: &str) -> ActionResult<i64> {
        let team = self
            .store
            .team(self.event.id, team_id)
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownTeam))?;
        self.open_for(zone(&team.time_zone))?;
        if let Some(mine) = self.store.team_of(self.event.id, self.user.id).await? {
            return Err(TeamError::AlreadyInTeam { team: mine.name }.into());
        }
        let registered = self
            .store
            .registration_status(self.event.id, self.user.id)
            .await?
            .is_some_and(|s| s == crate::store::RegistrationStatus::Registered);
        if !registered {
            return Err(TeamError::NotRegistered.into());
        }
        let message = free_text(message)?;
        Ok(self
            .store
            .create_team_request(
                self.event.id,
                team.id,
                self.user.id,
                "request",
                self.user.id,
                &message,
                None,
                self.now,
            )
            .await?)
    }

    /// Accepts an invitation (as the invited person) or a request (as a
    /// member of the team asked).
    pub async fn accept(&self, request_id: i64) -> ActionResult<()> {
        let req = self
            .store
            .team_request(self.event.id, request_id)
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownRequest))?;
        let team = self
            .store
            .team(self.event.id, req.team_id)
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownTeam))?;
        let allowed = match req.kind.as_str() {
            "invitation" => req.user_id == self.user.id,
            _ => self.is_member(team.id).await?,
        };
        if !allowed {
            return Err(ActionError::Forbidden(
                "Only the person invited, or a member of the team asked, can accept.",
            ));
        }
        self.open_for(zone(&team.time_zone))?;
        let joined = self
            .store
            .join_team(self.event.id, team.id, req.user_id, self.max(), self.now)
            .await;
        match joined {
            Ok(()) => Ok(()),
            // Say it about them, not "you", when a member accepts.
            Err(StoreError::Refused(TeamError::AlreadyInTeam { team }))
                if req.user_id != self.user.id =>
            {
                Err(TeamError::OtherAlreadyInTeam {
                    name: req.display_name,
                    team,
                }
                .into())
            }
            Err(StoreError::Refused(TeamError::NotRegistered)) if req.user_id != self.user.id => {
                Err(TeamError::OtherNotRegistered(req.display_name).into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Declines an invitation or a request, or takes back one's own.
    pub async fn decline(&self, request_id: i64) -> ActionResult<()> {
        let req = self
            .store
            .team_request(self.event.id, request_id)
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownRequest))?;
        if req.user_id != self.user.id && !self.is_member(req.team_id).await? {
            return Err(ActionError::Forbidden(
                "Only the person concerned or a member of the team can decline.",
            ));
        }
        self.store
            .delete_team_request(self.event.id, request_id)
            .await?;
        Ok(())
    }

    async fn is_member(&self, team_id: i64) -> ActionResult<bool> {
        Ok(self
            .store
            .team_of(self.event.id, self.user.id)
            .await?
            .is_some_and(|t| t.id == team_id))
    }

    /// What the participant tells the team finder.
    pub async fn set_finder(
        &self,
        looking: bool,
        idea: &str,
        track: Option<&str>,
    ) -> ActionResult<()> {
        let status = self
            .store
            .registration_status(self.event.id, self.user.id)
            .await?;
        if status != Some(crate::store::RegistrationStatus::Registered) {
            return Err(TeamError::NotRegistered.into());
        }
        let idea = free_text(idea)?;
        let track = match track.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => {
                if !self
                    .event
                    .definition
                    .tracks
                    .iter()
                    .any(|x| x.slug.as_str() == t)
                {
                    return Err(TeamError::UnknownTrack(t.to_owned()).into());
                }
                Some(t)
            }
            None => None,
        };
        self.store
            .set_looking_for_team(self.event.id, self.user.id, looking)
            .await?;
        self.store
            .set_finder_profile(self.event.id, self.user.id, &idea, track, self.now)
            .await?;
        Ok(())
    }

    /// An organizer moves someone into a team (or out of any), past the
    /// limits and the lock, with a reason for the audit log.
    pub async fn organizer_move(
        &self,
        person: i64,
        to_team: Option<i64>,
        reason: &str,
    ) -> ActionResult<()> {
        if !crate::auth::may_organize(self.store, self.event.id, self.user).await? {
            return Err(ActionError::Forbidden(
                "Only the event's organizers can move people between teams.",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TeamError::ReasonMissing.into());
        }
        let reason = free_text(reason)?;
        let who = self
            .store
            .user(person)
            .await?
            .ok_or(ActionError::Refused(TeamError::UnknownPerson))?;
        let detail = match to_team {
            Some(t) => {
                let team = self
                    .store
                    .team(self.event.id, t)
                    .await?
                    .ok_or(ActionError::Refused(TeamError::UnknownTeam))?;
                format!(
                    "moved {} (#{}) into team {} ({} members before)",
                    who.display_name, who.id, team.name, team.member_count
                )
            }
            None => format!("took {} (#{}) out of their team", who.display_name, who.id),
        };
        self.store
            .organizer_move(
                self.event.id,
                person,
                to_team,
                self.user.id,
                &detail,
                &reason,
                self.now,
            )
            .await?;
        Ok(())
    }
}

/// A refusal in the API's shape: the rule's own words, a stable code and
/// the status that fits (404 unknown thing, 403 not yours, 422 bad input,
/// 409 the state of things).
impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::Refused(t) => {
                let status = match t {
                    TeamError::UnknownCode
                    | TeamError::UnknownRequest
                    | TeamError::UnknownTeam
                    | TeamError::UnknownPerson => StatusCode::NOT_FOUND,
                    TeamError::NotCaptain | TeamError::NotMember | TeamError::NotTeammate(_) => {
                        StatusCode::FORBIDDEN
                    }
                    TeamError::TooManyInvitations(_) => StatusCode::TOO_MANY_REQUESTS,
                    ref t if t.is_invalid_input() => StatusCode::UNPROCESSABLE_ENTITY,
                    _ => StatusCode::CONFLICT,
                };
                ApiError::Refused(status, t.code(), t.to_string())
            }
            ActionError::Forbidden(m) => {
                ApiError::Refused(StatusCode::FORBIDDEN, "forbidden", m.into())
            }
            ActionError::Store(e) => ApiError::Internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_codes_are_twelve_unambiguous_characters_and_differ() {
        let a = new_join_code();
        assert_eq!(a.len(), 12);
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(a, new_join_code());
    }
}
