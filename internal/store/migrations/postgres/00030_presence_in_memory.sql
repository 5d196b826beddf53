-- +goose Up
-- On PostgreSQL (several app nodes) the presence table keeps one row per
-- person; each change leaves the row's previous version behind as a dead
-- tuple until vacuum. Autovacuum visits this table after 50 changes
-- instead of after a fifth of the table has changed. (On SQLite presence
-- lives in the server's memory and this table stays empty.)
ALTER TABLE presence SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50);

-- +goose Down
ALTER TABLE presence RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
