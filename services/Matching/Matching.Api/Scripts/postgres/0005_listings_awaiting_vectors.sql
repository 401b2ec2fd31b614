-- Listings matched before their sentence vectors existed (semantic ranking on, English text not yet embedded): the
-- SemanticRematch worker matches each again once its vector is ready, announcing only the suggestions that are new,
-- and deletes the row. A table of its own, so queuing and clearing never rewrite the listing (nor its written_by).
CREATE TABLE listings_awaiting_vectors (
    listing_id  text PRIMARY KEY,
    queued_at   text NOT NULL
);
