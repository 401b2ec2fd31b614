-- Read models, filled by consumers. Events may arrive out of order, so each row keeps the instant of the event whose
-- data it holds (content_at) and when it was withdrawn or closed; withdrawal and closing are final.
CREATE TABLE technologies (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL,
    title            text NOT NULL DEFAULT '',
    status           text NOT NULL,
    content_at       text NULL,
    withdrawn_at     text NULL
);

CREATE TABLE needs (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL,
    title            text NOT NULL DEFAULT '',
    visibility       text NOT NULL DEFAULT 'staff-only',
    status           text NOT NULL,
    content_at       text NULL,
    closed_at        text NULL
);

CREATE TABLE suggestions (
    match_id                    text PRIMARY KEY,
    technology_id               text NOT NULL,
    technology_organisation_id  text NOT NULL,
    need_id                     text NOT NULL,
    need_organisation_id        text NOT NULL,
    score                       double precision NOT NULL,
    suggested_at                text NOT NULL
);
CREATE INDEX ix_suggestions_pair ON suggestions (technology_id, need_id);

CREATE TABLE deals (
    id                          text PRIMARY KEY,
    technology_id               text NOT NULL,
    need_id                     text NOT NULL,
    match_id                    text NULL,
    technology_organisation_id  text NOT NULL,
    need_organisation_id        text NOT NULL,
    stage                       text NOT NULL,
    created_at                  text NOT NULL,
    updated_at                  text NOT NULL,
    created_by                  text NOT NULL
);
-- One open deal per pair; a completed or declined deal leaves room for a new one.
CREATE UNIQUE INDEX ux_deals_open_pair ON deals (technology_id, need_id) WHERE stage NOT IN ('completed', 'declined');
CREATE INDEX ix_deals_stage ON deals (stage, updated_at);
CREATE INDEX ix_deals_technology_organisation ON deals (technology_organisation_id);
CREATE INDEX ix_deals_need_organisation ON deals (need_organisation_id);

-- Append-only: step numbers each deal's moves, so two concurrent moves of one deal cannot both be recorded.
CREATE TABLE deal_history (
    deal_id     text NOT NULL REFERENCES deals (id),
    step        integer NOT NULL,
    from_stage  text NULL,
    to_stage    text NOT NULL,
    note        text NULL,
    reason      text NULL,
    changed_by  text NOT NULL,
    changed_at  text NOT NULL,
    PRIMARY KEY (deal_id, step)
);
CREATE INDEX ix_deal_history_to_stage ON deal_history (to_stage, deal_id);

CREATE FUNCTION deal_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deal_history is append-only';
END;
$$;

CREATE TRIGGER deal_history_append_only
    BEFORE UPDATE OR DELETE ON deal_history
    FOR EACH ROW EXECUTE FUNCTION deal_history_is_append_only();
