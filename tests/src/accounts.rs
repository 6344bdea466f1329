//! The people a test needs on a running server: API tokens, participants
//! registered for the demo event (through its page or the API) and its
//! organizers.

use crate::{API, EVENT, TestApp, location};
use hackboard::store::Role;
use hackboard_domain::timeline::Clock;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

/// The registration form of the demo event, filled in with the answers it
/// requires (without the display name).
const REGISTRATION_FORM: [(&str, &str); 5] = [
    ("time_zone", "Europe/Paris"),
    ("country", "France"),
    ("q_experience", "Shipped something"),
    ("q_code_of_conduct", "yes"),
    ("accept_rules", "on"),
];

impl TestApp {
    /// Signs in as `email` and makes a personal API token for the account:
    /// its id and the token.
    pub async fn api_token(&self, email: &str) -> (i64, String) {
        let cookie = self.sign_in(email).await;
        self.api_token_of(&cookie).await
    }

    /// A personal API token for the account signed in with `cookie`: its
    /// id and the token (a new one at each call).
    pub async fn api_token_of(&self, cookie: &str) -> (i64, String) {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = self.user_id(cookie).await;
        let token = format!("hb_test_{id}_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.store
            .create_api_token(
                id,
                "test",
                &hackboard::auth::token_hash(&token),
                self.clock.now(),
            )
            .await
            .expect("a token");
        (id, token)
    }

    /// Posts the demo event's registration form with `form` for the
    /// account of `cookie`: where the answer (a 303) sends them.
    pub async fn register(&self, cookie: &str, form: &[(&str, &str)]) -> String {
        let res = self
            .post_form(&format!("{EVENT}/register"), form, Some(cookie))
            .await;
        assert_eq!(res.status(), 303);
        location(&res)
    }

    /// Signs in as `email` and registers for the demo event through its
    /// page (named after the address): the session cookie.
    pub async fn participant(&self, email: &str) -> String {
        self.web_participant(email, &[]).await
    }

    /// As [`participant`](Self::participant), named `display_name`.
    pub async fn participant_named(&self, email: &str, display_name: &str) -> String {
        self.web_participant_named(email, display_name, &[]).await
    }

    /// As [`participant`](Self::participant), ticking "looking for a team".
    pub async fn participant_looking_for_team(&self, email: &str) -> String {
        self.web_participant(email, &[("looking_for_team", "on")])
            .await
    }

    async fn web_participant(&self, email: &str, more: &[(&str, &str)]) -> String {
        let name = email.split('@').next().unwrap_or("x");
        self.web_participant_named(email, name, more).await
    }

    async fn web_participant_named(
        &self,
        email: &str,
        name: &str,
        more: &[(&str, &str)],
    ) -> String {
        let cookie = self.sign_in(email).await;
        let mut form = vec![("display_name", name)];
        form.extend(REGISTRATION_FORM);
        form.extend_from_slice(more);
        let to = self.register(&cookie, &form).await;
        assert!(to.ends_with("done=registered"), "{to}");
        cookie
    }

    /// Signs in as `email` and registers for the demo event through the
    /// API: the account's id and an API token.
    pub async fn api_participant(&self, email: &str) -> (i64, String) {
        self.api_registered(email, false).await
    }

    /// As [`api_participant`](Self::api_participant), looking for a team.
    pub async fn api_participant_looking_for_team(&self, email: &str) -> (i64, String) {
        self.api_registered(email, true).await
    }

    async fn api_registered(&self, email: &str, looking_for_team: bool) -> (i64, String) {
        let (id, token) = self.api_token(email).await;
        let mut body = json!({
            "accept_rules": true,
            "answers": {"experience": "Shipped something", "code_of_conduct": true}
        });
        if looking_for_team {
            body["looking_for_team"] = json!(true);
        }
        let (status, body) = self
            .api("POST", &format!("{API}/registration"), &token, Some(body))
            .await;
        assert_eq!(status, 200, "{body}");
        (id, token)
    }

    /// The participant of `cookie` creates a team called `name` in `zone`
    /// with the team page's form (answered with a redirect).
    pub async fn create_team(&self, cookie: &str, name: &str, zone: &str) {
        let form = [("name", name), ("time_zone", zone)];
        self.team_form("create", &form, cookie).await;
    }

    /// The participant of `cookie` joins the team of invite `code` with the
    /// team page's form (answered with a redirect).
    pub async fn join_team(&self, cookie: &str, code: &str) {
        self.team_form("join", &[("code", code)], cookie).await;
    }

    async fn team_form(&self, action: &str, form: &[(&str, &str)], cookie: &str) {
        let res = self
            .post_form(&format!("{EVENT}/team/{action}"), form, Some(cookie))
            .await;
        assert_eq!(res.status(), 303, "{action}");
    }

    /// The demo event's id.
    pub async fn event_id(&self) -> i64 {
        self.store
            .event_by_slug("mistral-hackathon")
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Makes the account `user_id` an organizer of the demo event.
    pub async fn grant_organizer(&self, user_id: i64) {
        self.store
            .grant_role(
                self.event_id().await,
                user_id,
                Role::Organizer,
                None,
                self.clock.now(),
            )
            .await
            .unwrap();
    }

    /// Signs in as `email`, an organizer of the demo event: the session
    /// cookie.
    pub async fn organizer(&self, email: &str) -> String {
        let cookie = self.sign_in(email).await;
        self.grant_organizer(self.user_id(&cookie).await).await;
        cookie
    }
}
