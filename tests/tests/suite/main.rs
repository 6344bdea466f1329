//! The integration tests, as one test binary: one link instead of 23 (each
//! linked the whole server), and the helpers they share live once in the
//! `hackboard-tests` library instead of being copied into every file.
//! Each former test file is a module here; tests run in one process, so a
//! test must not rely on process-wide state of its own.

mod accounts_contract;
mod api_registration;
mod api_submissions;
mod api_teams;
mod architecture;
mod authorization;
mod browser;
mod credits;
mod credits_contract;
mod eligibility;
mod eligibility_fetch;
mod hardening;
mod hf_org;
mod http;
mod layout;
mod likes;
mod likes_contract;
mod mail;
mod oauth;
mod registration;
mod sign_in;
mod store_contract;
mod submissions;
mod submissions_contract;
mod teams;
mod teams_contract;
