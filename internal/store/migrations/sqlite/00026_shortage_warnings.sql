-- +goose Up
-- Shortage warnings sent to the IT admins (issue 14): one row per office or
-- device pool and week whose forecast demand exceeds capacity, written by
-- the daily shortage job in the transaction of its notifications and audit
-- entry, so each shortage is told once however often the job runs.
-- resource is 'office:<id>' or 'pool:<id>' (the key); office_id or pool_id
-- ties the row to the office or pool. week_of is the Monday 'YYYY-MM-DD'.
CREATE TABLE shortage_warnings (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    resource TEXT NOT NULL,
    office_id BIGINT,
    pool_id BIGINT,
    name TEXT NOT NULL,
    week_of TEXT NOT NULL,
    peak_day TEXT NOT NULL,
    peak INTEGER NOT NULL,
    capacity INTEGER NOT NULL,
    warned_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, resource, week_of),
    CHECK ((office_id IS NULL) <> (pool_id IS NULL)),
    FOREIGN KEY (tenant_id, office_id) REFERENCES task_places (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, pool_id) REFERENCES device_pools (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX shortage_warnings_week ON shortage_warnings (tenant_id, week_of);

-- +goose Down
DROP TABLE shortage_warnings;
