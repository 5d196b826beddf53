-- +goose Up
-- Dated changes (issue 9 §2): a 人事異動 imported in March for 1 April, a
-- hire or a retirement with a future date, or a unit renamed or moved from
-- a future date, waits here until the daily job applies it on its date
-- through org's rules. Until then no one but HR sees it. body is the
-- change (org.ScheduledChange), changes what HR is shown of it.
CREATE TABLE scheduled_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    staff_id BIGINT,
    unit_id BIGINT,
    staff_no TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    effective_date TEXT NOT NULL,
    body TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    failure TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    done_at BIGINT NOT NULL DEFAULT 0,
    done_by TEXT NOT NULL DEFAULT '',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX scheduled_changes_due ON scheduled_changes (tenant_id, status, effective_date);
CREATE INDEX scheduled_changes_staff ON scheduled_changes (tenant_id, staff_id);

-- 試行の対象者: a fact HR records for trial-only eligibility.
ALTER TABLE staff_policy_facts ADD COLUMN trial INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE staff_policy_facts DROP COLUMN trial;
DROP TABLE scheduled_changes;
