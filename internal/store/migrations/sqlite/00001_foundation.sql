-- +goose Up
-- Times are BIGINT Unix microseconds (UTC) and civil dates TEXT 'YYYY-MM-DD'
-- on both engines, so that comparisons and results are identical.
CREATE TABLE tenants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    staff_size INTEGER NOT NULL DEFAULT 0,
    general_admin_staff INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE units (
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
CREATE INDEX units_parent ON units (tenant_id, parent_id);

CREATE TABLE unit_history (
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
CREATE INDEX unit_history_unit ON unit_history (tenant_id, unit_id);

CREATE TABLE staff (
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
    UNIQUE (tenant_id, staff_no)
);
CREATE INDEX staff_unit ON staff (tenant_id, unit_id);
CREATE INDEX staff_search ON staff (tenant_id, search_key);

CREATE TABLE staff_history (
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
CREATE INDEX staff_history_staff ON staff_history (tenant_id, staff_id);

CREATE TABLE users (
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
    UNIQUE (tenant_id, login_id)
);
CREATE UNIQUE INDEX users_staff ON users (tenant_id, staff_id);

-- Instance operators run the shared service; they belong to no tenant.
CREATE TABLE operators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login_id TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    locale TEXT NOT NULL DEFAULT 'ja',
    wareki INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Sessions live in the database so that any app node can serve them. Only
-- the SHA-256 of the cookie token is kept. tenant_id 0 = operator session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins for throttling, keyed by a hash of account or address so
-- that no login id or IP address is stored in clear.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key_hash, at);

-- Append-only audit log, one hash chain per tenant (0 = instance level).
CREATE TABLE audit_heads (
    tenant_id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_log_object ON audit_log (tenant_id, object_type, object_id);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_heads;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE operators;
DROP TABLE users;
DROP TABLE staff_history;
DROP TABLE staff;
DROP TABLE unit_history;
DROP TABLE units;
DROP TABLE tenants;
