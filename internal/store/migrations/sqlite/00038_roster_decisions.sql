-- +goose Up
-- A decision a roster publication made (its approvals and the days it
-- cancelled) is marked: a later publication of the roster leaves a day the
-- person or their approver cancelled cancelled (it re-creates only the days
-- a publication itself dropped), and a person's take-back right after a
-- publication is not refused as racing "someone else's decision" (issue 15).
-- Earlier publications' decisions are not marked: they read as anyone's.
ALTER TABLE application_decisions ADD COLUMN roster INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE application_decisions DROP COLUMN roster;
