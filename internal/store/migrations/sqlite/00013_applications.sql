-- +goose Up
-- The telework application lifecycle (issue 11): applications and their
-- days (each day carries its own state), the decisions taken on them (who,
-- in whose name, the findings shown then), the tenant's routing settings,
-- delegations (代決者 and absences) and the notification outbox, written in
-- the transaction of each event and the single source of every channel.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    decision TEXT NOT NULL,
    status TEXT NOT NULL,
    mode TEXT NOT NULL,
    place TEXT NOT NULL,
    place_kind TEXT NOT NULL DEFAULT '',
    place_reason TEXT NOT NULL DEFAULT '',
    place_name TEXT NOT NULL DEFAULT '',
    time_unit TEXT NOT NULL,
    start_hm TEXT NOT NULL DEFAULT '',
    end_hm TEXT NOT NULL DEFAULT '',
    break_minutes INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0,
    devices TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    task_ids TEXT NOT NULL DEFAULT '',
    segments TEXT NOT NULL DEFAULT '',
    take_out TEXT NOT NULL DEFAULT '',
    presence_checker_id BIGINT,
    recurrence TEXT NOT NULL DEFAULT '',
    skipped TEXT NOT NULL DEFAULT '',
    approver_id BIGINT,
    first_approver_id BIGINT,
    second_approver_id BIGINT,
    step INTEGER NOT NULL DEFAULT 0,
    steps INTEGER NOT NULL DEFAULT 0,
    travel_order_no TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '',
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, presence_checker_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, approver_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, first_approver_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, second_approver_id) REFERENCES staff (tenant_id, id)
);
CREATE INDEX applications_staff ON applications (tenant_id, staff_id, first_day);
-- The approver's inbox: what waits for them (approver_id is set only while
-- an application waits, so the index holds only those).
CREATE INDEX applications_approver ON applications (tenant_id, approver_id) WHERE approver_id IS NOT NULL;
CREATE INDEX applications_submitted ON applications (tenant_id, submitted_at) WHERE decision = 'submitted';

CREATE TABLE application_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    application_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    time_unit TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT NOT NULL DEFAULT 0,
    report_due TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, application_id, day),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
-- A person's days (caps, duplicates, 「わたしの申請」).
CREATE INDEX application_days_staff ON application_days (tenant_id, staff_id, day);
-- Reports due or overdue.
CREATE INDEX application_days_report_due ON application_days (tenant_id, report_due) WHERE report_due <> '';
CREATE INDEX application_days_status ON application_days (tenant_id, status, day);

CREATE TABLE application_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    application_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    by_staff_id BIGINT,
    by_user_id BIGINT,
    on_behalf_of BIGINT,
    proxy INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    dates TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL,
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    FOREIGN KEY (tenant_id, by_staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, by_user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, on_behalf_of) REFERENCES staff (tenant_id, id)
);
CREATE INDEX application_decisions_app ON application_decisions (tenant_id, application_id);

-- Routing: one row per tenant that changed the defaults (所属長, one step).
CREATE TABLE apply_settings (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    approver TEXT NOT NULL,
    two_step INTEGER NOT NULL DEFAULT 0,
    reminder_hours INTEGER NOT NULL DEFAULT 24,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- Units (and everything below them) approved in two steps (係長 → 課長).
CREATE TABLE apply_two_step_units (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, unit_id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

-- 代決者 (kind proxy, no dates) and delegates during an absence.
CREATE TABLE apply_delegations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    approver_id BIGINT NOT NULL,
    delegate_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    from_day TEXT NOT NULL DEFAULT '',
    to_day TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by BIGINT,
    FOREIGN KEY (tenant_id, approver_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, delegate_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES staff (tenant_id, id)
);
CREATE INDEX apply_delegations_delegate ON apply_delegations (tenant_id, delegate_id);
CREATE INDEX apply_delegations_approver ON apply_delegations (tenant_id, approver_id);

-- The outbox: one row per event and recipient, written with the event.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    application_id BIGINT,
    args TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);
CREATE INDEX notifications_staff ON notifications (tenant_id, staff_id, id);
CREATE INDEX notifications_unread ON notifications (tenant_id, staff_id) WHERE read_at = 0;
CREATE INDEX notifications_app ON notifications (tenant_id, application_id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE apply_delegations;
DROP TABLE apply_two_step_units;
DROP TABLE apply_settings;
DROP TABLE application_decisions;
DROP TABLE application_days;
DROP TABLE applications;
