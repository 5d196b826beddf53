-- +goose Up
-- A one-time remote-access credential records the remote-ID pool whose
-- unit it holds (issue 14: a pool's capacity cut below the IDs already
-- issued for today must name their people, as it does for reservations).
-- SQLite adds a composite foreign key only by rebuilding the table.
-- Credentials issued before this version are given their tenant's pool
-- when the tenant has exactly one remote-ID pool, else none (unknown).
CREATE TABLE remote_credentials_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    login TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    pool_id BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, day),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, pool_id) REFERENCES device_pools (tenant_id, id)
);
INSERT INTO remote_credentials_new (id, tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at, pool_id)
SELECT c.id, c.tenant_id, c.staff_id, c.day, c.login, c.secret_hash, c.issued_at, c.expires_at,
    (SELECT MIN(p.id) FROM device_pools p WHERE p.tenant_id = c.tenant_id AND p.kind = 'remote_id' HAVING COUNT(*) = 1)
FROM remote_credentials c;
DROP TABLE remote_credentials;
ALTER TABLE remote_credentials_new RENAME TO remote_credentials;
CREATE INDEX remote_credentials_pool_day ON remote_credentials (tenant_id, pool_id, day);

-- +goose Down
CREATE TABLE remote_credentials_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    login TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, day),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
INSERT INTO remote_credentials_old (id, tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at)
SELECT id, tenant_id, staff_id, day, login, secret_hash, issued_at, expires_at FROM remote_credentials;
DROP TABLE remote_credentials;
ALTER TABLE remote_credentials_old RENAME TO remote_credentials;
