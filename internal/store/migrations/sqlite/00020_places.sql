-- +goose Up
-- Satellite offices, seat booking, device pools (issue 14; SPEC §5). An
-- office IS a task_places row (issue 13's place list, which the
-- feasibility engine rates) with its booking attributes in office_details,
-- so the engine rates every office and /api/v1/task-places keeps working.
-- Capacity is a counter row per office/day/half/resource (place_slots) and
-- per pool/day (device_slots), raised by one conditional UPDATE
-- (used < cap) in the transaction that inserts the booking and its audit
-- entry: two nodes can never both take the last seat. Civil dates are TEXT
-- 'YYYY-MM-DD', times BIGINT Unix microseconds (UTC).
CREATE TABLE office_details (
    tenant_id BIGINT NOT NULL,
    office_id BIGINT NOT NULL,
    seats INTEGER NOT NULL DEFAULT 0,
    pcs INTEGER NOT NULL DEFAULT 0,
    phone INTEGER NOT NULL DEFAULT 0,
    printer INTEGER NOT NULL DEFAULT 0,
    opens TEXT NOT NULL DEFAULT '08:30',
    closes TEXT NOT NULL DEFAULT '17:15',
    closed_days TEXT NOT NULL DEFAULT 'sat,sun',
    pre_registration INTEGER NOT NULL DEFAULT 0,
    horizon_days INTEGER NOT NULL DEFAULT 30,
    hourly INTEGER NOT NULL DEFAULT 0,
    outsiders INTEGER NOT NULL DEFAULT 0,
    address TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, office_id),
    FOREIGN KEY (tenant_id, office_id) REFERENCES task_places (tenant_id, id) ON DELETE CASCADE
);

-- People registered with an office that requires it (民間シェアオフィスの事前登録).
CREATE TABLE office_registrations (
    tenant_id BIGINT NOT NULL,
    office_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, office_id, staff_id),
    FOREIGN KEY (tenant_id, office_id) REFERENCES task_places (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- resource: seat | pc; half: am | pm.
CREATE TABLE place_slots (
    tenant_id BIGINT NOT NULL,
    office_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    half TEXT NOT NULL,
    resource TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (tenant_id, office_id, day, half, resource),
    FOREIGN KEY (tenant_id, office_id) REFERENCES task_places (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    office_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    half TEXT NOT NULL,
    pc INTEGER NOT NULL DEFAULT 0,
    application_id BIGINT,
    status TEXT NOT NULL DEFAULT 'booked',
    booked_by BIGINT NOT NULL DEFAULT 0,
    checked_in_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, office_id) REFERENCES task_places (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);
CREATE INDEX bookings_office_day ON bookings (tenant_id, office_id, day);
CREATE INDEX bookings_staff_day ON bookings (tenant_id, staff_id, day);

-- One live seat per person and half-day, whichever office: the primary key
-- refuses the second (rows are deleted on cancellation).
CREATE TABLE booking_halves (
    tenant_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    half TEXT NOT NULL,
    booking_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, day, half),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id)
);

-- kind: loan_pc | tablet | lte_dongle | mobile_wifi | mobile_phone |
-- vpn_session | vdi_session | remote_id.
CREATE TABLE device_pools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 0,
    loan_days INTEGER NOT NULL DEFAULT 1,
    note TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE device_slots (
    tenant_id BIGINT NOT NULL,
    pool_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (tenant_id, pool_id, day),
    FOREIGN KEY (tenant_id, pool_id) REFERENCES device_pools (tenant_id, id)
);

CREATE TABLE device_reservations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    pool_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    application_id BIGINT,
    status TEXT NOT NULL DEFAULT 'reserved',
    asset_no TEXT NOT NULL DEFAULT '',
    due_day TEXT NOT NULL DEFAULT '',
    lent_at BIGINT NOT NULL DEFAULT 0,
    returned_at BIGINT NOT NULL DEFAULT 0,
    booked_by BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    cancelled_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, pool_id) REFERENCES device_pools (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id)
);
CREATE UNIQUE INDEX device_reservations_once ON device_reservations (tenant_id, pool_id, staff_id, day, cancelled_at);
CREATE INDEX device_reservations_pool_day ON device_reservations (tenant_id, pool_id, day);
CREATE INDEX device_reservations_staff_day ON device_reservations (tenant_id, staff_id, day);

-- Personal devices (私用端末・BYOD): requested by the person, approved by IT
-- before use, until expires_on. status: requested | approved | rejected |
-- revoked.
CREATE TABLE personal_devices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    description TEXT NOT NULL,
    os TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'requested',
    expires_on TEXT NOT NULL DEFAULT '',
    requested_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL DEFAULT 0,
    decided_by BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- One-time remote-access credentials, one per person and telework day:
-- only the SHA-256 of the secret is stored; it expires at the day's end.
CREATE TABLE remote_credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    login TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, staff_id, day),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- +goose Down
DROP TABLE remote_credentials;
DROP TABLE personal_devices;
DROP TABLE device_reservations;
DROP TABLE device_slots;
DROP TABLE device_pools;
DROP TABLE booking_halves;
DROP TABLE bookings;
DROP TABLE place_slots;
DROP TABLE office_registrations;
DROP TABLE office_details;
