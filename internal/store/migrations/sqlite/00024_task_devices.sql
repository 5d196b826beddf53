-- +goose Up
-- The device types the tenant provides for telework (issue 13, SPEC §4):
-- a JSON array of tasks.Device; '' = not declared (devices then play no part
-- in the rating).
ALTER TABLE task_settings ADD COLUMN devices TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE task_settings DROP COLUMN devices;
