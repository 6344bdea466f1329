-- Events and what defines them: links, milestones, tracks, credit offers.
-- Instants are BIGINT milliseconds since the Unix epoch, UTC; every instant
-- milestone keeps the IANA zone it was defined in.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL CHECK (length(name) > 0),
    description TEXT    NOT NULL,
    home_zone   TEXT    NOT NULL,
    format      TEXT    NOT NULL CHECK (format IN ('online', 'on_site', 'hybrid')),
    rules       TEXT    NOT NULL,
    hf_org      TEXT,
    team_min    INTEGER NOT NULL CHECK (team_min >= 1),
    team_max    INTEGER NOT NULL CHECK (team_max >= team_min),
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    -- bumped by every change; caches of the definition revalidate on it
    revision    BIGINT  NOT NULL DEFAULT 1
);

CREATE TABLE event_links (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label    TEXT    NOT NULL,
    url      TEXT    NOT NULL,
    PRIMARY KEY (event_id, position)
);

CREATE TABLE milestones (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    -- an instant milestone: UTC milliseconds and the zone it was defined in
    at_utc     BIGINT,
    zone       TEXT,
    -- a local-time milestone: wall-clock time 'YYYY-MM-DDTHH:MM:SS'
    local_time TEXT,
    PRIMARY KEY (event_id, position),
    CHECK ((at_utc IS NOT NULL AND zone IS NOT NULL AND local_time IS NULL)
        OR (at_utc IS NULL AND zone IS NULL AND local_time IS NOT NULL))
);
CREATE UNIQUE INDEX milestones_one_per_kind ON milestones (event_id, kind) WHERE kind <> 'custom';

CREATE TABLE tracks (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slug         TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    sponsor      TEXT,
    -- JSON array of strings
    requirements TEXT    NOT NULL,
    UNIQUE (event_id, slug)
);

CREATE TABLE credit_offers (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    slug     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    sponsor  TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    redeem   TEXT    NOT NULL,
    per      TEXT    NOT NULL CHECK (per IN ('person', 'team')),
    UNIQUE (event_id, slug)
);
