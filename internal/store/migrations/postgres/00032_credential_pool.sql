-- +goose Up
-- A one-time remote-access credential records the remote-ID pool whose
-- unit it holds (issue 14: a pool's capacity cut below the IDs already
-- issued for today must name their people, as it does for reservations).
-- Credentials issued before this version are given their tenant's pool
-- when the tenant has exactly one remote-ID pool, else none (unknown).
ALTER TABLE remote_credentials ADD COLUMN pool_id BIGINT;
UPDATE remote_credentials c SET pool_id = (SELECT MIN(p.id) FROM device_pools p
    WHERE p.tenant_id = c.tenant_id AND p.kind = 'remote_id' HAVING COUNT(*) = 1);
ALTER TABLE remote_credentials ADD CONSTRAINT remote_credentials_pool
    FOREIGN KEY (tenant_id, pool_id) REFERENCES device_pools (tenant_id, id);
CREATE INDEX remote_credentials_pool_day ON remote_credentials (tenant_id, pool_id, day);

-- +goose Down
ALTER TABLE remote_credentials DROP COLUMN pool_id;
