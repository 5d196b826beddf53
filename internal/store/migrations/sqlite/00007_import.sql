-- +goose Up
-- A staff file between its preview and its confirmation (issue 5). The
-- file itself is kept, not the preview, so that confirming on any node
-- re-reads it against the data as it is then. Rows expire after an hour;
-- once applied, the file's bytes are dropped and only the result is kept
-- until then.
CREATE TABLE staff_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    full_roster INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    applied_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_imports_owner ON staff_imports (tenant_id, user_id);
CREATE INDEX staff_imports_expires ON staff_imports (expires_at);

-- +goose Down
DROP TABLE staff_imports;
