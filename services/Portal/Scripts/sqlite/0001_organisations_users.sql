CREATE TABLE organisations (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    name_zh     text NULL,
    kind        text NOT NULL,
    sector      text NULL,
    created_at  text NOT NULL
);
CREATE UNIQUE INDEX ux_organisations_name ON organisations (lower(name));

CREATE TABLE users (
    id               text PRIMARY KEY,
    email            text NOT NULL,
    display_name     text NOT NULL,
    role             text NOT NULL,
    organisation_id  text NOT NULL REFERENCES organisations (id),
    password_hash    text NOT NULL,
    failed_sign_ins  integer NOT NULL DEFAULT 0,
    locked_until     text NULL,
    created_at       text NOT NULL
);
CREATE UNIQUE INDEX ux_users_email ON users (lower(email));
CREATE INDEX ix_users_organisation ON users (organisation_id);
