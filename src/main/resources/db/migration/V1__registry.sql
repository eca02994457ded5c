-- The registry: what operators register through the API or forge.yaml. Portable SQL (SQLite and PostgreSQL);
-- structured details are JSON text so that a new transport option needs no migration.
CREATE TABLE gateways (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL UNIQUE,
    transport   VARCHAR(32)  NOT NULL,
    spec        TEXT         NOT NULL,
    enabled     BOOLEAN      NOT NULL,
    created_at  VARCHAR(40)  NOT NULL,
    updated_at  VARCHAR(40)  NOT NULL
);

CREATE TABLE servers (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL UNIQUE,
    description TEXT,
    members     TEXT         NOT NULL,
    created_at  VARCHAR(40)  NOT NULL,
    updated_at  VARCHAR(40)  NOT NULL
);
