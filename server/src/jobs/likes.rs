//! Freezes the like counts of every event whose likes cutoff has passed:
//! the snapshot is taken once, by the first instance to get there.

use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use hackboard_domain::gallery::likes_cutoff;

/// Takes the snapshot of every event whose likes cutoff has passed (the
/// first instance to get there takes it; the others find it taken).
pub async fn freeze_due(store: &Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    for event in store.list_events().await? {
        if let Some(cutoff) = likes_cutoff(&event.definition)
            && now >= cutoff
            && store.like_snapshot(event.id).await?.is_none()
        {
            let s = store.take_like_snapshot(event.id, cutoff, now).await?;
            tracing::info!(event = %event.definition.slug, sha256 = %s.sha256, "likes frozen");
        }
    }
    Ok(())
}
