-- +goose Up
-- Working time, presence and the team board (issue 12). Civil dates are
-- TEXT 'YYYY-MM-DD', times BIGINT Unix microseconds (UTC).

-- One row per person and working day: the start and end the server
-- stamped (end_at 0 while working), mode and place, the one-line plan and
-- result, who entered them on the person's behalf (図表20: 0 = the person),
-- the approved application holding the day (NULL: none), and the breaks
-- and 中抜け as a JSON list [{"s":µs,"e":µs,"h":bool}]. Kept 5 years
-- (SPEC §8, the retention kind "attendance").
CREATE TABLE worktime_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    work_date TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL DEFAULT 0,
    mode TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    start_proxy BIGINT NOT NULL DEFAULT 0,
    end_proxy BIGINT NOT NULL DEFAULT 0,
    application_id BIGINT,
    overtime_approved INTEGER NOT NULL DEFAULT 0,
    breaks TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, work_date),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);
CREATE INDEX worktime_days_date ON worktime_days (tenant_id, work_date);

-- A prior overtime request (時間外勤務の事前承認): until when, approved or
-- not by the supervisor. status: requested | approved | rejected.
CREATE TABLE worktime_overtime (
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

-- The current presence of a person: ONLY the current state (no history is
-- kept anywhere; a change overwrites the row). status: available | busy |
-- unavailable | away | offline. until_at 0: no end time. auto_away 0: the
-- person switched automatic 退席中 off.
CREATE TABLE presence (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    until_at BIGINT NOT NULL DEFAULT 0,
    auto_away INTEGER NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- The units (and their subtrees) that share the day's plans with the
-- team on the board (見える化); the supervisor always sees them.
CREATE TABLE worktime_sharing (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, unit_id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

-- +goose Down
DROP TABLE worktime_sharing;
DROP TABLE presence;
DROP TABLE worktime_overtime;
DROP TABLE worktime_days;
