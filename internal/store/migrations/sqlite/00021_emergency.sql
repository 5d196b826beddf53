-- +goose Up
-- Emergency mode (issue 15, SPEC §1 and §7; guide 第1章): HR declares an
-- emergency (感染症 / 災害) for the tenant or some units; while it lasts its
-- rules (JSON of policy.OverrideRules) apply on top of the policy version in
-- force. Civil dates are TEXT 'YYYY-MM-DD', times BIGINT Unix microseconds
-- (UTC). Ending one sets ended_at and brings to_date forward; planned_to
-- keeps the end first declared.
CREATE TABLE emergencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL CHECK (kind IN ('infection', 'disaster')),
    title TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    planned_to TEXT NOT NULL,
    rules TEXT NOT NULL,
    declared_at BIGINT NOT NULL,
    declared_by TEXT NOT NULL,
    ended_at BIGINT NOT NULL DEFAULT 0,
    ended_by TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id)
);
CREATE INDEX emergencies_dates ON emergencies (tenant_id, to_date, from_date);

-- The units an emergency covers (with everything below them); none: the
-- whole tenant.
CREATE TABLE emergency_units (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    emergency_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, emergency_id, unit_id),
    FOREIGN KEY (tenant_id, emergency_id) REFERENCES emergencies (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

-- Rotation rosters in the product (issue 15): the duties each person is
-- qualified for (counter 窓口当番, phone 電話当番, priority 非常時優先業務),
-- kept by HR, and the days people would rather be on site or at home,
-- entered by themselves.
CREATE TABLE roster_qualifications (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    duty TEXT NOT NULL CHECK (duty IN ('counter', 'phone', 'priority')),
    PRIMARY KEY (tenant_id, staff_id, duty),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

CREATE TABLE roster_preferences (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('ONSITE', 'TELE')),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, day),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- A published roster of a unit over from_date..to_date: its assignments
-- (JSON staff no → modes by business day, with the days) and the approved
-- applications publishing created (kept so a re-plan cancels what it
-- removes).
CREATE TABLE roster_publications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    plan TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX roster_publications_unit ON roster_publications (tenant_id, unit_id, from_date);

CREATE TABLE roster_publication_apps (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    publication_id BIGINT NOT NULL,
    application_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, publication_id, application_id),
    FOREIGN KEY (tenant_id, publication_id) REFERENCES roster_publications (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);

-- +goose Down
DROP TABLE roster_publication_apps;
DROP TABLE roster_publications;
DROP TABLE roster_preferences;
DROP TABLE roster_qualifications;
DROP TABLE emergency_units;
DROP TABLE emergencies;
