-- +goose Up
-- When a person left; 0 while in service. Retention counts from here.
ALTER TABLE staff ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0;

-- A tenant's retention periods in days (0 = keep forever); kinds without a
-- row use the product's default (internal/retention).
CREATE TABLE retention_settings (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

-- Runs of periodic jobs. The primary key makes a run a claim: of several
-- nodes starting the same day's job, exactly one inserts the row and runs it.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    run_key TEXT NOT NULL,
    node TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (job, run_key)
);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE retention_settings;
ALTER TABLE staff DROP COLUMN retired_at;
