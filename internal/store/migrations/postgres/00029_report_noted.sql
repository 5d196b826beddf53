-- +goose Up
-- What the daily job has told of a day's report: '' nothing, 'due' the
-- reminder on its last day, 'overdue' that it is late. Each is written
-- once, in the transaction of its notifications, so a day is told once
-- however often the job runs, and a run after missed days catches up on
-- every report that became late meanwhile.
ALTER TABLE application_days ADD COLUMN report_noted TEXT NOT NULL DEFAULT '';
-- The days whose report was due before today (in Japan) count as told:
-- the job before this one told each late report the day after it fell
-- due, and a database upgraded with years of history must not receive a
-- notice for every old unreported day on its first run.
UPDATE application_days SET report_noted = 'overdue' WHERE report_due <> '' AND report_due < to_char((now() AT TIME ZONE 'Asia/Tokyo')::date, 'YYYY-MM-DD');

-- +goose Down
ALTER TABLE application_days DROP COLUMN report_noted;
