-- Gallery settings and the per-track "model under the event's org" rule.
ALTER TABLE events ADD COLUMN gallery_opens TEXT NOT NULL DEFAULT 'hacking_ends';
ALTER TABLE events ADD COLUMN likers TEXT NOT NULL DEFAULT 'signed_in'
    CHECK (likers IN ('signed_in', 'registered'));
ALTER TABLE tracks ADD COLUMN model_in_org BOOLEAN NOT NULL DEFAULT FALSE;

-- The latest eligibility check of each submission: the checklist (JSON of
-- the domain's Checklist) and the evidence it was made from (JSON of
-- Evidence). `due_at` schedules the next check: set by a save, a "check
-- again", the deadline and judging sweeps, or a pending provider's retry
-- time; a job claims due rows with a short lease (due_at moved forward),
-- so with several instances each check runs once and a crashed one is
-- retried.
CREATE TABLE eligibility_checks (
    submission_id BIGINT  PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    event_id      BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status        TEXT    NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pass', 'review', 'pending', 'fail')),
    checklist     TEXT,
    evidence      TEXT,
    content_hash  TEXT,
    checked_at    BIGINT,
    due_at        BIGINT,
    attempts      BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX eligibility_checks_due ON eligibility_checks (due_at) WHERE due_at IS NOT NULL;

-- Organizers' decisions: one per checklist item (or 'project') per
-- submission, with the reason; every decision is also in audit_log.
CREATE TABLE eligibility_overrides (
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    item_key      TEXT   NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('pass', 'review', 'pending', 'fail')),
    reason        TEXT   NOT NULL CHECK (length(reason) > 0),
    decided_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    decided_at    BIGINT NOT NULL,
    PRIMARY KEY (submission_id, item_key)
);

-- Which sweeps (re-check every submission at a milestone) have run, so
-- with several instances each runs once.
CREATE TABLE eligibility_sweeps (
    event_id  BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    milestone TEXT    NOT NULL,
    run_at    BIGINT  NOT NULL,
    PRIMARY KEY (event_id, milestone)
);

-- A project's cover image: checked by content (PNG, JPEG, GIF or WebP,
-- at most 2 MiB), kept in the database so every instance serves it.
CREATE TABLE submission_covers (
    submission_id BIGINT  PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    content_type  TEXT    NOT NULL,
    bytes         BYTEA   NOT NULL,
    sha256        TEXT    NOT NULL,
    uploaded_by   BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at   BIGINT  NOT NULL
);
