-- +goose Up
-- Going live (issue 9 §3). An organisation file between its preview and
-- its confirmation, kept like a staff file (staff_imports): the file, not
-- the preview, so any node re-reads it against the data as it is then.
CREATE TABLE unit_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    applied_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX unit_imports_owner ON unit_imports (tenant_id, user_id);
CREATE INDEX unit_imports_expires ON unit_imports (expires_at);

-- One-time invitation links of accounts created in bulk: only the SHA-256
-- of the token is kept; a link works once, until expires_at.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX invitations_user ON invitations (tenant_id, user_id);

-- +goose Down
DROP TABLE invitations;
DROP TABLE unit_imports;
