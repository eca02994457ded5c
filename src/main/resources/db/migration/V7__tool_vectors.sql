-- The tool router's embeddings, by the SHA-256 of the model's name and the text embedded: a restart, or another
-- replica on the same registry, embeds nothing that was embedded before. The vector is little-endian float32,
-- base64 (the same column type on SQLite and PostgreSQL). used_at lets vectors no catalog uses any more be dropped.
CREATE TABLE tool_vectors (
    key         VARCHAR(64)   PRIMARY KEY,
    model       TEXT          NOT NULL,
    vector      TEXT          NOT NULL,
    used_at     VARCHAR(40)   NOT NULL
);
CREATE INDEX tool_vectors_used_at ON tool_vectors (used_at);
