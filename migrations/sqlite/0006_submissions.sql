-- One submission per team per event, saved with optimistic concurrency: a
-- save names the version it was made from and wins only if that is still
-- the current one (one conditional UPDATE). Every attempt is kept in
-- submission_versions, the losing one of a race too, so nothing a team
-- wrote is ever lost.
CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    team_id      BIGINT  REFERENCES teams (id) ON DELETE SET NULL,
    version      BIGINT  NOT NULL CHECK (version >= 1),
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'submitted')),
    title        TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    submitted_at BIGINT,
    UNIQUE (event_id, team_id)
);

CREATE TABLE submission_versions (
    id            INTEGER PRIMARY KEY,
    submission_id BIGINT  NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    -- the version this save became, or the one it was based on if it lost
    version       BIGINT  NOT NULL,
    accepted      BOOLEAN NOT NULL,
    status        TEXT    NOT NULL,
    content       TEXT    NOT NULL,
    content_hash  TEXT    NOT NULL,
    saved_by      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    saved_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX submission_versions_accepted ON submission_versions (submission_id, version)
    WHERE accepted;

-- An organizer's extension of one team's deadline, with the reason.
CREATE TABLE submission_extensions (
    event_id   BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    team_id    BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    until_at   BIGINT NOT NULL,
    reason     TEXT   NOT NULL,
    granted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (event_id, team_id)
);
