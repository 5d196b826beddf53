-- +goose Up
-- Task inventory (issue 13; SPEC §4). The information-systems catalogue
-- kept by IT, the places people can work from with their capabilities (a
-- minimal list until the places issue owns them: task_places), each
-- section's task sheet (見える化シート) with the systems each task needs,
-- and the tenant's own decision on 個人番号利用事務系 at branch offices.
CREATE TABLE task_settings (
    tenant_id BIGINT NOT NULL PRIMARY KEY REFERENCES tenants(id),
    mynumber_at_branch_office INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);

CREATE TABLE info_systems (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    segment TEXT NOT NULL,
    data_classes TEXT NOT NULL DEFAULT '',
    routes TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE task_places (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    network TEXT NOT NULL,
    physical_security INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE sheet_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    timing TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    owner_staff_id BIGINT,
    paper TEXT NOT NULL DEFAULT 'none',
    special_equipment INTEGER NOT NULL DEFAULT 0,
    face_to_face INTEGER NOT NULL DEFAULT 0,
    phone INTEGER NOT NULL DEFAULT 0,
    hours_per_year BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'approved',
    proposed_by BIGINT,
    position BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, proposed_by) REFERENCES staff (tenant_id, id)
);
CREATE INDEX sheet_tasks_unit ON sheet_tasks (tenant_id, unit_id, position, id);

CREATE TABLE sheet_task_systems (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    task_id BIGINT NOT NULL,
    system_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, task_id, system_id),
    FOREIGN KEY (tenant_id, task_id) REFERENCES sheet_tasks (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, system_id) REFERENCES info_systems (tenant_id, id)
);
CREATE INDEX sheet_task_systems_system ON sheet_task_systems (tenant_id, system_id);

-- +goose Down
DROP TABLE sheet_task_systems;
DROP TABLE sheet_tasks;
DROP TABLE task_places;
DROP TABLE info_systems;
DROP TABLE task_settings;
