CREATE TABLE IF NOT EXISTS outbox_messages (
    id            text PRIMARY KEY,
    message_type  text NOT NULL,
    body          text NOT NULL,
    created_at    text NOT NULL,
    sent_at       text NULL,
    attempts      integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_outbox_messages_unsent ON outbox_messages (created_at) WHERE sent_at IS NULL;

CREATE TABLE IF NOT EXISTS inbox_messages (
    consumer      text NOT NULL,
    message_id    text NOT NULL,
    processed_at  text NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
