-- The ranking features each suggestion was scored on (a JSON array in RankingFeatures.Names order), so staff
-- feedback can train the ranking weights; NULL for suggestions stored before features were kept.
ALTER TABLE matches ADD COLUMN features text NULL;

-- The ranking weights learned from staff feedback: one row, absent until there was enough feedback to learn from.
CREATE TABLE ranking_weights (
    id          integer PRIMARY KEY,
    weights     text NOT NULL,                  -- JSON array in RankingFeatures.Names order
    examples    integer NOT NULL,               -- feedback rows they were learned from
    trained_at  text NOT NULL
);
