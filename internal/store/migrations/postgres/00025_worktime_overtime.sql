-- +goose Up
-- Prior overtime requests (時間外勤務の事前承認, issue 12): the person's
-- reason, the approver the request was routed to (the same routing as
-- applications; NULL for rows from before), the approver's comment and a
-- version for conditional decisions.
ALTER TABLE worktime_overtime
    ADD COLUMN reason TEXT NOT NULL DEFAULT '',
    ADD COLUMN approver_id BIGINT,
    ADD COLUMN comment TEXT NOT NULL DEFAULT '',
    ADD COLUMN version BIGINT NOT NULL DEFAULT 1,
    ADD CONSTRAINT worktime_overtime_approver_fk FOREIGN KEY (tenant_id, approver_id) REFERENCES staff (tenant_id, id);
CREATE INDEX worktime_overtime_approver ON worktime_overtime (tenant_id, approver_id, status);
CREATE INDEX worktime_overtime_date ON worktime_overtime (tenant_id, work_date);

-- +goose Down
DROP INDEX worktime_overtime_date;
DROP INDEX worktime_overtime_approver;
ALTER TABLE worktime_overtime DROP COLUMN version, DROP COLUMN comment, DROP COLUMN approver_id, DROP COLUMN reason;
