//! Submissions as teams and organizers use them: who may save (members of
//! the team, registered, before the deadline in the team's zone or a
//! granted extension), the field checks, the versioned save with receipts,
//! and organizers' extensions.

use crate::config::Config;
use crate::store::{
    SaveRequest, Saved, Store, StoreError, StoredEvent, StoredSubmission, Team, User,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use hackboard_domain::email::EmailAddress;
use hackboard_domain::submission::{FieldError, SubmissionContent, check, open_for_saving};
use hackboard_domain::timeline::zone_or_utc as zone;

/// Why a save or an extension did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SubmitFail {
    /// Field by field; nothing was saved.
    #[error("{} fields need attention", .0.len())]
    Fields(Vec<FieldError>),
    /// Someone saved first; the caller's text was kept as a version.
    #[error("Someone in your team saved a newer version first.")]
    Conflict(Box<StoredSubmission>),
    /// A rule said no, in words (deadline, not in a team, …).
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type SubmitResult<T> = Result<T, SubmitFail>;

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveDone {
    /// The submission's id (also its project's).
    pub id: i64,
    pub version: i64,
    pub status: String,
    pub hash: String,
}

pub struct SubmitActor<'a> {
    pub store: &'a Store,
    pub config: &'a Config,
    pub event: &'a StoredEvent,
    pub user: &'a User,
    pub now: DateTime<Utc>,
}

impl SubmitActor<'_> {
    /// The caller's team, or why they cannot submit.
    pub async fn team(&self) -> SubmitResult<Team> {
        let registered = self
            .store
            .registration_status(self.event.id, self.user.id)
            .await?
            == Some(crate::store::RegistrationStatus::Registered);
        if !registered {
            return Err(SubmitFail::Refused("Register for the event first.".into()));
        }
        self.store
            .team_of(self.event.id, self.user.id)
            .await?
            .ok_or_else(|| {
                SubmitFail::Refused(
                    "Projects are submitted by teams: create a team (a team of one is fine) or join one first."
                        .into(),
                )
            })
    }

    /// Whether the team may still save, in words if not.
    pub async fn open(&self, team: &Team) -> SubmitResult<()> {
        let extension = self.store.extension_of(self.event.id, team.id).await?;
        open_for_saving(
            &self.event.definition.milestones,
            self.now,
            zone(&team.time_zone),
            zone(&self.user.time_zone),
            extension,
        )
        .map_err(SubmitFail::Refused)
    }

    /// The team's submission, if any.
    pub async fn current(&self) -> SubmitResult<(Team, Option<StoredSubmission>)> {
        let team = self.team().await?;
        let sub = self
            .store
            .submission_of_team(self.event.id, team.id)
            .await?;
        Ok((team, sub))
    }

    /// Saves the team's submission from `base_version` (0: the first), and
    /// submits it if asked; every member gets a receipt on submit.
    pub async fn save(
        &self,
        content: &SubmissionContent,
        base_version: i64,
        submit: bool,
    ) -> SubmitResult<SaveDone> {
        let team = self.team().await?;
        self.open(&team).await?;
        let content = check(content, &self.event.definition, submit).map_err(SubmitFail::Fields)?;
        let json = serde_json::to_string(&content)
            .map_err(|e| StoreError::Corrupt(format!("submission content: {e}")))?;
        let hash = content.hash();
        let version = base_version + 1;
        let receipts = if submit {
            let at = self.now.format("%Y-%m-%d %H:%M:%S").to_string();
            let url = format!(
                "{}/events/{}/submission",
                self.config.base_url, self.event.definition.slug
            );
            self.store
                .team_members(team.id)
                .await?
                .into_iter()
                .filter_map(|m| {
                    let addr = EmailAddress::parse(m.email.as_deref()?).ok()?;
                    Some(crate::mail::submission_receipt_mail(
                        &addr,
                        &m.display_name,
                        &team.name,
                        &content.title,
                        &self.event.definition.name,
                        &at,
                        version,
                        &hash,
                        &url,
                    ))
                })
                .collect()
        } else {
            vec![]
        };
        let saved = self
            .store
            .save_submission(&SaveRequest {
                event_id: self.event.id,
                team_id: team.id,
                base_version,
                title: &content.title,
                content: &json,
                content_hash: &hash,
                submit,
                user_id: self.user.id,
                now: self.now,
                receipts: &receipts,
            })
            .await;
        match saved {
            Ok(Saved::Saved {
                id,
                version,
                status,
            }) => Ok(SaveDone {
                id,
                version,
                status,
                hash,
            }),
            Ok(Saved::Conflict(current)) => Err(SubmitFail::Conflict(current)),
            Err(StoreError::NotFound) => Err(SubmitFail::Refused(
                "Your team has no submission yet: reload and start from an empty one.".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Extends one team's deadline until `until` (a wall-clock time in the
    /// team's zone, "YYYY-MM-DD HH:MM"), with a reason (organizers).
    pub async fn extend(
        &self,
        team_id: i64,
        until: &str,
        reason: &str,
    ) -> SubmitResult<DateTime<Utc>> {
        if !crate::auth::may_organize(self.store, self.event.id, self.user).await? {
            return Err(SubmitFail::Forbidden(
                "Only the event's organizers can extend a deadline.",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(SubmitFail::Refused("Say why, for the audit log.".into()));
        }
        let team = self
            .store
            .team(self.event.id, team_id)
            .await?
            .ok_or_else(|| SubmitFail::Refused("There is no such team in this event.".into()))?;
        let tz = zone(&team.time_zone);
        let local = NaiveDateTime::parse_from_str(until.trim(), "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(until.trim(), "%Y-%m-%dT%H:%M"))
            .map_err(|_| {
                SubmitFail::Refused(format!(
                    "“{}” is not a date and time such as 2026-03-01 18:00.",
                    until.trim()
                ))
            })?;
        let at = hackboard_domain::timeline::resolve(
            &hackboard_domain::MilestoneTime::Local { local },
            tz,
        );
        if at <= self.now {
            return Err(SubmitFail::Refused(
                "An extension must end in the future.".into(),
            ));
        }
        self.store
            .grant_extension(
                self.event.id,
                team.id,
                at,
                reason,
                self.user.id,
                &format!(
                    "extended team {}'s submission deadline until {} ({})",
                    team.name,
                    until.trim(),
                    team.time_zone
                ),
                self.now,
            )
            .await?;
        Ok(at)
    }
}

/// A cover image's address: it changes with the image (its hash), so
/// browsers never keep an old one.
pub fn cover_path(slug: &str, id: i64, sha256: &str) -> String {
    let version: String = sha256.chars().take(12).collect();
    format!("/events/{slug}/projects/{id}/cover?v={version}")
}
