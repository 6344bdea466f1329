-- A save that could not be applied (a field was wrong, or someone saved
-- first) is kept here so the form shows the person's own text again, even
-- without JavaScript. Nothing a team typed is lost.
CREATE TABLE submission_attempts (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    team_id      BIGINT  NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    base_version BIGINT  NOT NULL,
    submit       BOOLEAN NOT NULL,
    content      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
