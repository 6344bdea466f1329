-- Who voided a like (the reason is on the like and in audit_log), and the
-- wild-card finalist an organizer confirmed (once per event).
ALTER TABLE likes ADD COLUMN voided_by BIGINT REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX likes_user ON likes (event_id, user_id);

CREATE TABLE wild_cards (
    event_id      INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    submission_id BIGINT  NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    likes         BIGINT  NOT NULL,
    confirmed_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    confirmed_at  BIGINT  NOT NULL
);
