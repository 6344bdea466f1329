//! A team's project submission: its fields, checked field by field; the
//! GitHub repository and Hugging Face repos it links, parsed (never
//! fetched as typed); and whether the team may still save.

use crate::event::{EventDefinition, Milestone, MilestoneKind};
use crate::team::closed_words;
use crate::timeline::resolve;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A GitHub repository, from its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GithubRepo {
    pub owner: String,
    pub repo: String,
}

/// What kind of Hugging Face repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HfKind {
    Model,
    Dataset,
    Space,
}

/// A Hugging Face repository, from its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HfRepo {
    pub kind: HfKind,
    /// `owner/name`.
    pub id: String,
}

impl HfRepo {
    pub fn owner(&self) -> &str {
        self.id.split('/').next().unwrap_or("")
    }
}

fn valid_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The path of an `https://` URL on exactly `hosts`, or why not.
fn path_on<'a>(url: &'a str, hosts: &[&str], what: &str) -> Result<Vec<&'a str>, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("Give the full address of the {what}, starting with https://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    if !hosts.contains(&host.as_str()) {
        return Err(format!(
            "That is not a {what}: the address must be on {}.",
            hosts[0]
        ));
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    Ok(path.split('/').filter(|s| !s.is_empty()).collect())
}

/// `https://github.com/owner/repo` (with or without `.git`, a trailing
/// slash or a deeper path such as `/tree/main`).
pub fn parse_github_repo(url: &str) -> Result<GithubRepo, String> {
    let parts = path_on(url, &["github.com", "www.github.com"], "GitHub repository")?;
    let (owner, repo) = match parts.as_slice() {
        [owner, repo, ..] => (*owner, repo.trim_end_matches(".git")),
        _ => {
            return Err(
                "That is not a GitHub repository: use https://github.com/<owner>/<repository>."
                    .into(),
            );
        }
    };
    if !valid_name(owner, 39) || !valid_name(repo, 100) {
        return Err("That GitHub repository name has characters GitHub does not allow.".into());
    }
    Ok(GithubRepo {
        owner: owner.to_owned(),
        repo: repo.to_owned(),
    })
}

/// `https://huggingface.co/owner/name` (a model),
/// `…/datasets/owner/name` or `…/spaces/owner/name`.
pub fn parse_hf_repo(url: &str) -> Result<HfRepo, String> {
    let parts = path_on(
        url,
        &["huggingface.co", "www.huggingface.co"],
        "Hugging Face repository",
    )?;
    let (kind, rest) = match parts.as_slice() {
        ["datasets", rest @ ..] => (HfKind::Dataset, rest),
        ["spaces", rest @ ..] => (HfKind::Space, rest),
        rest => (HfKind::Model, rest),
    };
    match rest {
        [owner, name, ..] if valid_name(owner, 96) && valid_name(name, 96) => Ok(HfRepo {
            kind,
            id: format!("{owner}/{name}"),
        }),
        _ => Err(
            "That is not a Hugging Face repository: use https://huggingface.co/<owner>/<name> (or /datasets/… or /spaces/…)."
                .into(),
        ),
    }
}

/// What a team submits, as stored and versioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionContent {
    pub title: String,
    pub tagline: String,
    /// Markdown (rendered through the sanitizer).
    pub description: String,
    pub tracks: Vec<String>,
    pub github_url: String,
    pub hf_urls: Vec<String>,
    pub demo_video_url: String,
    pub live_demo_url: String,
    pub built_with: Vec<String>,
}

impl SubmissionContent {
    /// The stored JSON form (empty fields if it cannot be read).
    pub fn from_json(text: &str) -> SubmissionContent {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// SHA-256 of the canonical JSON form, in hex: what the receipt shows.
    pub fn hash(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let digest = Sha256::digest(json.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Limits on each field.
pub const MAX_TITLE: usize = 120;
pub const MAX_TAGLINE: usize = 200;
pub const MAX_DESCRIPTION: usize = 20_000;
pub const MAX_LINKS: usize = 10;
pub const MAX_TAGS: usize = 20;

fn web_url(url: &str) -> bool {
    let u = url.trim();
    (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 500
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
        && u.split("://")
            .nth(1)
            .is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
}

/// Checks a submission field by field (every problem at once). A draft may
/// leave fields empty; submitting needs a title, a tagline, a track and the
/// GitHub repository.
pub fn check(
    content: &SubmissionContent,
    event: &EventDefinition,
    submitting: bool,
) -> Result<SubmissionContent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = SubmissionContent {
        title: one_line(&content.title),
        tagline: one_line(&content.tagline),
        description: content.description.trim().to_owned(),
        tracks: content
            .tracks
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
        github_url: content.github_url.trim().to_owned(),
        hf_urls: content
            .hf_urls
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect(),
        demo_video_url: content.demo_video_url.trim().to_owned(),
        live_demo_url: content.live_demo_url.trim().to_owned(),
        built_with: content
            .built_with
            .iter()
            .map(|t| one_line(t))
            .filter(|t| !t.is_empty())
            .collect(),
    };
    if out.title.chars().count() > MAX_TITLE {
        bad(
            "title",
            format!("The title is longer than {MAX_TITLE} characters."),
        );
    }
    if out.tagline.chars().count() > MAX_TAGLINE {
        bad(
            "tagline",
            format!("The tagline is longer than {MAX_TAGLINE} characters."),
        );
    }
    if out.description.chars().count() > MAX_DESCRIPTION {
        bad(
            "description",
            format!("The description is longer than {MAX_DESCRIPTION} characters."),
        );
    }
    for t in &out.tracks {
        if !event.tracks.iter().any(|x| x.slug.as_str() == t) {
            bad("tracks", format!("There is no track “{t}” in this event."));
        }
    }
    if out.tracks.len() > event.tracks_per_team.max(1) as usize {
        bad(
            "tracks",
            format!("Choose at most {} track(s).", event.tracks_per_team.max(1)),
        );
    }
    if !out.github_url.is_empty()
        && let Err(e) = parse_github_repo(&out.github_url)
    {
        bad("github_url", e);
    }
    if out.hf_urls.len() > MAX_LINKS {
        bad(
            "hf_urls",
            format!("At most {MAX_LINKS} Hugging Face links."),
        );
    }
    for u in &out.hf_urls {
        if let Err(e) = parse_hf_repo(u) {
            bad("hf_urls", format!("{u}: {e}"));
        }
    }
    for (field, u) in [
        ("demo_video_url", &out.demo_video_url),
        ("live_demo_url", &out.live_demo_url),
    ] {
        if !u.is_empty() && !web_url(u) {
            bad(field, "Give a web address starting with https://".into());
        }
    }
    if out.built_with.len() > MAX_TAGS {
        bad(
            "built_with",
            format!("At most {MAX_TAGS} “built with” tags."),
        );
    }
    if submitting {
        if out.title.is_empty() {
            bad("title", "A submitted project needs a title.".into());
        }
        if out.tagline.is_empty() {
            bad("tagline", "A submitted project needs a tagline.".into());
        }
        if out.tracks.is_empty() && !event.tracks.is_empty() {
            bad("tracks", "Choose the track you enter.".into());
        }
        if out.github_url.is_empty() {
            bad(
                "github_url",
                "A submitted project needs its public GitHub repository.".into(),
            );
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The largest cover image accepted.
pub const MAX_COVER_BYTES: usize = 2 * 1024 * 1024;

/// A cover image's type, from its content (never from its name or the
/// type the browser claims), or why it is refused.
pub fn cover_type(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("Choose an image file.".into());
    }
    if bytes.len() > MAX_COVER_BYTES {
        return Err("The image is larger than 2 MB: make it smaller and upload it again.".into());
    }
    let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err("That file is not a PNG, JPEG, GIF or WebP image.".into());
    };
    Ok(kind)
}

/// Whether a team in `team_zone` may still save: until the submission
/// deadline (hacking ends, in the team's zone) or a later extension.
pub fn open_for_saving(
    milestones: &[Milestone],
    now: DateTime<Utc>,
    team_zone: Tz,
    viewer_zone: Tz,
    extension: Option<DateTime<Utc>>,
) -> Result<(), String> {
    let Some(m) = milestones
        .iter()
        .find(|m| m.kind == MilestoneKind::HackingEnds)
    else {
        return Ok(());
    };
    let deadline = resolve(&m.time, team_zone);
    let until = extension.map_or(deadline, |e| e.max(deadline));
    if now < until {
        Ok(())
    } else if until > deadline {
        Err("Your extension has ended: the submission can no longer change.".into())
    } else {
        Err(format!(
            "Submissions closed on {}.",
            closed_words(m, deadline, team_zone, viewer_zone)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cover_is_recognised_by_its_content_and_anything_else_is_refused() {
        assert_eq!(cover_type(b"\x89PNG\r\n\x1a\n rest").unwrap(), "image/png");
        assert_eq!(
            cover_type(&[0xFF, 0xD8, 0xFF, 0xE0, 1]).unwrap(),
            "image/jpeg"
        );
        assert_eq!(cover_type(b"GIF89a....").unwrap(), "image/gif");
        assert_eq!(cover_type(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), "image/webp");
        assert!(cover_type(b"<svg onload=alert(1)>").is_err());
        assert!(cover_type(b"<html><script>").is_err());
        assert!(cover_type(b"").is_err());
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_COVER_BYTES + 1, 0);
        assert!(cover_type(&big).unwrap_err().contains("larger than 2 MB"));
    }

    #[test]
    fn github_urls_give_owner_and_repository_and_nothing_else_is_accepted() {
        for url in [
            "https://github.com/mistralai/cookbook",
            "https://github.com/mistralai/cookbook/",
            "https://github.com/mistralai/cookbook.git",
            "https://www.github.com/mistralai/cookbook/tree/main/x?y=1#z",
            "  https://GitHub.com/mistralai/cookbook ",
        ] {
            assert_eq!(
                parse_github_repo(url).unwrap(),
                GithubRepo {
                    owner: "mistralai".into(),
                    repo: "cookbook".into()
                },
                "{url}"
            );
        }
        for url in [
            "github.com/a/b",
            "https://gitlab.com/a/b",
            "https://github.com.evil.example/a/b",
            "https://github.com/a",
            "https://github.com/a/b%2F..",
            "https://github.com/../b",
            "javascript:alert(1)",
        ] {
            assert!(parse_github_repo(url).is_err(), "{url}");
        }
    }

    #[test]
    fn hugging_face_urls_give_kind_and_id() {
        let m = parse_hf_repo("https://huggingface.co/mistral-hackaton-2026/tutor-lora").unwrap();
        assert_eq!(
            (m.kind, m.id.as_str(), m.owner()),
            (
                HfKind::Model,
                "mistral-hackaton-2026/tutor-lora",
                "mistral-hackaton-2026"
            )
        );
        let d = parse_hf_repo("https://huggingface.co/datasets/ada/breton/tree/main").unwrap();
        assert_eq!((d.kind, d.id.as_str()), (HfKind::Dataset, "ada/breton"));
        let s = parse_hf_repo("https://huggingface.co/spaces/ada/demo").unwrap();
        assert_eq!(s.kind, HfKind::Space);
        for url in [
            "https://huggingface.co/ada",
            "https://hf.co/ada/x",
            "https://huggingface.co/spaces/ada",
            "http://huggingface.co.evil/ada/x",
        ] {
            assert!(parse_hf_repo(url).is_err(), "{url}");
        }
    }

    #[test]
    fn the_hash_changes_with_any_field_and_only_then() {
        let a = SubmissionContent {
            title: "Tutor".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        assert_eq!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 64);
        b.tagline = "x".into();
        assert_ne!(a.hash(), b.hash());
    }

    fn demo() -> EventDefinition {
        crate::demo::demo_event(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
    }

    #[test]
    fn the_deadline_is_sunday_16_00_in_each_team_zone_to_the_millisecond() {
        let def = demo();
        let end = def
            .milestones
            .iter()
            .find(|m| m.kind == MilestoneKind::HackingEnds)
            .unwrap();
        for zone in [chrono_tz::Asia::Tokyo, chrono_tz::America::New_York] {
            let deadline = resolve(&end.time, zone);
            let ms = chrono::Duration::milliseconds(1);
            assert!(open_for_saving(&def.milestones, deadline - ms, zone, zone, None).is_ok());
            let err = open_for_saving(&def.milestones, deadline, zone, zone, None).unwrap_err();
            assert_eq!(err, "Submissions closed on Sunday 16:00.");
            // An extension keeps it open until it ends.
            let ext = Some(deadline + chrono::Duration::hours(2));
            assert!(open_for_saving(&def.milestones, deadline, zone, zone, ext).is_ok());
            assert!(
                open_for_saving(
                    &def.milestones,
                    deadline + chrono::Duration::hours(2),
                    zone,
                    zone,
                    ext
                )
                .unwrap_err()
                .contains("extension has ended")
            );
        }
        let tokyo = resolve(&end.time, chrono_tz::Asia::Tokyo);
        let new_york = resolve(&end.time, chrono_tz::America::New_York);
        assert!(tokyo < new_york, "Tokyo's Sunday 16:00 comes first");
        // A Tokyo viewer of a New York team sees both times.
        let err = open_for_saving(
            &demo().milestones,
            new_york,
            chrono_tz::America::New_York,
            chrono_tz::Asia::Tokyo,
            None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            "Submissions closed on Sunday 16:00 (your time: Monday 06:00)."
        );
    }

    #[test]
    fn a_submission_is_checked_field_by_field_and_drafts_may_be_incomplete() {
        let def = demo();
        let draft = SubmissionContent {
            title: "  Breton   tutor ".into(),
            ..Default::default()
        };
        let ok = check(&draft, &def, false).unwrap();
        assert_eq!(ok.title, "Breton tutor");
        let errors = check(&draft, &def, true).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tagline", "tracks", "github_url"]);
        let bad = SubmissionContent {
            title: "T".into(),
            tagline: "t".into(),
            tracks: vec!["knitting".into()],
            github_url: "https://gitlab.com/a/b".into(),
            hf_urls: vec![
                "https://huggingface.co/ada/x".into(),
                "https://example.com/x".into(),
            ],
            demo_video_url: "javascript:alert(1)".into(),
            ..Default::default()
        };
        let errors = check(&bad, &def, true).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["tracks", "github_url", "hf_urls", "demo_video_url"]
        );
        let good = SubmissionContent {
            title: "T".into(),
            tagline: "t".into(),
            tracks: vec!["fine-tuning".into()],
            github_url: "https://github.com/ada/tutor".into(),
            hf_urls: vec!["https://huggingface.co/mistral-hackaton-2026/tutor".into()],
            live_demo_url: "https://tutor.example".into(),
            ..Default::default()
        };
        assert!(check(&good, &def, true).is_ok());
    }
}
