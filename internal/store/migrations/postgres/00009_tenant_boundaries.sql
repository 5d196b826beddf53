-- +goose Up
-- Tenant boundaries in the schema (issue 8). Every reference between
-- tenant-scoped tables becomes a composite foreign key that carries
-- tenant_id, (tenant_id, unit_id) → units (tenant_id, id) and so on, so a
-- row can never point into another tenant, even through a bug; the tables
-- referred to get UNIQUE (tenant_id, id) for the keys to point at. A NULL
-- reference (a top-level unit, an account without a staff record) is not
-- checked (MATCH SIMPLE), as before. Kept in step with SQLite 00009, which
-- has to rebuild the tables for it.
--
-- Adding a key checks the rows already there: rows that point into another
-- tenant (or nowhere) fail the migration, naming the constraint, and the
-- transaction leaves the database as it was; docs/operations.md says how to
-- find them.
ALTER TABLE units ADD CONSTRAINT units_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE staff ADD CONSTRAINT staff_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE users ADD CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id);

ALTER TABLE units
    DROP CONSTRAINT IF EXISTS units_parent_id_fkey,
    ADD CONSTRAINT units_parent_fkey FOREIGN KEY (tenant_id, parent_id) REFERENCES units (tenant_id, id);
ALTER TABLE unit_history
    DROP CONSTRAINT IF EXISTS unit_history_unit_id_fkey,
    ADD CONSTRAINT unit_history_unit_fkey FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    ADD CONSTRAINT unit_history_old_parent_fkey FOREIGN KEY (tenant_id, old_parent_id) REFERENCES units (tenant_id, id),
    ADD CONSTRAINT unit_history_new_parent_fkey FOREIGN KEY (tenant_id, new_parent_id) REFERENCES units (tenant_id, id);
ALTER TABLE staff
    DROP CONSTRAINT IF EXISTS staff_unit_id_fkey,
    ADD CONSTRAINT staff_unit_fkey FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id);
ALTER TABLE staff_history
    DROP CONSTRAINT IF EXISTS staff_history_staff_id_fkey,
    ADD CONSTRAINT staff_history_staff_fkey FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    ADD CONSTRAINT staff_history_old_unit_fkey FOREIGN KEY (tenant_id, old_unit_id) REFERENCES units (tenant_id, id),
    ADD CONSTRAINT staff_history_new_unit_fkey FOREIGN KEY (tenant_id, new_unit_id) REFERENCES units (tenant_id, id);
ALTER TABLE users
    DROP CONSTRAINT IF EXISTS users_staff_id_fkey,
    ADD CONSTRAINT users_staff_fkey FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id);
ALTER TABLE staff_policy_facts
    DROP CONSTRAINT IF EXISTS staff_policy_facts_staff_id_fkey,
    ADD CONSTRAINT staff_policy_facts_staff_fkey FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id);
ALTER TABLE staff_imports
    ADD CONSTRAINT staff_imports_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id);

-- +goose Down
ALTER TABLE staff_imports DROP CONSTRAINT staff_imports_user_fkey;
ALTER TABLE staff_policy_facts
    DROP CONSTRAINT staff_policy_facts_staff_fkey,
    ADD CONSTRAINT staff_policy_facts_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (id);
ALTER TABLE users
    DROP CONSTRAINT users_staff_fkey,
    ADD CONSTRAINT users_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (id);
ALTER TABLE staff_history
    DROP CONSTRAINT staff_history_staff_fkey,
    DROP CONSTRAINT staff_history_old_unit_fkey,
    DROP CONSTRAINT staff_history_new_unit_fkey,
    ADD CONSTRAINT staff_history_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (id);
ALTER TABLE staff
    DROP CONSTRAINT staff_unit_fkey,
    ADD CONSTRAINT staff_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units (id);
ALTER TABLE unit_history
    DROP CONSTRAINT unit_history_unit_fkey,
    DROP CONSTRAINT unit_history_old_parent_fkey,
    DROP CONSTRAINT unit_history_new_parent_fkey,
    ADD CONSTRAINT unit_history_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units (id);
ALTER TABLE units
    DROP CONSTRAINT units_parent_fkey,
    ADD CONSTRAINT units_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES units (id);
ALTER TABLE users DROP CONSTRAINT users_tenant_id_id_key;
ALTER TABLE staff DROP CONSTRAINT staff_tenant_id_id_key;
ALTER TABLE units DROP CONSTRAINT units_tenant_id_id_key;
