-- +goose NO TRANSACTION
-- Tenant boundaries in the schema (issue 8). Every reference between
-- tenant-scoped tables becomes a composite foreign key that carries
-- tenant_id, (tenant_id, unit_id) → units (tenant_id, id) and so on, so a
-- row can never point into another tenant, even through a bug; the tables
-- referred to get UNIQUE (tenant_id, id) for the keys to point at. A NULL
-- reference (a top-level unit, an account without a staff record) is not
-- checked, as before.
--
-- SQLite cannot add a constraint to a table, so each affected table is
-- rebuilt (https://sqlite.org/lang_altertable.html#otheralter): a new table
-- with the full definition, its rows copied with the same ids and the
-- AUTOINCREMENT counter, the old table dropped, the new one renamed, its
-- indexes created again. Columns keep their names and order. That needs
-- foreign keys off, which SQLite ignores inside a transaction, hence no
-- goose transaction: foreign keys are switched off, the rebuild runs in one
-- transaction of its own, and before it commits every foreign key is
-- checked: rows that point into another tenant (or nowhere) roll the
-- rebuild back (INSERT OR ROLLBACK) and fail the migration with "CHECK
-- constraint failed: foreign_key_violations = 0", leaving the database as it
-- was; docs/operations.md says how to find them.

-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE units_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    parent_id BIGINT,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES units (tenant_id, id)
);
INSERT INTO units_new (id, tenant_id, parent_id, code, name, level, sort_order, retired, created_at, updated_at, version)
    SELECT id, tenant_id, parent_id, code, name, level, sort_order, retired, created_at, updated_at, version FROM units;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'units') WHERE name = 'units_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'units');
INSERT INTO sqlite_sequence (name, seq) SELECT 'units_new', seq FROM sqlite_sequence WHERE name = 'units'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'units_new');
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;
CREATE INDEX units_parent ON units (tenant_id, parent_id);

CREATE TABLE unit_history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    old_name TEXT NOT NULL DEFAULT '',
    new_name TEXT NOT NULL DEFAULT '',
    old_parent_id BIGINT,
    new_parent_id BIGINT,
    effective_date TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    actor_label TEXT NOT NULL,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, old_parent_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, new_parent_id) REFERENCES units (tenant_id, id)
);
INSERT INTO unit_history_new (id, tenant_id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id, effective_date, changed_at, actor_label)
    SELECT id, tenant_id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id, effective_date, changed_at, actor_label FROM unit_history;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'unit_history') WHERE name = 'unit_history_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'unit_history');
INSERT INTO sqlite_sequence (name, seq) SELECT 'unit_history_new', seq FROM sqlite_sequence WHERE name = 'unit_history'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'unit_history_new');
DROP TABLE unit_history;
ALTER TABLE unit_history_new RENAME TO unit_history;
CREATE INDEX unit_history_unit ON unit_history (tenant_id, unit_id);

CREATE TABLE staff_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_no TEXT NOT NULL,
    name TEXT NOT NULL,
    kana TEXT NOT NULL,
    search_key TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    rank TEXT NOT NULL,
    is_supervisor INTEGER NOT NULL DEFAULT 0,
    employment TEXT NOT NULL,
    job_type TEXT NOT NULL,
    sensitive_opt_in INTEGER NOT NULL DEFAULT 0,
    gender TEXT NOT NULL DEFAULT '',
    age_band TEXT NOT NULL DEFAULT '',
    care TEXT NOT NULL DEFAULT '',
    commute_minutes INTEGER NOT NULL DEFAULT 0,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    retired_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, staff_no),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
INSERT INTO staff_new (id, tenant_id, staff_no, name, kana, search_key, email, unit_id, title, rank, is_supervisor, employment, job_type, sensitive_opt_in, gender, age_band, care, commute_minutes, retired, created_at, updated_at, version, retired_at)
    SELECT id, tenant_id, staff_no, name, kana, search_key, email, unit_id, title, rank, is_supervisor, employment, job_type, sensitive_opt_in, gender, age_band, care, commute_minutes, retired, created_at, updated_at, version, retired_at FROM staff;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff') WHERE name = 'staff_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_new', seq FROM sqlite_sequence WHERE name = 'staff'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_new');
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
CREATE INDEX staff_unit ON staff (tenant_id, unit_id);
CREATE INDEX staff_search ON staff (tenant_id, search_key, retired, kana, staff_no);
CREATE INDEX staff_email_lower ON staff (tenant_id, LOWER(email));

CREATE TABLE staff_history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    effective_date TEXT NOT NULL,
    old_unit_id BIGINT,
    new_unit_id BIGINT,
    old_title TEXT NOT NULL DEFAULT '',
    new_title TEXT NOT NULL DEFAULT '',
    changed_at BIGINT NOT NULL,
    actor_label TEXT NOT NULL,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, old_unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, new_unit_id) REFERENCES units (tenant_id, id)
);
INSERT INTO staff_history_new (id, tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title, changed_at, actor_label)
    SELECT id, tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title, changed_at, actor_label FROM staff_history;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff_history') WHERE name = 'staff_history_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_history');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_history_new', seq FROM sqlite_sequence WHERE name = 'staff_history'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_history_new');
DROP TABLE staff_history;
ALTER TABLE staff_history_new RENAME TO staff_history;
CREATE INDEX staff_history_staff ON staff_history (tenant_id, staff_id);

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    login_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    staff_id BIGINT,
    roles TEXT NOT NULL DEFAULT '',
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT 'ja',
    wareki INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    sso_subject TEXT,
    UNIQUE (tenant_id, login_id),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
INSERT INTO users_new (id, tenant_id, login_id, password_hash, staff_id, roles, must_change_password, disabled, locale, wareki, created_at, updated_at, version, sso_subject)
    SELECT id, tenant_id, login_id, password_hash, staff_id, roles, must_change_password, disabled, locale, wareki, created_at, updated_at, version, sso_subject FROM users;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'users') WHERE name = 'users_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
INSERT INTO sqlite_sequence (name, seq) SELECT 'users_new', seq FROM sqlite_sequence WHERE name = 'users'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users_new');
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_staff ON users (tenant_id, staff_id);
CREATE UNIQUE INDEX users_sso_subject ON users (tenant_id, sso_subject);

CREATE TABLE staff_policy_facts_new (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    reasons TEXT NOT NULL DEFAULT '',
    has_terminal INTEGER NOT NULL DEFAULT 0,
    seconded INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);
INSERT INTO staff_policy_facts_new (tenant_id, staff_id, reasons, has_terminal, seconded, updated_at)
    SELECT tenant_id, staff_id, reasons, has_terminal, seconded, updated_at FROM staff_policy_facts;
DROP TABLE staff_policy_facts;
ALTER TABLE staff_policy_facts_new RENAME TO staff_policy_facts;

CREATE TABLE staff_imports_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    full_roster INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    applied_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
INSERT INTO staff_imports_new (id, tenant_id, user_id, filename, sha256, full_roster, data, created_at, expires_at, applied_at, result)
    SELECT id, tenant_id, user_id, filename, sha256, full_roster, data, created_at, expires_at, applied_at, result FROM staff_imports;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff_imports') WHERE name = 'staff_imports_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_imports');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_imports_new', seq FROM sqlite_sequence WHERE name = 'staff_imports'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_imports_new');
DROP TABLE staff_imports;
ALTER TABLE staff_imports_new RENAME TO staff_imports;
CREATE INDEX staff_imports_owner ON staff_imports (tenant_id, user_id);
CREATE INDEX staff_imports_expires ON staff_imports (expires_at);

CREATE TEMP TABLE tenant_boundary_check (foreign_key_violations INTEGER NOT NULL CHECK (foreign_key_violations = 0));
INSERT OR ROLLBACK INTO tenant_boundary_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE tenant_boundary_check;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE units_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    parent_id BIGINT REFERENCES units(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, code)
);
INSERT INTO units_new (id, tenant_id, parent_id, code, name, level, sort_order, retired, created_at, updated_at, version)
    SELECT id, tenant_id, parent_id, code, name, level, sort_order, retired, created_at, updated_at, version FROM units;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'units') WHERE name = 'units_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'units');
INSERT INTO sqlite_sequence (name, seq) SELECT 'units_new', seq FROM sqlite_sequence WHERE name = 'units'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'units_new');
DROP TABLE units;
ALTER TABLE units_new RENAME TO units;
CREATE INDEX units_parent ON units (tenant_id, parent_id);

CREATE TABLE unit_history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    old_name TEXT NOT NULL DEFAULT '',
    new_name TEXT NOT NULL DEFAULT '',
    old_parent_id BIGINT,
    new_parent_id BIGINT,
    effective_date TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    actor_label TEXT NOT NULL
);
INSERT INTO unit_history_new (id, tenant_id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id, effective_date, changed_at, actor_label)
    SELECT id, tenant_id, unit_id, kind, old_name, new_name, old_parent_id, new_parent_id, effective_date, changed_at, actor_label FROM unit_history;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'unit_history') WHERE name = 'unit_history_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'unit_history');
INSERT INTO sqlite_sequence (name, seq) SELECT 'unit_history_new', seq FROM sqlite_sequence WHERE name = 'unit_history'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'unit_history_new');
DROP TABLE unit_history;
ALTER TABLE unit_history_new RENAME TO unit_history;
CREATE INDEX unit_history_unit ON unit_history (tenant_id, unit_id);

CREATE TABLE staff_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_no TEXT NOT NULL,
    name TEXT NOT NULL,
    kana TEXT NOT NULL,
    search_key TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL DEFAULT '',
    rank TEXT NOT NULL,
    is_supervisor INTEGER NOT NULL DEFAULT 0,
    employment TEXT NOT NULL,
    job_type TEXT NOT NULL,
    sensitive_opt_in INTEGER NOT NULL DEFAULT 0,
    gender TEXT NOT NULL DEFAULT '',
    age_band TEXT NOT NULL DEFAULT '',
    care TEXT NOT NULL DEFAULT '',
    commute_minutes INTEGER NOT NULL DEFAULT 0,
    retired INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    retired_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, staff_no)
);
INSERT INTO staff_new (id, tenant_id, staff_no, name, kana, search_key, email, unit_id, title, rank, is_supervisor, employment, job_type, sensitive_opt_in, gender, age_band, care, commute_minutes, retired, created_at, updated_at, version, retired_at)
    SELECT id, tenant_id, staff_no, name, kana, search_key, email, unit_id, title, rank, is_supervisor, employment, job_type, sensitive_opt_in, gender, age_band, care, commute_minutes, retired, created_at, updated_at, version, retired_at FROM staff;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff') WHERE name = 'staff_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_new', seq FROM sqlite_sequence WHERE name = 'staff'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_new');
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;
CREATE INDEX staff_unit ON staff (tenant_id, unit_id);
CREATE INDEX staff_search ON staff (tenant_id, search_key, retired, kana, staff_no);
CREATE INDEX staff_email_lower ON staff (tenant_id, LOWER(email));

CREATE TABLE staff_history_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    effective_date TEXT NOT NULL,
    old_unit_id BIGINT,
    new_unit_id BIGINT,
    old_title TEXT NOT NULL DEFAULT '',
    new_title TEXT NOT NULL DEFAULT '',
    changed_at BIGINT NOT NULL,
    actor_label TEXT NOT NULL
);
INSERT INTO staff_history_new (id, tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title, changed_at, actor_label)
    SELECT id, tenant_id, staff_id, effective_date, old_unit_id, new_unit_id, old_title, new_title, changed_at, actor_label FROM staff_history;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff_history') WHERE name = 'staff_history_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_history');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_history_new', seq FROM sqlite_sequence WHERE name = 'staff_history'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_history_new');
DROP TABLE staff_history;
ALTER TABLE staff_history_new RENAME TO staff_history;
CREATE INDEX staff_history_staff ON staff_history (tenant_id, staff_id);

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    login_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    roles TEXT NOT NULL DEFAULT '',
    must_change_password INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT 'ja',
    wareki INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    sso_subject TEXT,
    UNIQUE (tenant_id, login_id)
);
INSERT INTO users_new (id, tenant_id, login_id, password_hash, staff_id, roles, must_change_password, disabled, locale, wareki, created_at, updated_at, version, sso_subject)
    SELECT id, tenant_id, login_id, password_hash, staff_id, roles, must_change_password, disabled, locale, wareki, created_at, updated_at, version, sso_subject FROM users;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'users') WHERE name = 'users_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
INSERT INTO sqlite_sequence (name, seq) SELECT 'users_new', seq FROM sqlite_sequence WHERE name = 'users'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users_new');
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_staff ON users (tenant_id, staff_id);
CREATE UNIQUE INDEX users_sso_subject ON users (tenant_id, sso_subject);

CREATE TABLE staff_policy_facts_new (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    reasons TEXT NOT NULL DEFAULT '',
    has_terminal INTEGER NOT NULL DEFAULT 0,
    seconded INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id)
);
INSERT INTO staff_policy_facts_new (tenant_id, staff_id, reasons, has_terminal, seconded, updated_at)
    SELECT tenant_id, staff_id, reasons, has_terminal, seconded, updated_at FROM staff_policy_facts;
DROP TABLE staff_policy_facts;
ALTER TABLE staff_policy_facts_new RENAME TO staff_policy_facts;

CREATE TABLE staff_imports_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    full_roster INTEGER NOT NULL DEFAULT 0,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    applied_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT ''
);
INSERT INTO staff_imports_new (id, tenant_id, user_id, filename, sha256, full_roster, data, created_at, expires_at, applied_at, result)
    SELECT id, tenant_id, user_id, filename, sha256, full_roster, data, created_at, expires_at, applied_at, result FROM staff_imports;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'staff_imports') WHERE name = 'staff_imports_new'
    AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_imports');
INSERT INTO sqlite_sequence (name, seq) SELECT 'staff_imports_new', seq FROM sqlite_sequence WHERE name = 'staff_imports'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'staff_imports_new');
DROP TABLE staff_imports;
ALTER TABLE staff_imports_new RENAME TO staff_imports;
CREATE INDEX staff_imports_owner ON staff_imports (tenant_id, user_id);
CREATE INDEX staff_imports_expires ON staff_imports (expires_at);

COMMIT;
PRAGMA foreign_keys = ON;
