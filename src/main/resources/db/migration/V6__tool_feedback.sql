-- What clients said about the router's picks: the tool, the task it was picked for, and whether it worked.
CREATE TABLE tool_feedback (
    id          VARCHAR(36)   PRIMARY KEY,
    tool        VARCHAR(255)  NOT NULL,
    task        TEXT          NOT NULL,
    success     BOOLEAN       NOT NULL,
    created_at  VARCHAR(40)   NOT NULL
);
CREATE INDEX tool_feedback_tool ON tool_feedback (tool);
