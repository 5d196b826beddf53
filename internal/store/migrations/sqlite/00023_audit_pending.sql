-- +goose Up
-- Audit entries written but not yet sealed into their tenant's hash chain
-- (docs/architecture.md, "Audit chain: writers append, one sealer
-- chains"). A writer inserts its entry here in the transaction of the
-- change it records, without a sequence number or hash, so that writers of
-- one tenant no longer queue on the chain head; the sealer moves entries in
-- id order into audit_log, giving each its seq, prev_hash and hash, and
-- deletes them here in the same transaction. audit_log stays append-only.
CREATE TABLE audit_pending (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL
);
CREATE INDEX audit_pending_tenant ON audit_pending (tenant_id, id);

-- +goose Down
DROP TABLE audit_pending;
