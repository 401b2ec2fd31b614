-- Ids are Guid text, instants ISO-8601 UTC text, dates yyyy-MM-dd text and lists JSON text, so one SQL text serves
-- both dialects. Budget amounts are numeric; reads cast them to text so both dialects hand back exact decimals.
CREATE TABLE needs (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL,
    title            text NOT NULL,
    problem          text NOT NULL,
    sector           text NULL,
    keywords         text NOT NULL DEFAULT '[]',
    min_trl          integer NULL CHECK (min_trl BETWEEN 1 AND 9),
    budget_min       numeric NULL CHECK (budget_min >= 0),
    budget_max       numeric NULL CHECK (budget_max >= budget_min),
    budget_currency  text NULL,
    deadline         text NULL,
    visibility       text NOT NULL CHECK (visibility IN ('public', 'anonymous', 'staff-only')),
    language         text NOT NULL CHECK (language IN ('en', 'zh-Hant', 'zh-Hans')),
    status           text NOT NULL CHECK (status IN ('open', 'closed')),
    created_at       text NOT NULL,
    updated_at       text NOT NULL,
    created_by       text NOT NULL
);

-- Browsing lists open needs newest first, optionally by sector; an enterprise lists its own (mine=true).
CREATE INDEX ix_needs_status_created ON needs (status, created_at DESC, id DESC);
CREATE INDEX ix_needs_sector_status_created ON needs (sector, status, created_at DESC, id DESC);
CREATE INDEX ix_needs_organisation_created ON needs (organisation_id, created_at DESC, id DESC);
