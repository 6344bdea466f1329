//! The like button, the gallery, the likes results and the likes review.

use super::notice::Notice;
use serde::{Deserialize, Serialize};

/// A like button: the count, whether the viewer likes it, and whether (or
/// why not) they can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LikeButtonView {
    pub slug: String,
    pub id: i64,
    pub likes: i64,
    pub liked: bool,
    pub can_like: bool,
    /// Why the viewer cannot like (sign in, own project, closed…).
    pub note: Option<String>,
}

/// What a like or withdrawal did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LikeOut {
    pub likes: i64,
    pub liked: bool,
    /// A refusal, in words.
    pub error: Option<String>,
}

/// A project's card in the gallery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GalleryCard {
    pub id: i64,
    pub title: String,
    pub tagline: String,
    pub team: String,
    pub tracks: Vec<String>,
    pub cover_url: Option<String>,
    /// `pass`, `review`, `pending`, `fail` or `unchecked`.
    pub eligibility: String,
    pub eligibility_label: String,
    pub like: LikeButtonView,
}

/// The gallery: public projects, filtered, sorted and paginated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GalleryView {
    pub slug: String,
    pub event_name: String,
    /// Before the gallery opens: when it does.
    pub closed_until: Option<String>,
    /// Likes: open until…, or frozen.
    pub likes_note: String,
    /// (slug, name).
    pub tracks: Vec<(String, String)>,
    pub track: String,
    pub q: String,
    /// `random`, `likes` or `newest`.
    pub sort: String,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub cards: Vec<GalleryCard>,
}

/// One line of the likes results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StandingRow {
    pub rank: usize,
    pub id: i64,
    pub title: String,
    pub team: String,
    pub frozen: Option<i64>,
    pub voided_after: i64,
    pub likes: i64,
    pub eligible: bool,
}

/// The likes results: the frozen counts with their hash, the wild card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultsView {
    pub slug: String,
    pub event_name: String,
    pub notice: Option<Notice>,
    /// When the counts freeze (or froze), in words.
    pub cutoff: String,
    pub frozen: bool,
    pub sha256: Option<String>,
    /// The canonical JSON the hash is of.
    pub canonical: Option<String>,
    pub rule: String,
    pub rows: Vec<StandingRow>,
    /// (id, title, likes) of the proposed wild card.
    pub proposed: Option<(i64, String, i64)>,
    /// (title, likes, confirmed by, when).
    pub confirmed: Option<(String, i64, String, String)>,
    pub organizer: bool,
}

/// One like in the integrity review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewLike {
    pub id: i64,
    pub who: String,
    pub project: String,
    pub when: String,
    pub state: String,
}

/// A group of likes worth a look, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewGroup {
    pub kind: String,
    pub title: String,
    pub likes: Vec<ReviewLike>,
}

/// The organizers' likes integrity review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikesReviewView {
    pub slug: String,
    pub event_name: String,
    pub signed_in: bool,
    pub allowed: bool,
    pub notice: Option<Notice>,
    pub total: usize,
    pub groups: Vec<ReviewGroup>,
    /// Voided likes, as the audit shows them.
    pub voided: Vec<ReviewLike>,
}
