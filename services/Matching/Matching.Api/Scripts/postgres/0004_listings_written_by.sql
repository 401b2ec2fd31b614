-- The transaction that last wrote each listing, indexed, so a replica's index catch-up (ReplicaIndex) finds the
-- listings written since its previous snapshot through the index instead of scanning the table for every match.
-- Every transaction a snapshot does not see has an id at or above the snapshot's xmin.
ALTER TABLE listings ADD COLUMN written_by xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX ix_listings_written_by ON listings (written_by);

CREATE FUNCTION listings_record_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.written_by := pg_current_xact_id();
    RETURN NEW;
END;
$$;

CREATE TRIGGER listings_record_writer
    BEFORE UPDATE ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_record_writer();
