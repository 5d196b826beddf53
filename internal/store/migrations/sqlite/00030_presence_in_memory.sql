-- +goose Up
-- On SQLite the current presence lives in the server's memory and is never
-- written to the file (a row overwritten there stayed readable in the -wal
-- and in freed pages: past states after all). The table stays, unused, so
-- that both engines keep one schema; the rows an earlier version left are
-- removed.
DELETE FROM presence;

-- +goose Down
SELECT 1;
