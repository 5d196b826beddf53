-- +goose Up
-- A lent device is out for its whole loan period, not only on the day it
-- was reserved for (issue 14 review: one PC was promised to two people on
-- overlapping days). held_to is the last day a reservation holds a unit
-- of its pool: the due day when reserved or lent, extended day by day
-- while a lent device is overdue, cut back when it comes back early. The
-- counters are rebuilt from the reservations over those days; a returned
-- device keeps the day it was reserved for, as before.
ALTER TABLE device_reservations ADD COLUMN held_to TEXT NOT NULL DEFAULT '';
UPDATE device_reservations SET held_to = CASE
    WHEN status IN ('reserved', 'lent') AND due_day > day THEN due_day
    ELSE day END;
DELETE FROM device_slots;
WITH RECURSIVE span (tenant_id, pool_id, day, last) AS (
    SELECT tenant_id, pool_id, day, held_to FROM device_reservations WHERE status <> 'cancelled'
    UNION ALL
    SELECT tenant_id, pool_id, to_char(day::date + 1, 'YYYY-MM-DD'), last FROM span WHERE day < last
)
INSERT INTO device_slots (tenant_id, pool_id, day, used)
SELECT tenant_id, pool_id, day, COUNT(*) FROM span GROUP BY tenant_id, pool_id, day;
-- One asset number is out once: lending a device that has not come back
-- is refused (it used to be accepted, and a return by asset number then
-- closed only one of the two loans). Loans recorded twice before keep the
-- newest as it is; the older ones stay lent, with their asset number
-- marked 「(重複 id)」, for IT to find on the overdue list and settle —
-- nothing is marked returned that nobody saw come back.
UPDATE device_reservations SET asset_no = asset_no || ' (重複 ' || CAST(id AS TEXT) || ')'
WHERE status = 'lent' AND EXISTS (SELECT 1 FROM device_reservations o WHERE o.tenant_id = device_reservations.tenant_id
    AND o.asset_no = device_reservations.asset_no AND o.status = 'lent' AND o.id > device_reservations.id);
CREATE UNIQUE INDEX device_reservations_asset_out ON device_reservations (tenant_id, asset_no) WHERE status = 'lent';
-- The loans still out, found by the daily overdue sweep.
CREATE INDEX device_reservations_out ON device_reservations (tenant_id, held_to) WHERE status = 'lent';

-- +goose Down
DROP INDEX device_reservations_out;
DROP INDEX device_reservations_asset_out;
ALTER TABLE device_reservations DROP COLUMN held_to;
