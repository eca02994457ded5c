-- Tools an operator switched off (by namespaced name); absent means enabled.
CREATE TABLE tool_states (
    name        VARCHAR(255) PRIMARY KEY,
    enabled     BOOLEAN      NOT NULL,
    updated_at  VARCHAR(40)  NOT NULL
);
