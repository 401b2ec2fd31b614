-- When a notification reached the inbox; created_at is when its event happened. The e-mail digest sends what arrived
-- since the last digest, so a notification whose event was delivered late is still sent.
ALTER TABLE notifications ADD COLUMN arrived_at text NULL;
UPDATE notifications SET arrived_at = created_at;
CREATE INDEX ix_notifications_arrived ON notifications (arrived_at);
