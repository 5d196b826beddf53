-- +goose Up
-- Every page of the staff list and search answers with the total: a COUNT
-- of the tenant's current staff (optionally within units), read from this
-- narrow index (an index-only scan once the table is vacuumed).
CREATE INDEX staff_active ON staff (tenant_id, retired, unit_id);

-- +goose Down
DROP INDEX staff_active;
