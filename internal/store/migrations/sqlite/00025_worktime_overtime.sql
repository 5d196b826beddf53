-- +goose Up
-- Prior overtime requests (時間外勤務の事前承認, issue 12): the table of
-- migration 00018 gains the person's reason, the approver the request was
-- routed to (the same routing as applications; NULL for rows from before),
-- the approver's comment and a version for conditional decisions. SQLite
-- cannot add a composite foreign key to a table, so the table is rebuilt
-- (nothing refers to it): a new table, its rows copied with the same ids,
-- the old one dropped, the new one renamed. Columns keep their order; the
-- new ones come last.
CREATE TABLE worktime_overtime_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    work_date TEXT NOT NULL,
    until_hm TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested',
    decided_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    approver_id BIGINT,
    comment TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, work_date),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, approver_id) REFERENCES staff (tenant_id, id)
);
INSERT INTO worktime_overtime_new (id, tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at, decided_at)
    SELECT id, tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at, decided_at FROM worktime_overtime;
DROP TABLE worktime_overtime;
ALTER TABLE worktime_overtime_new RENAME TO worktime_overtime;
CREATE INDEX worktime_overtime_approver ON worktime_overtime (tenant_id, approver_id, status);
CREATE INDEX worktime_overtime_date ON worktime_overtime (tenant_id, work_date);

-- +goose Down
CREATE TABLE worktime_overtime_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    work_date TEXT NOT NULL,
    until_hm TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested',
    decided_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, work_date),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
INSERT INTO worktime_overtime_old (id, tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at, decided_at)
    SELECT id, tenant_id, staff_id, work_date, until_hm, status, decided_by, created_at, decided_at FROM worktime_overtime;
DROP TABLE worktime_overtime;
ALTER TABLE worktime_overtime_old RENAME TO worktime_overtime;
