-- The Matching service's own copy of every technology and need it heard of, open or not; updated_at is the
-- OccurredAt of the last event applied, so an older event delivered late is recognised and ignored.
CREATE TABLE listings (
    id               text PRIMARY KEY,
    kind             text NOT NULL,             -- technology | need
    organisation_id  text NOT NULL,
    title            text NOT NULL,
    body             text NOT NULL,             -- technology summary | need problem
    keywords         text NOT NULL,             -- JSON array
    sector           text NULL,
    trl              integer NULL,              -- technology TRL | need minimum TRL
    language         text NOT NULL,
    visibility       text NOT NULL,             -- public | anonymous | staff-only
    open             integer NOT NULL,
    updated_at       text NOT NULL
);
CREATE INDEX ix_listings_kind_id ON listings (kind, id);

-- One row per technology/need pair: re-matching updates the row, so match_id stays stable for Brokerage.
CREATE TABLE matches (
    match_id                    text PRIMARY KEY,
    technology_id               text NOT NULL,
    need_id                     text NOT NULL,
    technology_organisation_id  text NOT NULL,
    need_organisation_id        text NOT NULL,
    score                       double precision NOT NULL,
    explanation                 text NOT NULL,  -- JSON { summary, terms, features }
    active                      integer NOT NULL,
    created_at                  text NOT NULL,
    updated_at                  text NOT NULL,
    CONSTRAINT uq_matches_technology_need UNIQUE (technology_id, need_id)
);
CREATE INDEX ix_matches_need ON matches (need_id);

CREATE TABLE feedback (
    id          text PRIMARY KEY,
    match_id    text NOT NULL REFERENCES matches (match_id),
    verdict     text NOT NULL,                  -- relevant | not-relevant
    reason      text NULL,
    user_id     text NOT NULL,
    created_at  text NOT NULL
);
CREATE INDEX ix_feedback_match ON feedback (match_id);
