-- API tokens Forge issued (the token itself is never stored: only its SHA-256) and revoked token ids (jti), ours
-- or an identity provider's, kept until the token would have expired anyway.
CREATE TABLE api_tokens (
    id          VARCHAR(36)  PRIMARY KEY,
    name        VARCHAR(128) NOT NULL,
    subject     VARCHAR(255) NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    scopes      TEXT         NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL UNIQUE,
    created_by  VARCHAR(255) NOT NULL,
    created_at  VARCHAR(40)  NOT NULL,
    expires_at  VARCHAR(40)  NOT NULL,
    revoked_at  VARCHAR(40)
);

CREATE TABLE revoked_tokens (
    jti         VARCHAR(255) PRIMARY KEY,
    revoked_at  VARCHAR(40)  NOT NULL,
    expires_at  VARCHAR(40),
    revoked_by  VARCHAR(255) NOT NULL
);
