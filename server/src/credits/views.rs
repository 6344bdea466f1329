//! The credits page as the viewer sees it: each offer with the viewer's
//! code or what stands between them and one; for organizers, the stock of
//! every offer, who is still waiting, and the codes.

use crate::credits::actions::CreditActor;
use crate::state::AppBackend;
use crate::store::Owner;
use crate::web::logged;
use crate::web::viewer::PageViewer;
use chrono_tz::Tz;
use hackboard_app::port::{Backend, BackendError};
use hackboard_app::wire::{CodeRowView, CreditCard, CreditsView, Notice, StockView};
use hackboard_domain::OfferUnit;
use hackboard_domain::credits::{Delivery, eligibility, window};
use std::collections::HashSet;

fn failed(e: crate::credits::actions::CreditFail) -> BackendError {
    tracing::error!(error = %e, "credits failure while rendering");
    BackendError
}

/// Codes listed per offer on the page (the CSV export has them all).
const LISTED: usize = 200;

impl AppBackend {
    pub(crate) async fn credits_view(
        &self,
        slug: &str,
        headers: &http::HeaderMap,
        q: &[(String, String)],
    ) -> Result<Option<CreditsView>, BackendError> {
        let Some(PageViewer { event, user }) = self.page_viewer(slug, headers).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let def = &event.definition;
        let get = |k: &str| {
            q.iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let mut view = CreditsView {
            slug: slug.to_owned(),
            event_name: def.name.clone(),
            signed_in: user.is_some(),
            notice: None,
            offers: vec![],
            organizer: false,
            stock: vec![],
        };
        let Some(user) = user else {
            view.offers = def
                .offers
                .iter()
                .map(|o| CreditCard {
                    slug: o.slug.as_str().to_owned(),
                    sponsor: o.sponsor.clone(),
                    value: o.value.clone(),
                    redeem_html: self.markdown(&o.redeem),
                    per: o.per.as_str().to_owned(),
                    delivery: o.delivery.as_str().to_owned(),
                    code: None,
                    code_value: None,
                    can_claim: false,
                    status: "Sign in to see whether you can receive it.".into(),
                })
                .collect();
            return Ok(Some(view));
        };
        view.notice = crate::web::verified_notice(&self.config, get("ok"), get("err"), get("sig"))
            .map(|(ok, text)| Notice { ok, text });
        let actor = CreditActor {
            store: &self.store,
            config: &self.config,
            event: &event,
            user: &user,
            now,
        };
        let viewer_zone: Tz = user.time_zone.parse().unwrap_or(Tz::UTC);
        let (facts, team) = actor.facts_of(user.id).await.map_err(failed)?;
        let stock = self.store.credit_stock(event.id).await.map_err(logged)?;
        for o in &def.offers {
            let offer_id = stock
                .iter()
                .find(|s| s.slug == o.slug.as_str())
                .map(|s| s.offer_id);
            let owner = match (o.per, team) {
                (OfferUnit::Team, Some(t)) => Some(Owner::Team(t)),
                (OfferUnit::Team, None) => None,
                (OfferUnit::Person, _) => Some(Owner::Person(user.id)),
            };
            let held = match (offer_id, owner) {
                (Some(id), Some(owner)) => self.store.held_code(id, owner).await.map_err(logged)?,
                _ => None,
            };
            let left = stock
                .iter()
                .find(|s| s.slug == o.slug.as_str())
                .map(|s| (s.left, s.imported))
                .unwrap_or((0, 0));
            let allowed = eligibility(o, def, &facts, viewer_zone);
            let (can_claim, status) = match (&held, o.delivery) {
                (Some(_), _) if o.per == OfferUnit::Team => {
                    (false, "Your team's code (every member sees it).".to_owned())
                }
                (Some(_), _) => (false, "Your code.".to_owned()),
                (None, _) if allowed.is_err() => (
                    false,
                    allowed.err().map(|e| e.to_string()).unwrap_or_default(),
                ),
                (None, Delivery::Direct) => (
                    false,
                    "You are eligible: the sponsor grants this credit directly.".into(),
                ),
                (None, Delivery::Organizer) => (
                    false,
                    "You are eligible: the organizers will send your code by email.".into(),
                ),
                (None, Delivery::Claim) => match window(o, def, now, viewer_zone) {
                    Err(e) => (false, e.to_string()),
                    Ok(()) if left.0 == 0 => (
                        false,
                        hackboard_domain::credits::CreditError::SoldOut { total: left.1 }
                            .to_string(),
                    ),
                    Ok(()) => (true, "Available: claim your code.".into()),
                },
            };
            view.offers.push(CreditCard {
                slug: o.slug.as_str().to_owned(),
                sponsor: o.sponsor.clone(),
                value: o.value.clone(),
                redeem_html: self.markdown(&o.redeem),
                per: o.per.as_str().to_owned(),
                delivery: o.delivery.as_str().to_owned(),
                code_value: held.as_ref().and_then(|h| h.value.clone()),
                code: held.map(|h| h.code),
                can_claim,
                status,
            });
        }
        view.organizer = crate::auth::may_organize(&self.store, event.id, &user)
            .await
            .map_err(logged)?;
        if !view.organizer {
            return Ok(Some(view));
        }
        let roster = actor.roster().await.map_err(failed)?;
        for o in &def.offers {
            let Some(offer_id) = stock
                .iter()
                .find(|s| s.slug == o.slug.as_str())
                .map(|s| s.offer_id)
            else {
                continue;
            };
            let codes = self.store.assignments(offer_id).await.map_err(logged)?;
            let holders: HashSet<Owner> = codes
                .iter()
                .filter(|c| c.revoked_at.is_none())
                .filter_map(|c| match (c.owner_user_id, c.owner_team_id) {
                    (Some(u), _) => Some(Owner::Person(u)),
                    (_, Some(t)) => Some(Owner::Team(t)),
                    _ => None,
                })
                .collect();
            // For a credit granted directly, everyone eligible is listed.
            let waiting = {
                actor
                    .eligible_owners(&roster, o)
                    .into_iter()
                    .filter(|(owner, _)| !holders.contains(owner))
                    .map(|(_, name)| name)
                    .collect()
            };
            let s = stock.iter().find(|s| s.offer_id == offer_id);
            view.stock.push(StockView {
                slug: o.slug.as_str().to_owned(),
                label: format!("{} · {}", o.sponsor, o.value),
                delivery: o.delivery.as_str().to_owned(),
                imported: s.map(|s| s.imported).unwrap_or(0),
                assigned: s.map(|s| s.assigned).unwrap_or(0),
                revoked: s.map(|s| s.revoked).unwrap_or(0),
                left: s.map(|s| s.left).unwrap_or(0),
                waiting,
                codes: codes
                    .iter()
                    .take(LISTED)
                    .map(|c| CodeRowView {
                        id: c.id,
                        code: c.code.clone(),
                        owner: match (&c.person, &c.team) {
                            (Some(p), _) => p.clone(),
                            (_, Some(t)) => format!("team {t}"),
                            _ if c.assigned_at.is_some() => "(a team that no longer exists)".into(),
                            _ => String::new(),
                        },
                        state: match (&c.revoked_reason, c.assigned_at) {
                            (Some(r), _) => format!("revoked: {r}"),
                            (None, Some(_)) => "assigned".into(),
                            (None, None) => "free".into(),
                        },
                    })
                    .collect(),
            });
        }
        Ok(Some(view))
    }
}
