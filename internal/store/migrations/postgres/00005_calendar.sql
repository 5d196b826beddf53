-- +goose Up
-- A tenant's own closure days (閉庁日: a municipal anniversary, an election
-- day …), at most one per date. Civil dates are TEXT 'YYYY-MM-DD'.
CREATE TABLE closure_days (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

-- National holidays imported from the Cabinet Office's syukujitsu.csv. They
-- are national data, kept once for the whole instance: tenant_id is always
-- 0, the instance (as in the audit log), so that every row still names its
-- tenant. A year with rows here takes its national holidays from here
-- instead of the computation; an import replaces the years it covers.
CREATE TABLE national_holidays (
    tenant_id BIGINT NOT NULL DEFAULT 0 CHECK (tenant_id = 0),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

-- +goose Down
DROP TABLE national_holidays;
DROP TABLE closure_days;
