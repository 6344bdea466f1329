//! Background work, run by every instance beside the web server: the
//! eligibility checks (which also freeze likes at their cutoff), the
//! Hugging Face organization sync. Jobs share the store and never the
//! web layer; the mail worker lives beside the outbox in `mail`.

pub mod eligibility;
pub mod hf_org;
pub mod likes;
