-- +goose Up
-- Who has answered a survey is no longer a table of staff ids: it is
-- whether an answer under the person's pseudonym is submitted (computed
-- with the survey's key while the survey is open, never after). A row per
-- respondent written in the answer's own transaction linked the person to
-- the answer in the database's log (the same commit, the same xmin) even
-- after the key was erased (review of issue 16).
DROP TABLE survey_respondents;

-- +goose Down
CREATE TABLE survey_respondents (
    tenant_id BIGINT NOT NULL,
    survey_id BIGINT NOT NULL,
    staff_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, survey_id, staff_id),
    FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id),
    FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id)
) WITHOUT ROWID;
