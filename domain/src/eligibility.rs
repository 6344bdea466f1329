//! Whether a submitted project meets the event's rules, from what GitHub
//! and Hugging Face say about the repositories it links: a checklist of
//! items, each passed, failed, flagged for an organizer's review, or
//! pending (the provider could not be asked yet), with the evidence seen
//! and the words that tell the team what to fix.
//!
//! The facts are fetched elsewhere (the server's eligibility job); the
//! rules here are plain functions of those facts.

use crate::submission::{GithubRepo, HfKind, HfRepo};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a provider answered about one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Fetched<T> {
    Found(T),
    /// 404 (or 401 on Hugging Face): the repository does not exist, or it
    /// is private — without access the providers do not say which.
    Missing {
        status: u16,
    },
    /// The provider could not be asked or did not answer usefully (rate
    /// limit, timeout, a server error, a body we cannot read): the check is
    /// pending and runs again, at `retry_at` when the provider said when.
    Unavailable {
        reason: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// GitHub's `GET /repos/{owner}/{repo}` and commit listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubFacts {
    pub private: bool,
    pub fork: bool,
    pub created_at: DateTime<Utc>,
    pub pushed_at: Option<DateTime<Utc>>,
    /// Commits whose dates fall in the hacking window (at most one page).
    pub commits_in_window: u32,
    /// Commits dated before the hacking started (at most one page).
    pub commits_before_start: u32,
}

/// Hugging Face's `GET /api/{models|datasets|spaces}/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HfFacts {
    pub private: bool,
    pub disabled: bool,
    /// The owner Hugging Face reports (`author`).
    pub author: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

/// Hugging Face reports this creation date for every repository created
/// before it recorded creation dates: it means "unknown".
pub const HF_UNKNOWN_CREATED_AT: &str = "2022-03-02T23:29:04Z";

/// Everything fetched for one submission, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub fetched_at: DateTime<Utc>,
    pub github: Option<(GithubRepo, Fetched<GithubFacts>)>,
    pub hf: Vec<(HfRepo, Fetched<HfFacts>)>,
}

/// The event's rules a project is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub hacking_starts: Option<DateTime<Utc>>,
    pub hacking_ends: Option<DateTime<Utc>>,
    /// The event's Hugging Face organization.
    pub hf_org: Option<String>,
    /// The project's track requires a model under the event's org.
    pub model_in_org: bool,
    /// "before Sunday 16:00 your time": when the team can still fix things.
    pub fix_before: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    /// Not a failure: something an organizer should look at.
    Review,
    Pending,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Review => "review",
            Status::Pending => "pending",
            Status::Fail => "fail",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Pass, Status::Review, Status::Pending, Status::Fail]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "OK",
            Status::Review => "To review",
            Status::Pending => "Pending",
            Status::Fail => "To fix",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable: overrides refer to it ("github.public", "hf.model.org/name.public").
    pub key: String,
    pub label: String,
    pub status: Status,
    /// What the team should do, or what was found.
    pub message: String,
    /// The fields seen, as provider-name → value.
    pub evidence: BTreeMap<String, String>,
}

/// The whole checklist; `status` is its worst item (fail, then pending,
/// then review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub status: Status,
    pub items: Vec<Item>,
}

impl Checklist {
    pub fn from_items(items: Vec<Item>) -> Checklist {
        let status = items.iter().map(|i| i.status).max().unwrap_or(Status::Pass);
        Checklist { status, items }
    }

    /// Whether any item is still waiting for a provider.
    pub fn pending(&self) -> bool {
        self.items.iter().any(|i| i.status == Status::Pending)
    }
}

/// An organizer's decision on one item (or on the whole project with the
/// key `project`), with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub key: String,
    pub status: Status,
    pub reason: String,
}

/// The key of an override that marks the whole project.
pub const PROJECT_KEY: &str = "project";

/// The checklist with organizers' overrides applied: an overridden item
/// takes the organizer's status and says why; a `project` override adds a
/// line of its own that decides the overall status.
pub fn with_overrides(list: &Checklist, overrides: &[Override]) -> Checklist {
    let mut items = list.items.clone();
    for o in overrides {
        if let Some(item) = items.iter_mut().find(|i| i.key == o.key) {
            item.status = o.status;
            item.message = format!("Decided by the organizers: {}", o.reason);
        }
    }
    if let Some(o) = overrides.iter().find(|o| o.key == PROJECT_KEY) {
        items.push(Item {
            key: PROJECT_KEY.into(),
            label: "Organizers' decision".into(),
            status: o.status,
            message: o.reason.clone(),
            evidence: BTreeMap::new(),
        });
        return Checklist {
            status: o.status,
            items,
        };
    }
    Checklist::from_items(items)
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn kind_word(kind: HfKind) -> &'static str {
    match kind {
        HfKind::Model => "model",
        HfKind::Dataset => "dataset",
        HfKind::Space => "Space",
    }
}

fn hf_path(repo: &HfRepo) -> String {
    match repo.kind {
        HfKind::Model => repo.id.clone(),
        HfKind::Dataset => format!("datasets/{}", repo.id),
        HfKind::Space => format!("spaces/{}", repo.id),
    }
}

fn pending_item(key: String, label: String, reason: &str, retry_at: Option<DateTime<Utc>>) -> Item {
    let mut evidence = BTreeMap::new();
    evidence.insert("reason".into(), reason.to_owned());
    if let Some(r) = retry_at {
        evidence.insert("retry_at".into(), when(r));
    }
    Item {
        key,
        label,
        status: Status::Pending,
        message: format!("Not checked yet ({reason}); it will be checked again automatically."),
        evidence,
    }
}

/// The checklist for a submission from the evidence fetched for it.
pub fn evaluate(rules: &Rules, evidence: &Evidence) -> Checklist {
    let mut items = Vec::new();
    let start = rules.hacking_starts;
    let end = rules.hacking_ends;
    let fix = &rules.fix_before;

    match &evidence.github {
        None => items.push(Item {
            key: "github.public".into(),
            label: "Public GitHub repository".into(),
            status: Status::Fail,
            message: format!("Add your project's public GitHub repository {fix}."),
            evidence: BTreeMap::new(),
        }),
        Some((repo, fetched)) => {
            let name = format!("github.com/{}/{}", repo.owner, repo.repo);
            let label = format!("GitHub repository {name}");
            match fetched {
                Fetched::Missing { status } => items.push(Item {
                    key: "github.public".into(),
                    label,
                    status: Status::Fail,
                    message: format!(
                        "We cannot see {name}: it is private or does not exist. Make it public {fix}."
                    ),
                    evidence: BTreeMap::from([("http_status".into(), status.to_string())]),
                }),
                Fetched::Unavailable { reason, retry_at } => {
                    items.push(pending_item("github.public".into(), label, reason, *retry_at))
                }
                Fetched::Found(f) => {
                    let mut seen = BTreeMap::from([
                        ("private".to_owned(), f.private.to_string()),
                        ("fork".to_owned(), f.fork.to_string()),
                        ("created_at".to_owned(), when(f.created_at)),
                    ]);
                    if let Some(p) = f.pushed_at {
                        seen.insert("pushed_at".into(), when(p));
                    }
                    items.push(Item {
                        key: "github.public".into(),
                        label: label.clone(),
                        status: if f.private { Status::Fail } else { Status::Pass },
                        message: if f.private {
                            format!("{name} is private. Make it public {fix}.")
                        } else {
                            format!("{name} is public.")
                        },
                        evidence: seen.clone(),
                    });
                    if f.fork {
                        items.push(Item {
                            key: "github.fork".into(),
                            label: "Original repository".into(),
                            status: Status::Review,
                            message: format!(
                                "{name} is a fork of another repository: the organizers will check what was built during the event."
                            ),
                            evidence: BTreeMap::from([("fork".into(), "true".into())]),
                        });
                    }
                    if let Some(start) = start {
                        let created_before = f.created_at < start;
                        items.push(Item {
                            key: "github.created".into(),
                            label: "Repository created during the event".into(),
                            status: if created_before { Status::Review } else { Status::Pass },
                            message: if created_before {
                                format!(
                                    "{name} was created on {}, before hacking started ({}). Everything must be built during the event: the organizers will review it.",
                                    when(f.created_at),
                                    when(start)
                                )
                            } else {
                                format!("{name} was created on {}.", when(f.created_at))
                            },
                            evidence: BTreeMap::from([
                                ("created_at".into(), when(f.created_at)),
                                ("hacking_starts".into(), when(start)),
                            ]),
                        });
                        let mut seen = BTreeMap::from([
                            ("commits_in_window".into(), f.commits_in_window.to_string()),
                            (
                                "commits_before_start".into(),
                                f.commits_before_start.to_string(),
                            ),
                        ]);
                        if let Some(end) = end {
                            seen.insert("window".into(), format!("{} – {}", when(start), when(end)));
                        }
                        let (status, message) = if f.commits_in_window == 0 {
                            (
                                Status::Fail,
                                format!("{name} has no commits dated during the hacking window. Push your work {fix}."),
                            )
                        } else if f.commits_before_start > 0 {
                            (
                                Status::Review,
                                format!(
                                    "{} commit(s) are dated before hacking started. Commit dates are set by the committer and can be wrong or forged, so this is a flag for the organizers, not a verdict.",
                                    f.commits_before_start
                                ),
                            )
                        } else {
                            (
                                Status::Pass,
                                format!(
                                    "{} commit(s) dated during the event, none before it.",
                                    f.commits_in_window
                                ),
                            )
                        };
                        items.push(Item {
                            key: "github.commits".into(),
                            label: "Commits during the event".into(),
                            status,
                            message,
                            evidence: seen,
                        });
                    }
                }
            }
        }
    }

    let unknown: DateTime<Utc> = HF_UNKNOWN_CREATED_AT.parse().unwrap_or_default();
    let mut model_in_org = false;
    for (repo, fetched) in &evidence.hf {
        let what = kind_word(repo.kind);
        let name = format!("huggingface.co/{}", hf_path(repo));
        let key = format!("hf.{}", hf_path(repo));
        let label = format!("Hugging Face {what} {name}");
        match fetched {
            Fetched::Missing { status } => items.push(Item {
                key: format!("{key}.public"),
                label,
                status: Status::Fail,
                message: format!(
                    "We cannot see {name}: it is private or does not exist. Make it public {fix}."
                ),
                evidence: BTreeMap::from([("http_status".into(), status.to_string())]),
            }),
            Fetched::Unavailable { reason, retry_at } => items.push(pending_item(
                format!("{key}.public"),
                label,
                reason,
                *retry_at,
            )),
            Fetched::Found(f) => {
                let mut seen = BTreeMap::from([
                    ("private".to_owned(), f.private.to_string()),
                    ("disabled".to_owned(), f.disabled.to_string()),
                ]);
                if let Some(a) = &f.author {
                    seen.insert("author".into(), a.clone());
                }
                if let Some(c) = f.created_at {
                    seen.insert("created_at".into(), when(c));
                }
                let (status, message) = if f.private {
                    (
                        Status::Fail,
                        format!("{name} is private. Make it public {fix}."),
                    )
                } else if f.disabled {
                    (Status::Fail, format!("{name} is disabled on Hugging Face."))
                } else {
                    (Status::Pass, format!("{name} is public."))
                };
                let public = status == Status::Pass;
                items.push(Item {
                    key: format!("{key}.public"),
                    label,
                    status,
                    message,
                    evidence: seen.clone(),
                });
                let owner = f.author.as_deref().unwrap_or(repo.owner());
                if let Some(org) = &rules.hf_org
                    && repo.kind == HfKind::Model
                    && public
                    && owner.eq_ignore_ascii_case(org)
                {
                    model_in_org = true;
                }
                match (f.created_at, start) {
                    (Some(c), Some(start)) if c != unknown => items.push(Item {
                        key: format!("{key}.created"),
                        label: format!("{name} created during the event"),
                        status: if c < start { Status::Review } else { Status::Pass },
                        message: if c < start {
                            format!(
                                "{name} was created on {}, before hacking started ({}): the organizers will review it.",
                                when(c),
                                when(start)
                            )
                        } else {
                            format!("{name} was created on {}.", when(c))
                        },
                        evidence: BTreeMap::from([
                            ("created_at".into(), when(c)),
                            ("hacking_starts".into(), when(start)),
                        ]),
                    }),
                    (Some(_), Some(_)) => items.push(Item {
                        key: format!("{key}.created"),
                        label: format!("{name} created during the event"),
                        status: Status::Review,
                        message: format!(
                            "Hugging Face does not know when {name} was created (it predates creation dates): the organizers will review it."
                        ),
                        evidence: BTreeMap::from([(
                            "created_at".into(),
                            HF_UNKNOWN_CREATED_AT.into(),
                        )]),
                    }),
                    _ => {}
                }
            }
        }
    }

    if rules.model_in_org {
        let org = rules.hf_org.as_deref().unwrap_or("");
        items.push(Item {
            key: "track.model_in_org".into(),
            label: format!("A public model under huggingface.co/{org}"),
            status: if model_in_org { Status::Pass } else { Status::Fail },
            message: if model_in_org {
                format!("A public model of the project is under huggingface.co/{org}.")
            } else {
                format!(
                    "Your track requires your model (and adapters) under the event's organization: upload it to huggingface.co/{org}, make it public and link it here {fix}."
                )
            },
            evidence: BTreeMap::from([("org".into(), org.to_owned())]),
        });
    }
    Checklist::from_items(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn rules(model_in_org: bool) -> Rules {
        Rules {
            hacking_starts: Some(t("2026-11-28T08:00:00Z")),
            hacking_ends: Some(t("2026-11-29T15:00:00Z")),
            hf_org: Some("mistral-hackaton-2026".into()),
            model_in_org,
            fix_before: "before Sunday 16:00 your time".into(),
        }
    }

    fn repo() -> GithubRepo {
        GithubRepo {
            owner: "ada".into(),
            repo: "tiny-tutor".into(),
        }
    }

    fn good_github() -> Fetched<GithubFacts> {
        Fetched::Found(GithubFacts {
            private: false,
            fork: false,
            created_at: t("2026-11-28T09:00:00Z"),
            pushed_at: Some(t("2026-11-29T14:00:00Z")),
            commits_in_window: 12,
            commits_before_start: 0,
        })
    }

    fn model(id: &str) -> HfRepo {
        HfRepo {
            kind: HfKind::Model,
            id: id.into(),
        }
    }

    fn good_model(author: &str) -> Fetched<HfFacts> {
        Fetched::Found(HfFacts {
            private: false,
            disabled: false,
            author: Some(author.into()),
            created_at: Some(t("2026-11-28T20:00:00Z")),
        })
    }

    fn evidence(github: Fetched<GithubFacts>, hf: Vec<(HfRepo, Fetched<HfFacts>)>) -> Evidence {
        Evidence {
            fetched_at: t("2026-11-29T14:30:00Z"),
            github: Some((repo(), github)),
            hf,
        }
    }

    fn status_of(list: &Checklist, key: &str) -> Status {
        list.items.iter().find(|i| i.key == key).unwrap().status
    }

    #[test]
    fn a_public_repository_built_during_the_event_with_a_model_in_the_org_passes() {
        let list = evaluate(
            &rules(true),
            &evidence(
                good_github(),
                vec![(
                    model("mistral-hackaton-2026/tiny-tutor"),
                    good_model("mistral-hackaton-2026"),
                )],
            ),
        );
        assert_eq!(list.status, Status::Pass, "{list:#?}");
    }

    #[test]
    fn a_private_or_missing_repository_fails_and_says_what_to_fix_and_by_when() {
        let list = evaluate(
            &rules(false),
            &evidence(Fetched::Missing { status: 404 }, vec![]),
        );
        assert_eq!(list.status, Status::Fail);
        let item = &list.items[0];
        assert!(
            item.message
                .contains("Make it public before Sunday 16:00 your time"),
            "{item:?}"
        );
    }

    #[test]
    fn a_fork_or_a_repository_created_before_the_start_is_flagged_for_review_not_failed() {
        let mut facts = good_github();
        if let Fetched::Found(f) = &mut facts {
            f.fork = true;
            f.created_at = t("2025-01-01T00:00:00Z");
            f.commits_before_start = 3;
        }
        let list = evaluate(&rules(false), &evidence(facts, vec![]));
        assert_eq!(list.status, Status::Review);
        assert_eq!(status_of(&list, "github.fork"), Status::Review);
        assert_eq!(status_of(&list, "github.created"), Status::Review);
        assert_eq!(status_of(&list, "github.commits"), Status::Review);
        assert!(
            list.items
                .iter()
                .any(|i| i.message.contains("can be wrong or forged"))
        );
    }

    #[test]
    fn a_model_under_another_owner_fails_the_fine_tuning_rule_only() {
        let list = evaluate(
            &rules(true),
            &evidence(
                good_github(),
                vec![(model("ada/tiny-tutor"), good_model("ada"))],
            ),
        );
        assert_eq!(status_of(&list, "hf.ada/tiny-tutor.public"), Status::Pass);
        assert_eq!(status_of(&list, "track.model_in_org"), Status::Fail);
        let relaxed = evaluate(
            &rules(false),
            &evidence(
                good_github(),
                vec![(model("ada/tiny-tutor"), good_model("ada"))],
            ),
        );
        assert_eq!(relaxed.status, Status::Pass);
    }

    #[test]
    fn a_rate_limited_provider_leaves_the_check_pending_not_failed() {
        let list = evaluate(
            &rules(false),
            &evidence(
                Fetched::Unavailable {
                    reason: "GitHub's rate limit".into(),
                    retry_at: Some(t("2026-11-29T15:00:00Z")),
                },
                vec![],
            ),
        );
        assert_eq!(list.status, Status::Pending);
        assert!(list.pending());
    }

    #[test]
    fn hugging_face_unknown_creation_dates_are_reviewed_not_trusted() {
        let list = evaluate(
            &rules(false),
            &evidence(
                good_github(),
                vec![(
                    model("ada/old"),
                    Fetched::Found(HfFacts {
                        private: false,
                        disabled: false,
                        author: Some("ada".into()),
                        created_at: Some(t(HF_UNKNOWN_CREATED_AT)),
                    }),
                )],
            ),
        );
        assert_eq!(status_of(&list, "hf.ada/old.created"), Status::Review);
    }

    #[test]
    fn organizers_overrides_replace_an_item_and_a_project_decision_decides_everything() {
        let list = evaluate(
            &rules(false),
            &evidence(Fetched::Missing { status: 404 }, vec![]),
        );
        let over = with_overrides(
            &list,
            &[Override {
                key: "github.public".into(),
                status: Status::Pass,
                reason: "Repository shown to us privately; made public after review".into(),
            }],
        );
        assert_eq!(over.status, Status::Pass);
        let out = with_overrides(
            &over,
            &[Override {
                key: PROJECT_KEY.into(),
                status: Status::Fail,
                reason: "Built before the event".into(),
            }],
        );
        assert_eq!(out.status, Status::Fail);
        assert_eq!(out.items.last().unwrap().message, "Built before the event");
    }
}
