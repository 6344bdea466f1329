-- Sponsor credits: how each offer is given, and its coupon codes. A code
-- goes to at most one owner (a person or a team) and is never handed out
-- again once assigned, even if its team disappears; a person or team holds at
-- most one live code per offer (partial unique indexes), so a claim racing
-- another claim or the organizers' distribution cannot hand out two.
ALTER TABLE credit_offers ADD COLUMN eligible TEXT NOT NULL DEFAULT 'registered';
ALTER TABLE credit_offers ADD COLUMN delivery TEXT NOT NULL DEFAULT 'claim'
    CHECK (delivery IN ('claim', 'organizer', 'direct'));
ALTER TABLE credit_offers ADD COLUMN opens TEXT;
ALTER TABLE credit_offers ADD COLUMN closes TEXT;

CREATE TABLE credit_codes (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- an offer with codes cannot be removed from the event file
    offer_id       BIGINT NOT NULL REFERENCES credit_offers (id) ON DELETE RESTRICT,
    code           TEXT   NOT NULL CHECK (length(code) > 0),
    value          TEXT,
    expires_at     BIGINT,
    imported_at    BIGINT NOT NULL,
    owner_user_id  BIGINT REFERENCES users (id),
    owner_team_id  BIGINT REFERENCES teams (id) ON DELETE SET NULL,
    assigned_at    BIGINT,
    revoked_at     BIGINT,
    revoked_reason TEXT,
    CHECK (owner_user_id IS NULL OR owner_team_id IS NULL),
    UNIQUE (offer_id, code)
);
CREATE INDEX credit_codes_free ON credit_codes (offer_id, id)
    WHERE assigned_at IS NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX credit_codes_one_per_person ON credit_codes (offer_id, owner_user_id)
    WHERE owner_user_id IS NOT NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX credit_codes_one_per_team ON credit_codes (offer_id, owner_team_id)
    WHERE owner_team_id IS NOT NULL AND revoked_at IS NULL;
