-- +goose Up
-- Kept in step with SQLite 00008. PostgreSQL scans the heap for
-- LIKE '%term%' whatever the index, so nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
