-- +goose Up
-- Every page of the staff list and search answers with the total: a COUNT
-- of the tenant's current staff (optionally within units). Without a
-- narrow index SQLite counted through the wide search index or the table
-- itself, 90% of an API page's time on 30,000 staff.
CREATE INDEX staff_active ON staff (tenant_id, retired, unit_id);

-- +goose Down
DROP INDEX staff_active;
