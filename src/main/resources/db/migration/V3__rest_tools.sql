-- Plain HTTP APIs wrapped as MCP tools; served by the built-in upstream "rest".
CREATE TABLE rest_tools (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(64)  NOT NULL UNIQUE,
    spec        TEXT         NOT NULL,
    created_at  VARCHAR(40)  NOT NULL,
    updated_at  VARCHAR(40)  NOT NULL
);
