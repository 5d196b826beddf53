-- +goose Up
-- Surveys (issue 16): the questionnaire, its schedule and target group.
-- pseudonym_key is the per-survey HMAC key that turns a staff id into the
-- pseudonym of its answers (shared by a post-trial survey and the
-- pre-trial one it is compared with); it is erased once the answers are
-- fixed, after which nobody can link an answer to anyone.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    pre_id BIGINT,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '{}',
    questions TEXT NOT NULL,
    status TEXT NOT NULL,
    show_free_text INTEGER NOT NULL DEFAULT 0,
    pseudonym_key TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, pre_id) REFERENCES surveys (tenant_id, id)
);
CREATE INDEX surveys_tenant_status ON surveys (tenant_id, status);

-- Who has answered, and nothing else: no time, no answer, no serial id
-- (the key is the staff id, so the row order says nothing about when).
CREATE TABLE survey_respondents (
    tenant_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, survey_id, staff_id),
    FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
) WITHOUT ROWID;

-- The answers, with NO staff id and no time: keyed by the pseudonym
-- (HMAC-SHA256 of the staff id under the survey's key). submitted is
-- false while the person saves as they go.
CREATE TABLE survey_answers (
    tenant_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    pseudonym TEXT NOT NULL,
    submitted INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, survey_id, pseudonym),
    FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id)
) WITHOUT ROWID;

-- 1on1 pairs (第5章 2.): usually a supervisor (lead) and a member, any two
-- people of the tenant; cadence in days (7–28), online or face to face.
CREATE TABLE oneonone_pairs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    lead_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    cadence_days INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    mode TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, lead_id, member_id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES staff (tenant_id, id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES staff (tenant_id, id)
);

-- One meeting of a pair. body is the log (アイスブレイク, 前回の振り返り,
-- 本日のテーマ, notes, agreed actions) sealed with AES-256-GCM under the
-- server's key: the database and its backups hold ciphertext only.
CREATE TABLE oneonone_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id BIGINT NOT NULL,
    pair_id BIGINT NOT NULL,
    held_on TEXT NOT NULL,
    mode TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, pair_id) REFERENCES oneonone_pairs (tenant_id, id)
);
CREATE INDEX oneonone_meetings_pair ON oneonone_meetings (tenant_id, pair_id, held_on);

-- +goose Down
DROP TABLE oneonone_meetings;
DROP TABLE oneonone_pairs;
DROP TABLE survey_answers;
DROP TABLE survey_respondents;
DROP TABLE surveys;
