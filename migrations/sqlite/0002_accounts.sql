-- Accounts, sessions, sign-in links, API tokens, rate limits, roles,
-- registrations and invites, the mail outbox, Hugging Face org membership.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    -- the address mail goes to; accounts are never merged by it
    email         TEXT,
    time_zone     TEXT    NOT NULL DEFAULT 'UTC',
    country       TEXT    NOT NULL DEFAULT '',
    -- JSON array of strings
    skills        TEXT    NOT NULL DEFAULT '[]',
    github_handle TEXT,
    hf_handle     TEXT,
    bio           TEXT    NOT NULL DEFAULT '',
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX users_email ON users (email);

-- One row per way to sign in: (provider, the provider's immutable id).
CREATE TABLE identities (
    provider   TEXT    NOT NULL CHECK (provider IN ('github', 'huggingface', 'email')),
    subject    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login      TEXT,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's random token
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_tokens (
    token_hash TEXT   PRIMARY KEY,
    email      TEXT   NOT NULL,
    next_path  TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE oauth_flows (
    state_hash    TEXT    PRIMARY KEY,
    provider      TEXT    NOT NULL,
    pkce_verifier TEXT    NOT NULL,
    next_path     TEXT,
    -- set when a signed-in user links a further identity
    link_user_id  INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    used_at       BIGINT
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);

CREATE TABLE rate_limits (
    bucket       TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE event_roles (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT    NOT NULL CHECK (role IN ('judge', 'organizer')),
    granted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);

-- Registration settings live beside the event definition.
ALTER TABLE events ADD COLUMN capacity BIGINT;
ALTER TABLE events ADD COLUMN invite_only BOOLEAN NOT NULL DEFAULT FALSE;
-- JSON array of questions
ALTER TABLE events ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
-- maintained in the same statement that registers someone, so capacity
-- holds under any concurrency
ALTER TABLE events ADD COLUMN registered_count BIGINT NOT NULL DEFAULT 0;

CREATE TABLE registrations (
    id                INTEGER PRIMARY KEY,
    event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status            TEXT    NOT NULL CHECK (status IN ('registered', 'waitlisted', 'rejected', 'withdrawn')),
    -- order on the waitlist (the registration order)
    seq               BIGINT  NOT NULL,
    answers           TEXT    NOT NULL,
    looking_for_team  BOOLEAN NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX registrations_event_status ON registrations (event_id, status, seq);

CREATE TABLE registration_invites (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    max_uses   BIGINT  NOT NULL CHECK (max_uses > 0),
    uses       BIGINT  NOT NULL DEFAULT 0,
    expires_at BIGINT,
    created_at BIGINT  NOT NULL,
    CHECK (uses <= max_uses)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    locked_until    BIGINT,
    sent_at         BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);

-- Who is in an event's Hugging Face org, as last seen.
CREATE TABLE hf_org_members (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    username TEXT    NOT NULL,
    seen_at  BIGINT  NOT NULL,
    PRIMARY KEY (event_id, username)
);

-- The record at the org-joining deadline (the API gives no join dates).
CREATE TABLE hf_org_snapshots (
    event_id INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    taken_at BIGINT  NOT NULL,
    -- JSON array of usernames, sorted
    members  TEXT    NOT NULL
);
