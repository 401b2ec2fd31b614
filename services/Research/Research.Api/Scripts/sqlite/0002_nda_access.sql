-- Enterprises whose deal with a technology reached nda-signed (from Brokerage's DealStageChanged): they may read
-- its details. Kept once granted.
CREATE TABLE nda_access (
    technology_id    text NOT NULL,
    organisation_id  text NOT NULL,
    granted_at       text NOT NULL,
    PRIMARY KEY (technology_id, organisation_id)
);
