-- +goose Up
-- Versions of a tenant's telework policy. The body is the policy as JSON
-- (internal/policy.Policy); the version in force on a day is the one with
-- the latest effective_from on or before it.
CREATE TABLE policy_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    effective_from TEXT NOT NULL,
    body TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (tenant_id, effective_from)
);

-- Facts about a person that eligibility rules use, declared by the person
-- or registered by HR: 育児・介護 as a reason (apart from the opt-in
-- analysis attribute), having a telework terminal, being seconded (派遣).
CREATE TABLE staff_policy_facts (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    reasons TEXT NOT NULL DEFAULT '',
    has_terminal INTEGER NOT NULL DEFAULT 0,
    seconded INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id)
);

-- +goose Down
DROP TABLE staff_policy_facts;
DROP TABLE policy_versions;
