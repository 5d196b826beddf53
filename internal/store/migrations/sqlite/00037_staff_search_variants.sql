-- +goose Up
-- Staff search folds the kanji variants of names (髙 → 高, 﨑 → 崎:
-- org.SearchKey). The stored search keys are recomputed in Go after the
-- migrations (store.DB.Migrate: RekeyStaffSearch), once: this row asks for
-- it, and its finished_at is set when it is done (a start interrupted
-- before that does it again).
INSERT INTO job_runs (job, run_key, node, started_at, finished_at) VALUES ('staff_search_keys', 'name_variants', 'migration', 0, 0);

-- +goose Down
DELETE FROM job_runs WHERE job = 'staff_search_keys' AND run_key = 'name_variants';
