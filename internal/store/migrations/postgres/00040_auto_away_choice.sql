-- +goose Up
-- The person's choice of automatic 退席中 (issue 12: "the person can switch
-- that off"), kept with their other settings: on SQLite presence lives in
-- memory only (no past state reaches the file), and a restart forgot the
-- choice with it (a review). A setting, not a state: no history.
ALTER TABLE notify_person ADD COLUMN auto_away_off BOOLEAN NOT NULL DEFAULT FALSE;
-- The choices made before: on PostgreSQL they were in the presence rows.
INSERT INTO notify_person (tenant_id, staff_id, after_hours, auto_away_off)
    SELECT tenant_id, staff_id, FALSE, TRUE FROM presence WHERE auto_away = 0
    ON CONFLICT (tenant_id, staff_id) DO UPDATE SET auto_away_off = TRUE;

-- +goose Down
ALTER TABLE notify_person DROP COLUMN auto_away_off;
