-- Notes staff write on a deal without moving it.
CREATE TABLE deal_notes (
    id              text PRIMARY KEY,
    deal_id         text NOT NULL REFERENCES deals (id),
    text            text NOT NULL,
    author_user_id  text NOT NULL,
    created_at      text NOT NULL
);
CREATE INDEX ix_deal_notes_deal ON deal_notes (deal_id, created_at);

-- The in-app inbox. A notification goes to an organisation (every user of it) or to staff (every staff and admin
-- user); dedupe_key makes each one once, whatever redelivers the event that caused it. Read state is per user.
CREATE TABLE notifications (
    id               text PRIMARY KEY,
    audience         text NOT NULL,              -- organisation | staff
    organisation_id  text NULL,
    kind             text NOT NULL,              -- match-found | interest-expressed | deal-stage-changed | deal-idle
    title            text NOT NULL,
    body             text NOT NULL,
    link             text NOT NULL,
    dedupe_key       text NOT NULL,
    created_at       text NOT NULL,
    CONSTRAINT uq_notifications_dedupe UNIQUE (dedupe_key)
);
CREATE INDEX ix_notifications_organisation ON notifications (organisation_id, created_at);
CREATE INDEX ix_notifications_audience ON notifications (audience, created_at);

CREATE TABLE notification_reads (
    notification_id  text NOT NULL REFERENCES notifications (id),
    user_id          text NOT NULL,
    read_at          text NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);

-- When each user's last e-mail digest covered notifications up to.
CREATE TABLE email_digests (
    user_id   text PRIMARY KEY,
    sent_up_to  text NOT NULL
);

-- Append-only audit log: reads of confidential content (from every service's ConfidentialContentRead) and deal stage
-- changes. seq orders it; id is the event's AuditId (or a new id), so a redelivered read is recorded once.
CREATE TABLE audit_log (
    id             text PRIMARY KEY,
    at             text NOT NULL,
    actor_user_id  text NULL,
    actor_role     text NULL,
    action         text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text NOT NULL,
    detail         text NULL
);
CREATE INDEX ix_audit_log_resource ON audit_log (resource_type, resource_id, at);
CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
