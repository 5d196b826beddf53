-- +goose Up
-- Notification delivery and the shared schedule (issue 12): per-person
-- preferences, the tenant's SMTP and chat settings, each section's chat
-- channel, one delivery row per notification and channel (leased by the
-- node that sends it), and the secret tokens of the iCalendar feeds (only
-- their SHA-256 is stored). Times BIGINT Unix microseconds (UTC).

-- planned_at: when the notification was turned into its deliveries (0: not yet).
ALTER TABLE notifications ADD COLUMN planned_at BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX notifications_tenant_id ON notifications (tenant_id, id);
CREATE INDEX notifications_unplanned ON notifications (tenant_id, id) WHERE planned_at = 0;

-- One row per person and kind that differs from the default (in-app and
-- e-mail on, chat off).
CREATE TABLE notify_prefs (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    staff_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    in_app INTEGER NOT NULL,
    email INTEGER NOT NULL,
    chat INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, staff_id, kind),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
);

-- The tenant's outbound settings (IT admin). smtp_password is sealed like
-- the SSO client secret.
CREATE TABLE notify_settings (
    tenant_id BIGINT NOT NULL PRIMARY KEY REFERENCES tenants(id),
    smtp_host TEXT NOT NULL DEFAULT '',
    smtp_port INTEGER NOT NULL DEFAULT 587,
    smtp_tls TEXT NOT NULL DEFAULT 'starttls',
    smtp_user TEXT NOT NULL DEFAULT '',
    smtp_password TEXT NOT NULL DEFAULT '',
    mail_from TEXT NOT NULL DEFAULT '',
    charset TEXT NOT NULL DEFAULT 'utf-8',
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- A section's chat channel: an incoming webhook (generic JSON or Slack-compatible).
CREATE TABLE notify_channels (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    unit_id BIGINT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT 'json',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, unit_id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);

-- One delivery of a notification on a channel. status: pending | sent | dead.
-- A node owns a pending row while lease_until is in the future.
CREATE TABLE notify_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    notification_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, notification_id, channel),
    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications (tenant_id, id)
);
CREATE INDEX notify_deliveries_due ON notify_deliveries (tenant_id, next_at) WHERE status = 'pending';
CREATE INDEX notify_deliveries_dead ON notify_deliveries (tenant_id, id) WHERE status = 'dead';

-- A secret URL token of an iCalendar feed: a person's (staff_id) or a
-- section's (unit_id). Only the SHA-256 of the token is kept.
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    owner_staff_id BIGINT NOT NULL,
    staff_id BIGINT,
    unit_id BIGINT,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id)
);
CREATE INDEX calendar_feeds_owner ON calendar_feeds (tenant_id, owner_staff_id);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE notify_deliveries;
DROP TABLE notify_channels;
DROP TABLE notify_settings;
DROP TABLE notify_prefs;
DROP INDEX notifications_unplanned;
DROP INDEX notifications_tenant_id;
ALTER TABLE notifications DROP COLUMN planned_at;
