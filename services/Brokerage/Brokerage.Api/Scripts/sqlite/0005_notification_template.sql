-- What a notification says, as a template key and its values (JSON: {"key": "need-matches", "args": {"count": "3"}}),
-- so a page can say it in the reader's language; title and body stay the English text (the API's, the e-mail
-- digest's). Notifications written before this column have none and are shown in English.
ALTER TABLE notifications ADD COLUMN template text NULL;
