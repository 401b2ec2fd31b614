-- Ids are Guid text, instants ISO-8601 UTC text and lists JSON text, so one SQL text serves both dialects.
CREATE TABLE technologies (
    id               text PRIMARY KEY,
    organisation_id  text NOT NULL,
    title            text NOT NULL,
    summary          text NOT NULL,
    details          text NULL,
    sector           text NOT NULL,
    keywords         text NOT NULL DEFAULT '[]',
    trl              integer NULL CHECK (trl BETWEEN 1 AND 9),
    ip_status        text NULL CHECK (ip_status IN ('none', 'filed', 'granted')),
    patent_numbers   text NOT NULL DEFAULT '[]',
    licence_models   text NOT NULL DEFAULT '[]',
    language         text NOT NULL CHECK (language IN ('en', 'zh-Hant', 'zh-Hans')),
    status           text NOT NULL CHECK (status IN ('published', 'withdrawn')),
    created_at       text NOT NULL,
    updated_at       text NOT NULL,
    created_by       text NOT NULL
);

-- The catalogue lists published technologies newest first, optionally by sector; an organisation lists its own.
CREATE INDEX ix_technologies_status_created ON technologies (status, created_at DESC, id DESC);
CREATE INDEX ix_technologies_sector_status_created ON technologies (sector, status, created_at DESC, id DESC);
CREATE INDEX ix_technologies_organisation_created ON technologies (organisation_id, created_at DESC, id DESC);
