-- +goose Up
-- Running the trial (issue 16): the 10-step roadmap with its checklists and
-- PDCA reviews, security incidents and worries, the cost register, the
-- tenant's handbook pages and briefing sessions (説明会), and the files
-- attached to them. Civil dates are TEXT 'YYYY-MM-DD', times BIGINT Unix
-- microseconds (UTC).

-- One row per step (1–10, 図表1) a tenant has touched; an untouched step is
-- "not started" with no owner. owners is a comma-separated list of the
-- 図表3 codes.
CREATE TABLE roadmap_steps (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 10),
    owners TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'not_started',
    planned_start TEXT NOT NULL DEFAULT '',
    planned_end TEXT NOT NULL DEFAULT '',
    done_on TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, step)
);

-- A ticked (or unticked with a note) checklist item of 図表4, 5, 8, 9, 12;
-- item is the catalogue code. checked_by is the account label of who
-- ticked it (the audit log has the account id).
CREATE TABLE roadmap_checks (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    checked_by TEXT NOT NULL DEFAULT '',
    checked_at BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, item)
);

-- PDCA (Step 10, 図表12): the review interval and the reviews held.
CREATE TABLE roadmap_review_settings (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id) PRIMARY KEY,
    interval_months INTEGER NOT NULL,
    next_on TEXT NOT NULL,
    reminded_for TEXT NOT NULL DEFAULT ''
);
CREATE TABLE roadmap_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    held_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX roadmap_reviews_held ON roadmap_reviews (tenant_id, held_on);

-- Security incidents and worries (図表6, 7). An anonymous report has no
-- reporter_user_id and its reported_on is the day only (no time of day).
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    occurred_on TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    anonymous INTEGER NOT NULL DEFAULT 0,
    reporter_user_id BIGINT,
    reported_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, reporter_user_id) REFERENCES users (tenant_id, id),
    CHECK (anonymous = 0 OR reporter_user_id IS NULL)
);
CREATE INDEX incidents_status ON incidents (tenant_id, status, id);
CREATE INDEX incidents_reporter ON incidents (tenant_id, reporter_user_id);

-- What IT admin did about an incident (a note and/or a status change).
CREATE TABLE incident_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    incident_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    by_label TEXT NOT NULL,
    status_from TEXT NOT NULL,
    status_to TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, incident_id) REFERENCES incidents (tenant_id, id)
);
CREATE INDEX incident_actions_incident ON incident_actions (tenant_id, incident_id, id);

-- The cost register. fiscal_year is the 年度 (April–March) of paid_on.
CREATE TABLE costs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_yen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    initial INTEGER NOT NULL DEFAULT 0,
    special_grant INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX costs_year ON costs (tenant_id, fiscal_year, paid_on);

-- Handbook pages (Markdown; rendered and sanitised on the server). A slot
-- names the place that links to the page (apply_form, take_out, …).
CREATE TABLE handbook_pages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    slot TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    sort INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, slot)
);

-- Briefing sessions (説明会, 図表5); topics is a comma-separated list of
-- the 図表5 item codes the session covers.
CREATE TABLE briefings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    start_time TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX briefings_held ON briefings (tenant_id, held_on);

-- Files attached to a roadmap checklist item (evidence), a handbook page
-- or a briefing (materials): exactly one owner.
CREATE TABLE trial_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    check_item TEXT,
    page_id BIGINT,
    briefing_id BIGINT,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL, -- base64 (the backup archive holds text)
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, page_id) REFERENCES handbook_pages (tenant_id, id),
    FOREIGN KEY (tenant_id, briefing_id) REFERENCES briefings (tenant_id, id),
    CHECK ((CASE WHEN check_item IS NULL THEN 0 ELSE 1 END) + (CASE WHEN page_id IS NULL THEN 0 ELSE 1 END)
        + (CASE WHEN briefing_id IS NULL THEN 0 ELSE 1 END) = 1)
);
CREATE INDEX trial_files_check ON trial_files (tenant_id, check_item);
CREATE INDEX trial_files_page ON trial_files (tenant_id, page_id);
CREATE INDEX trial_files_briefing ON trial_files (tenant_id, briefing_id);

-- +goose Down
DROP TABLE trial_files;
DROP TABLE briefings;
DROP TABLE handbook_pages;
DROP TABLE costs;
DROP TABLE incident_actions;
DROP TABLE incidents;
DROP TABLE roadmap_reviews;
DROP TABLE roadmap_review_settings;
DROP TABLE roadmap_checks;
DROP TABLE roadmap_steps;
