-- Review status of a suggestion: new until staff reject it (feedback not-relevant) or open a deal for it (accepted).
ALTER TABLE matches ADD COLUMN status text NOT NULL DEFAULT 'new';
ALTER TABLE matches ADD COLUMN status_at text NULL;
CREATE INDEX ix_matches_status ON matches (status, created_at);

-- Expressions of interest: one per match (the need has one owner; staff may express it on the owner's behalf).
CREATE TABLE interests (
    id                          text PRIMARY KEY,
    match_id                    text NOT NULL REFERENCES matches (match_id),
    technology_id               text NOT NULL,
    need_id                     text NOT NULL,
    technology_organisation_id  text NOT NULL,
    need_organisation_id        text NOT NULL,
    message                     text NULL,
    expressed_by                text NOT NULL,
    created_at                  text NOT NULL,
    CONSTRAINT uq_interests_match UNIQUE (match_id)
);
CREATE INDEX ix_interests_technology_organisation ON interests (technology_organisation_id, created_at);
CREATE INDEX ix_interests_need_organisation ON interests (need_organisation_id, created_at);

-- Pairs whose deal reached introduced (from Brokerage's DealStageChanged): the technology's owner may then know
-- who owns an anonymous need. Kept once reached.
CREATE TABLE introductions (
    technology_id  text NOT NULL,
    need_id        text NOT NULL,
    introduced_at  text NOT NULL,
    PRIMARY KEY (technology_id, need_id)
);
