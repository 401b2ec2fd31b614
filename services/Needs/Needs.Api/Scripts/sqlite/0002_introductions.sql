-- Universities introduced to a need's owner by a deal that reached introduced (from Brokerage's DealStageChanged):
-- they may then know who owns an anonymous need. Kept once reached.
CREATE TABLE introductions (
    need_id                     text NOT NULL,
    technology_organisation_id  text NOT NULL,
    introduced_at               text NOT NULL,
    PRIMARY KEY (need_id, technology_organisation_id)
);
