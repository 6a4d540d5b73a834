-- 绩效看板 storage schema: tables mirror the workbook sheets (lib/intake/workbook_spec.py),
-- views are the documented SQL interface other tools may read.
-- Portable SQL only (DuckDB today, PostgreSQL later): standard types, no DuckDB-only functions.
-- Money is 万元 as DECIMAL(18,6) (exact); rates are fractions as DOUBLE PRECISION.

CREATE TABLE IF NOT EXISTS dataset_versions (
    version_id   INTEGER PRIMARY KEY,
    created_at   TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,          -- import / rollback
    files        VARCHAR,                   -- file names, '; ' separated
    sha256       VARCHAR,                   -- per file, '; ' separated, same order
    programs     VARCHAR,                   -- program ids the import replaced
    row_counts   VARCHAR,                   -- JSON object: table -> rows after the import
    restored_version INTEGER,               -- rollback: the version whose data it restored
    sources_version  INTEGER                -- which archived set of sources is current
);

-- Which archived state of each program makes up each version (see archive_* below).
CREATE TABLE IF NOT EXISTS version_programs (
    version_id    INTEGER NOT NULL,
    program_id    VARCHAR NOT NULL,
    state_version INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS sources (
    source_id    VARCHAR PRIMARY KEY,
    title        VARCHAR NOT NULL,
    issuer       VARCHAR,
    report_date  DATE,
    file_name    VARCHAR,
    note         VARCHAR
);

CREATE TABLE IF NOT EXISTS programs (
    program_id   VARCHAR PRIMARY KEY,
    program_name VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    program_kind VARCHAR NOT NULL,
    department   VARCHAR NOT NULL,
    region       VARCHAR,
    doc_no       VARCHAR,
    sub_doc_no   VARCHAR,
    objective    VARCHAR,
    source_id    VARCHAR NOT NULL,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR,
    lineage_id   VARCHAR                    -- 跨年度编号 as the workbook states it (optional)
);

CREATE TABLE IF NOT EXISTS projects (
    project_id            VARCHAR PRIMARY KEY,
    program_id            VARCHAR NOT NULL,
    project_name          VARCHAR NOT NULL,
    implementing_unit     VARCHAR,
    region                VARCHAR,
    budget_initial        DECIMAL(18,6),
    budget                DECIMAL(18,6) NOT NULL,
    appropriation         DECIMAL(18,6),
    executed              DECIMAL(18,6) NOT NULL,
    stated_execution_rate DOUBLE PRECISION,
    stated_score          DOUBLE PRECISION,
    stated_rating         VARCHAR,
    objective             VARCHAR,
    objective_actual      VARCHAR,
    deviation_reason      VARCHAR,
    improvement           VARCHAR,
    source_ref            VARCHAR NOT NULL,
    note                  VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS allocations (
    program_id   VARCHAR NOT NULL,
    project_id   VARCHAR,
    region       VARCHAR NOT NULL,
    fund_source  VARCHAR NOT NULL,
    fund_year    INTEGER,
    amount       DECIMAL(18,6) NOT NULL,
    doc_no       VARCHAR,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS execution (
    program_id            VARCHAR NOT NULL,
    project_id            VARCHAR,
    region                VARCHAR,
    fund_source           VARCHAR,
    as_of                 DATE NOT NULL,
    budget                DECIMAL(18,6) NOT NULL,
    executed              DECIMAL(18,6) NOT NULL,
    stated_execution_rate DOUBLE PRECISION,
    source_ref            VARCHAR NOT NULL,
    note                  VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS progress (
    program_id   VARCHAR NOT NULL,
    region       VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    measure      VARCHAR NOT NULL,
    percent      DOUBLE PRECISION,
    status_text  VARCHAR,
    as_of        DATE,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS objectives (
    program_id   VARCHAR NOT NULL,
    project_id   VARCHAR,
    seq          INTEGER NOT NULL,
    label        VARCHAR,
    expected     VARCHAR,
    actual_text  VARCHAR,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR
);

-- target/actual are kept as written; the parsed_* and status columns are derived on import
-- by lib/analysis/notation.py (operator, number, unit, direction, completion status).
CREATE TABLE IF NOT EXISTS indicators (
    program_id        VARCHAR NOT NULL,
    project_id        VARCHAR,
    seq               INTEGER NOT NULL,
    region            VARCHAR,
    level1            VARCHAR NOT NULL,
    level2            VARCHAR,
    level3            VARCHAR NOT NULL,
    target            VARCHAR,
    actual            VARCHAR,
    weight            DOUBLE PRECISION,
    stated_score      DOUBLE PRECISION,
    deviation_reason  VARCHAR,
    improvement       VARCHAR,
    source_ref        VARCHAR NOT NULL,
    note              VARCHAR,
    sentence     VARCHAR,
    target_op         VARCHAR,
    target_value      DOUBLE PRECISION,
    target_unit       VARCHAR,
    actual_op         VARCHAR,
    actual_value      DOUBLE PRECISION,
    actual_unit       VARCHAR,
    direction         VARCHAR,
    status            VARCHAR NOT NULL,
    completion_ratio  DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS score_parts (
    program_id   VARCHAR NOT NULL,
    project_id   VARCHAR,
    part         VARCHAR NOT NULL,
    weight       DOUBLE PRECISION,
    stated_score DOUBLE PRECISION,
    status_text  VARCHAR,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS spending_items (
    program_id   VARCHAR NOT NULL,
    project_id   VARCHAR,
    seq          INTEGER NOT NULL,
    item         VARCHAR NOT NULL,
    amount       DECIMAL(18,6) NOT NULL,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR
);

CREATE TABLE IF NOT EXISTS stated_figures (
    program_id   VARCHAR NOT NULL,
    project_id   VARCHAR,
    seq          INTEGER NOT NULL,
    region       VARCHAR,
    fund_source  VARCHAR,
    fund_year    INTEGER,
    rating       VARCHAR,
    metric       VARCHAR NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    unit         VARCHAR NOT NULL,
    aggregate    VARCHAR NOT NULL,
    part_of      INTEGER,                   -- seq of the stated total this figure is a part of
    text         VARCHAR,
    source_ref   VARCHAR NOT NULL,
    note         VARCHAR,
    sentence     VARCHAR
);

-- ---------------------------------------------------------------- views (documented in README)
-- Every view carries its program's department, so a department scope (lib/store/filters.py)
-- limits it by a column of its own.
-- Every view over a data table (v_funding, v_execution, v_projects, v_indicators, v_progress,
-- v_stated_figures, v_spending_items, v_score_parts, v_objectives) reads a mat_<name> table:
-- calc_<name> computed and stored per program by every import and rollback (see lib/store/database.py
-- _refresh_derived), so a page's filter or GROUP BY reads one table instead of joining 10M
-- indicator rows to 1M projects on every query. The calc_ views hold the definitions.

-- v_funding: every allocation with its program and project names.
CREATE OR REPLACE VIEW calc_funding AS
SELECT p.year, a.program_id, p.program_name, p.department, a.project_id, j.project_name,
       a.region, a.fund_source, a.fund_year, a.amount, a.doc_no, a.source_ref, a.note
FROM allocations a
JOIN programs p ON p.program_id = a.program_id
LEFT JOIN projects j ON j.project_id = a.project_id;
CREATE TABLE IF NOT EXISTS mat_funding AS SELECT * FROM calc_funding WHERE 1 = 0;
CREATE OR REPLACE VIEW v_funding AS SELECT * FROM mat_funding;

-- v_funding_by_region_source: allocations summed per program x region x source.
CREATE OR REPLACE VIEW calc_funding_by_region_source AS
SELECT year, program_id, program_name, department, region, fund_source, SUM(amount) AS amount
FROM v_funding
GROUP BY year, program_id, program_name, department, region, fund_source;
CREATE TABLE IF NOT EXISTS mat_funding_by_region_source AS SELECT * FROM calc_funding_by_region_source WHERE 1 = 0;
CREATE OR REPLACE VIEW v_funding_by_region_source AS SELECT * FROM mat_funding_by_region_source;

-- v_execution: one row per execution record. Projects contribute their year-end figures
-- (scope 'project'); execution snapshots contribute theirs (scope 'snapshot').
-- execution_rate = executed / budget; elapsed_share = share of the budget year elapsed at as_of.
CREATE OR REPLACE VIEW calc_execution AS
WITH rows_ AS (
    SELECT 'project' AS scope, j.program_id, j.project_id, j.project_name, j.region,
           CAST(NULL AS VARCHAR) AS fund_source, make_date(p.year, 12, 31) AS as_of,
           j.budget, j.appropriation, j.executed, j.stated_execution_rate, j.source_ref, j.note
    FROM projects j JOIN programs p ON p.program_id = j.program_id
    UNION ALL
    SELECT 'snapshot', e.program_id, e.project_id, j.project_name, e.region, e.fund_source,
           e.as_of, e.budget, CAST(NULL AS DECIMAL(18,6)), e.executed, e.stated_execution_rate,
           e.source_ref, e.note
    FROM execution e LEFT JOIN projects j ON j.project_id = e.project_id
)
SELECT p.year, r.scope, r.program_id, p.program_name, p.department, r.project_id, r.project_name,
       r.region, r.fund_source, r.as_of, r.budget, r.appropriation, r.executed,
       CASE WHEN r.budget > 0 THEN CAST(r.executed AS DOUBLE PRECISION) / CAST(r.budget AS DOUBLE PRECISION) END
           AS execution_rate,
       r.stated_execution_rate,
       LEAST(1.0, GREATEST(0.0,
           CAST(r.as_of - make_date(p.year, 1, 1) + 1 AS DOUBLE PRECISION)
           / CAST(make_date(p.year + 1, 1, 1) - make_date(p.year, 1, 1) AS DOUBLE PRECISION)))
           AS elapsed_share,
       r.source_ref, r.note
FROM rows_ r JOIN programs p ON p.program_id = r.program_id;
CREATE TABLE IF NOT EXISTS mat_execution AS SELECT * FROM calc_execution WHERE 1 = 0;
CREATE OR REPLACE VIEW v_execution AS SELECT * FROM mat_execution;

-- v_projects: projects with the computed execution rate beside the stated one.
CREATE OR REPLACE VIEW calc_projects AS
SELECT p.year, j.program_id, p.program_name, p.department, j.project_id, j.project_name,
       j.implementing_unit, j.region, j.budget_initial, j.budget, j.appropriation, j.executed,
       CASE WHEN j.budget > 0 THEN CAST(j.executed AS DOUBLE PRECISION) / CAST(j.budget AS DOUBLE PRECISION) END
           AS execution_rate,
       j.stated_execution_rate, j.stated_score, j.stated_rating,
       j.objective, j.objective_actual, j.deviation_reason, j.improvement, j.source_ref, j.note
FROM projects j JOIN programs p ON p.program_id = j.program_id;
CREATE TABLE IF NOT EXISTS mat_projects AS SELECT * FROM calc_projects WHERE 1 = 0;
CREATE OR REPLACE VIEW v_projects AS SELECT * FROM mat_projects;

-- v_indicators: indicators with the parsed notation and completion status.
CREATE OR REPLACE VIEW calc_indicators AS
SELECT p.year, i.program_id, p.program_name, p.department, i.project_id, j.project_name,
       COALESCE(i.region, j.region, p.region) AS region,
       i.seq, i.level1, i.level2, i.level3, i.target, i.actual, i.weight, i.stated_score,
       i.status, i.direction, i.completion_ratio,
       i.target_op, i.target_value, i.target_unit, i.actual_op, i.actual_value, i.actual_unit,
       i.deviation_reason, i.improvement, i.source_ref, i.note
FROM indicators i
JOIN programs p ON p.program_id = i.program_id
LEFT JOIN projects j ON j.project_id = i.project_id;
CREATE TABLE IF NOT EXISTS mat_indicators AS SELECT * FROM calc_indicators WHERE 1 = 0;
CREATE OR REPLACE VIEW v_indicators AS SELECT * FROM mat_indicators;

-- v_deviations: every deviation explanation next to the figure it explains: indicators that
-- carry an explanation or are not met, and projects that carry one. shortfall: how far the
-- figure misses, as a fraction (1 − actual ÷ target, 1 − execution rate; 0 where it does not
-- miss or cannot be measured), so that the worst can come first.
CREATE OR REPLACE VIEW v_deviations AS
SELECT year, program_id, program_name, department, project_id, project_name, region,
       'indicator' AS kind, level1 || COALESCE(' / ' || level2, '') || ' / ' || level3 AS subject,
       target, actual, status, CAST(NULL AS DOUBLE PRECISION) AS execution_rate,
       deviation_reason, improvement, source_ref,
       GREATEST(0.0, COALESCE(1.0 - completion_ratio, 0.0)) AS shortfall
FROM v_indicators
WHERE deviation_reason IS NOT NULL OR improvement IS NOT NULL
   OR status IN ('not_met', 'qualitative_not_met')
UNION ALL
SELECT year, program_id, program_name, department, project_id, project_name, region,
       'project', project_name, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
       CAST(NULL AS VARCHAR), execution_rate, deviation_reason, improvement, source_ref,
       GREATEST(0.0, COALESCE(1.0 - execution_rate, 0.0))
FROM v_projects
WHERE deviation_reason IS NOT NULL OR improvement IS NOT NULL;

-- v_progress: construction progress per region and subject.
CREATE OR REPLACE VIEW calc_progress AS
SELECT p.year, g.program_id, p.program_name, p.department, CAST(NULL AS VARCHAR) AS project_id, g.region,
       g.subject, g.measure, g.percent, g.status_text, g.as_of, g.source_ref, g.note
FROM progress g JOIN programs p ON p.program_id = g.program_id;
CREATE TABLE IF NOT EXISTS mat_progress AS SELECT * FROM calc_progress WHERE 1 = 0;
CREATE OR REPLACE VIEW v_progress AS SELECT * FROM mat_progress;

-- v_stated_figures: totals and counts exactly as the reports state them.
CREATE OR REPLACE VIEW calc_stated_figures AS
SELECT p.year, s.program_id, p.program_name, p.department, s.project_id, j.project_name,
       COALESCE(s.region, j.region, p.region) AS region, s.seq,
       s.metric, s.value, s.unit, s.fund_source, s.fund_year, s.rating, s.aggregate, s.part_of,
       s.text, s.source_ref, s.note
FROM stated_figures s
JOIN programs p ON p.program_id = s.program_id
LEFT JOIN projects j ON j.project_id = s.project_id;
CREATE TABLE IF NOT EXISTS mat_stated_figures AS SELECT * FROM calc_stated_figures WHERE 1 = 0;
CREATE OR REPLACE VIEW v_stated_figures AS SELECT * FROM mat_stated_figures;

-- v_spending_items: what a project's money was spent on.
CREATE OR REPLACE VIEW calc_spending_items AS
SELECT p.year, s.program_id, p.program_name, p.department, s.project_id, j.project_name,
       COALESCE(j.region, p.region) AS region, s.seq, s.item, s.amount, s.source_ref, s.note
FROM spending_items s
JOIN programs p ON p.program_id = s.program_id
LEFT JOIN projects j ON j.project_id = s.project_id;
CREATE TABLE IF NOT EXISTS mat_spending_items AS SELECT * FROM calc_spending_items WHERE 1 = 0;
CREATE OR REPLACE VIEW v_spending_items AS SELECT * FROM mat_spending_items;

-- v_score_parts: weights and stated scores per 一级指标 (and 预算执行率).
CREATE OR REPLACE VIEW calc_score_parts AS
SELECT p.year, s.program_id, p.program_name, p.department, s.project_id, j.project_name,
       COALESCE(j.region, p.region) AS region, s.part, s.weight, s.stated_score, s.status_text,
       s.source_ref, s.note
FROM score_parts s
JOIN programs p ON p.program_id = s.program_id
LEFT JOIN projects j ON j.project_id = s.project_id;
CREATE TABLE IF NOT EXISTS mat_score_parts AS SELECT * FROM calc_score_parts WHERE 1 = 0;
CREATE OR REPLACE VIEW v_score_parts AS SELECT * FROM mat_score_parts;

-- v_objectives: annual objectives, expected and achieved, as written.
CREATE OR REPLACE VIEW calc_objectives AS
SELECT p.year, o.program_id, p.program_name, p.department, o.project_id, j.project_name,
       COALESCE(j.region, p.region) AS region, o.seq, o.label, o.expected, o.actual_text,
       o.source_ref, o.note
FROM objectives o
JOIN programs p ON p.program_id = o.program_id
LEFT JOIN projects j ON j.project_id = o.project_id;
CREATE TABLE IF NOT EXISTS mat_objectives AS SELECT * FROM calc_objectives WHERE 1 = 0;
CREATE OR REPLACE VIEW v_objectives AS SELECT * FROM mat_objectives;

-- ---------------------------------------------------------------- archive (versions, rollback)
-- Every import copies the new rows of each program it replaced into archive_<table>, tagged with
-- its version (state_version), and every version lists its programs' states in
-- version_programs; so any version can be rebuilt and a rollback destroys nothing.

-- ---------------------------------------------------------------- derived (rebuilt on import)
-- region_options: every (program, region) pair that has funding, execution, indicator or
-- progress rows; the sidebar's 地区 choices. Rebuilt per program by every import and rollback.
CREATE TABLE IF NOT EXISTS derived_state (
    schema_sha256 VARCHAR NOT NULL            -- the schema the derived tables were built with
);

-- mat_program_totals: Store.program_totals per program (the report's whole-program figure, else
-- the sum of its projects), for selections narrowed by year / program only.
CREATE TABLE IF NOT EXISTS mat_program_totals (
    program_id     VARCHAR NOT NULL,
    program_name   VARCHAR,
    year           INTEGER,
    basis          VARCHAR,
    as_of          DATE,
    budget         DOUBLE PRECISION,
    executed       DOUBLE PRECISION,
    execution_rate DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS region_options (
    program_id   VARCHAR NOT NULL,
    region       VARCHAR NOT NULL
);

-- Program identity across years as confirmed or corrected on 数据管理 (lib/store/lineage.py):
-- outside the dataset versions, so a re-import of a year keeps the choice; it wins over the
-- workbook's lineage_id and over the rule (lib/analysis/lineage.py).
CREATE TABLE IF NOT EXISTS program_lineage (
    program_id   VARCHAR PRIMARY KEY,
    lineage_id   VARCHAR NOT NULL,
    decided_at   TIMESTAMP NOT NULL,
    decided_by   VARCHAR NOT NULL
);

-- Saved column mappings of official forms (lib/intake/layouts.py): a new version per save,
-- the highest version of a name is the one applied; earlier versions stay as history.
CREATE TABLE IF NOT EXISTS layouts (
    name         VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    mapping      VARCHAR NOT NULL,          -- JSON object: folded header -> field name or "ignore"
    created_at   TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL,
    PRIMARY KEY (name, version)
);

-- Accounts (lib/store/accounts.py): outside the dataset versions, always read from and written to
-- the system of record. The users file (config/users.toml) seeds names not yet here; after that
-- the row here wins.
CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,      -- folded: trimmed, lower case
    name          VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,         -- viewer / analyst / admin
    scope         VARCHAR NOT NULL,         -- JSON: {"departments": [], "programs": [], "regions": []}
    password_hash VARCHAR,                  -- NULL: signs in only through single sign-on
    email         VARCHAR,                  -- matched, folded, against the OIDC e-mail claim
    oidc_subject  VARCHAR,                  -- or against the OIDC subject (sub)
    disabled      BOOLEAN NOT NULL,
    created_at    TIMESTAMP NOT NULL,       -- UTC
    created_by    VARCHAR NOT NULL,
    updated_at    TIMESTAMP NOT NULL,       -- UTC
    updated_by    VARCHAR NOT NULL
);

-- Who did what, when: sign-ins, uploads, rollbacks, exports, layout saves, user changes.
CREATE TABLE IF NOT EXISTS activity_log (
    at_utc       TIMESTAMP NOT NULL,
    user_name    VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    details      VARCHAR NOT NULL           -- JSON object
);

-- Wrong passwords per folded user name, and the names locked until a time (seconds since the
-- epoch): kept here rather than in one process, so every replica counts the same failures.
CREATE TABLE IF NOT EXISTS login_failures (
    username     VARCHAR NOT NULL,
    failed_at    DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS login_lockouts (
    username     VARCHAR PRIMARY KEY,
    locked_until DOUBLE PRECISION NOT NULL
);
