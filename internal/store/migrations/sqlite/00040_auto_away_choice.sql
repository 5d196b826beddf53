-- +goose Up
-- The person's choice of automatic 退席中 (issue 12: "the person can switch
-- that off"), kept with their other settings: on SQLite presence lives in
-- memory only (no past state reaches the file), and a restart forgot the
-- choice with it (a review). A setting, not a state: no history.
ALTER TABLE notify_person ADD COLUMN auto_away_off INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE notify_person DROP COLUMN auto_away_off;
