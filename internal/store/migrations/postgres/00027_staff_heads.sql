-- +goose Up
-- The current heads of units (所属長・係長), looked up by unit on every
-- submission (routing) and every flagged start report: a partial index on
-- the heads alone, so the lookup reads a handful of entries instead of
-- every member of the units in the chain, and covers what it returns (its WHERE is written exactly as
-- the query's, which SQLite needs to use it).
CREATE INDEX staff_heads ON staff (tenant_id, unit_id, id, rank, name) WHERE is_supervisor = TRUE AND retired = FALSE;

-- +goose Down
DROP INDEX staff_heads;
