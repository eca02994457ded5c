-- Prompts and resources defined in Forge itself (not by an upstream); served by the built-in upstream "local".
CREATE TABLE local_items (
    id          VARCHAR(36)  PRIMARY KEY,
    kind        VARCHAR(16)  NOT NULL,
    key_name    VARCHAR(512) NOT NULL,
    spec        TEXT         NOT NULL,
    created_at  VARCHAR(40)  NOT NULL,
    UNIQUE (kind, key_name)
);
