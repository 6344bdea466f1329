-- Likes of submitted projects. One live like per account per project (a
-- partial unique index); a withdrawn or voided like stays, marked, for the
-- audit. At the likes-extraction cutoff the counts are frozen once in
-- like_snapshots; taking it waits for likes in flight (PostgreSQL: a SHARE
-- lock on likes), and a like is refused in its own INSERT once a snapshot
-- exists or the cutoff has passed, so no like is lost or counted twice.
CREATE TABLE likes (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    client_hash   TEXT   NOT NULL DEFAULT '',
    agent_hash    TEXT   NOT NULL DEFAULT '',
    withdrawn_at  BIGINT,
    voided_at     BIGINT,
    void_reason   TEXT
);
CREATE UNIQUE INDEX likes_one_per_account ON likes (submission_id, user_id)
    WHERE withdrawn_at IS NULL AND voided_at IS NULL;
CREATE INDEX likes_event ON likes (event_id, submission_id);

CREATE TABLE like_snapshots (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    cutoff_at BIGINT NOT NULL,
    taken_at  BIGINT NOT NULL,
    -- canonical JSON: [{"submission_id", "likes", "rank"}…]
    counts    TEXT   NOT NULL,
    sha256    TEXT   NOT NULL
);
