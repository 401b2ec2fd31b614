-- An event body over about 2 KB (Matching's MatchesSuggested: 20 pairs, about 6.8 KB of JSON) is compressed when its
-- outbox row is written. lz4 does that in half the time of PostgreSQL's default pglz at the same size here: rows of
-- that shape inserted 30 at a time took 123-162 us each with pglz and 55-89 us with lz4, about 3.1 KB stored either
-- way, and the relay read and marked them as fast (PostgreSQL 15, 2026-11-28). Servers before 14, or built without
-- lz4, keep pglz.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE outbox_messages ALTER COLUMN body SET COMPRESSION lz4;
    END IF;
END
$$;
