-- Where each known member of an event's Hugging Face org was seen: the
-- public members list ('list', replaced at each refresh) or the person's own
-- Hugging Face sign-in ('sign_in', which also covers private memberships).
ALTER TABLE hf_org_members ADD COLUMN source TEXT NOT NULL DEFAULT 'list';

-- The last refresh of each event's org from the public members list.
CREATE TABLE hf_org_refreshes (
    event_id        BIGINT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    attempted_at    BIGINT  NOT NULL,
    succeeded_at    BIGINT,
    public_members  BIGINT  NOT NULL DEFAULT 0,
    last_error      TEXT
);
