-- +goose Up
-- The PDCA review reminder is sent twice per review date (issue 16
-- review): a set number of days before it ("approaching", reminded_for)
-- and once after it has passed without a review ("overdue", this column).
-- A reminder sent before this version went out when the date had come,
-- so it counts as the overdue one: nobody is told twice of one date.
ALTER TABLE roadmap_review_settings ADD COLUMN overdue_reminded_for TEXT NOT NULL DEFAULT '';
UPDATE roadmap_review_settings SET overdue_reminded_for = reminded_for;

-- +goose Down
ALTER TABLE roadmap_review_settings DROP COLUMN overdue_reminded_for;
