-- +goose Up
-- When the hourly sweep told of a day left without an end report (Unix
-- microseconds; 0 not yet). Set once, in the transaction of the notice and
-- its audit entry, so the person and the heads are told once per day. It
-- lives on the day rather than in job_runs (claims that a backup leaves
-- out) so that a restored instance does not tell the same day again.
ALTER TABLE worktime_days ADD COLUMN no_clock_out_noted BIGINT NOT NULL DEFAULT 0;
-- The days already told (their claims in job_runs, keyed tenant/staff/date).
UPDATE worktime_days SET no_clock_out_noted = (SELECT MAX(j.finished_at) FROM job_runs j
    WHERE j.job = 'worktime.no_clock_out' AND j.run_key = worktime_days.tenant_id || '/' || worktime_days.staff_id || '/' || worktime_days.work_date)
WHERE EXISTS (SELECT 1 FROM job_runs j
    WHERE j.job = 'worktime.no_clock_out' AND j.run_key = worktime_days.tenant_id || '/' || worktime_days.staff_id || '/' || worktime_days.work_date);
DELETE FROM job_runs WHERE job = 'worktime.no_clock_out' AND run_key LIKE '%/%';

-- +goose Down
ALTER TABLE worktime_days DROP COLUMN no_clock_out_noted;
