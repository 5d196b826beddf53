-- +goose Up
-- What the daily job has told of a day's report: '' nothing, 'due' the
-- reminder on its last day, 'overdue' that it is late. Each is written
-- once, in the transaction of its notifications, so a day is told once
-- however often the job runs, and a run after missed days catches up on
-- every report that became late meanwhile.
ALTER TABLE application_days ADD COLUMN report_noted TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE application_days DROP COLUMN report_noted;
