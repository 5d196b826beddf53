-- +goose Up
-- When the hourly sweep told of an approved telework day without a start
-- report (microseconds; 0 not told): once per day, kept in backups, so a
-- restored instance does not tell the same day again (issue 12: reminders
-- for missing reports).
ALTER TABLE application_days ADD COLUMN start_noted BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE application_days DROP COLUMN start_noted;
