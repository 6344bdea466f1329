-- Teams of an event. `member_count` is kept by the same transaction that
-- adds or removes a member; a join is one conditional UPDATE on it
-- (`member_count < max`), so the limit holds under any concurrency.
ALTER TABLE events ADD COLUMN tracks_per_team BIGINT NOT NULL DEFAULT 1;

CREATE TABLE teams (
    id                  INTEGER PRIMARY KEY,
    event_id            INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name                TEXT    NOT NULL CHECK (length(name) > 0),
    -- the name without case or extra spaces: unique within the event
    name_key            TEXT    NOT NULL,
    description         TEXT    NOT NULL DEFAULT '',
    time_zone           TEXT    NOT NULL,
    captain_id          INTEGER NOT NULL REFERENCES users (id),
    -- the join code of the team's invite link (replaced on demand)
    invite_code         TEXT    NOT NULL UNIQUE,
    looking_for_members BOOLEAN NOT NULL DEFAULT FALSE,
    wanted_skills       TEXT    NOT NULL DEFAULT '',
    member_count        BIGINT  NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    created_at          BIGINT  NOT NULL,
    UNIQUE (event_id, name_key)
);

CREATE TABLE team_members (
    -- joining order: the longest-standing member has the smallest id
    id        INTEGER PRIMARY KEY,
    team_id   INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at BIGINT  NOT NULL,
    -- one team per person per event
    UNIQUE (event_id, user_id),
    UNIQUE (team_id, user_id)
);
CREATE INDEX team_members_team ON team_members (team_id, id);

-- Pending invitations (a member invited someone) and requests (someone
-- asked to join). One of each kind per team and person.
CREATE TABLE team_requests (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('invitation', 'request')),
    created_by INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message    TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    UNIQUE (team_id, user_id, kind)
);

CREATE TABLE team_tracks (
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    track_slug TEXT    NOT NULL,
    PRIMARY KEY (team_id, track_slug)
);

-- What a participant tells the team finder.
CREATE TABLE finder_profiles (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idea       TEXT    NOT NULL DEFAULT '',
    track_slug TEXT,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (event_id, user_id)
);

-- Organizer actions that bypass the rules, with who, what, when and why.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
CREATE INDEX audit_log_event ON audit_log (event_id, id);
