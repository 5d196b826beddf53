-- +goose Up
-- A person's choices that hold for every kind of notification. after_hours:
-- the person asked to be told outside working time too (SPEC §1: quiet
-- hours hold non-urgent messages "unless the person opts in"). No row: the
-- policy's quiet hours hold for them.
CREATE TABLE notify_person (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    after_hours BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, staff_id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- +goose Down
DROP TABLE notify_person;
