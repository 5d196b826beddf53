-- +goose Up
-- Single sign-on (OpenID Connect), one settings row per tenant. The client
-- secret is kept here because the code exchange needs it in clear; it is
-- never rendered back and never written to the audit log.
CREATE TABLE sso_settings (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    mandatory BOOLEAN NOT NULL DEFAULT FALSE,
    issuer TEXT NOT NULL DEFAULT '',
    client_id TEXT NOT NULL DEFAULT '',
    client_secret TEXT NOT NULL DEFAULT '',
    claim TEXT NOT NULL DEFAULT 'sub',
    jit_link BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Sign-ins in progress, so that any app node can finish a flow another one
-- started. A row is consumed by one DELETE … RETURNING (single use). State
-- and nonce are kept as SHA-256 only; the PKCE verifier must be kept in
-- clear for the code exchange. browser_hash binds the flow to the browser
-- that started it (a cookie), against sign-in CSRF.
CREATE TABLE sso_states (
    state_hash TEXT PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    browser_hash TEXT NOT NULL,
    nonce_hash TEXT NOT NULL,
    verifier TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    next_path TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sso_states_expiry ON sso_states (expires_at);

-- The IdP's subject bound to an account (claim "sub"); NULLs do not
-- collide, so the index makes a bound subject unique within the tenant.
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso_subject ON users (tenant_id, sso_subject);

-- E-mail matching is case-insensitive.
CREATE INDEX staff_email_lower ON staff (tenant_id, LOWER(email));

-- +goose Down
DROP INDEX staff_email_lower;
DROP INDEX users_sso_subject;
ALTER TABLE users DROP COLUMN sso_subject;
DROP TABLE sso_states;
DROP TABLE sso_settings;
