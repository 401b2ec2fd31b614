-- Whether the technology's owner has been told of the suggestion. It is not while the need is staff-only; when a later
-- computation finds the need public or anonymous, the owner is told then, once. Suggestions made before this column
-- count as told: an upgrade does not announce old pairs again.
ALTER TABLE suggestions ADD COLUMN technology_owner_told integer NOT NULL DEFAULT 1;
