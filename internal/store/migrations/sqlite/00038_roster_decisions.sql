-- +goose Up
-- A decision a roster publication made (its approvals and the days it
-- cancelled) is marked: a later publication of the roster leaves a day the
-- person or their approver cancelled cancelled (it re-creates only the days
-- a publication itself dropped), and a person's take-back right after a
-- publication is not refused as racing "someone else's decision" (issue 15).
ALTER TABLE application_decisions ADD COLUMN roster INTEGER NOT NULL DEFAULT 0;
-- The earlier publications' decisions are marked too: an approval or a
-- cancellation of an application a publication lists, taken within a
-- second of a publication of the tenant (a publication's decisions and its
-- record are written in one transaction, their clocks read microseconds
-- apart). Unmarked, the days a publication dropped would read as the
-- person's cancellations and never be given again (a review).
UPDATE application_decisions SET roster = 1
WHERE action IN ('approve', 'cancel')
  AND EXISTS (SELECT 1 FROM roster_publication_apps pa
              WHERE pa.tenant_id = application_decisions.tenant_id AND pa.application_id = application_decisions.application_id)
  AND EXISTS (SELECT 1 FROM roster_publications p
              WHERE p.tenant_id = application_decisions.tenant_id
                AND p.published_at BETWEEN application_decisions.at - 1000000 AND application_decisions.at + 1000000);

-- +goose Down
ALTER TABLE application_decisions DROP COLUMN roster;
