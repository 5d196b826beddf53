-- +goose Up
-- A task that can only be done where it happens (a meeting held in a
-- meeting room, 松本市's 見える化シート: 「会議開催、運営 × 物理的に不能」):
-- × at home, at every satellite office and on the move, with no
-- improvement to offer.
ALTER TABLE sheet_tasks ADD COLUMN on_site BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE sheet_tasks DROP COLUMN on_site;
