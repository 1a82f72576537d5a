"""The four anomaly checks of one county as one PostgreSQL statement, with their upsert.

Mirrors the Python checks in audit/anomalies.py word for word (the same keys and
Chinese details); audit/tests/test_anomalies_sql.py compares the two. Values are bound
parameters: county_id, everyone and teacher_ids (whose records to check), limit (class hours a day, POLICIES §7.14 reading, a policy setting), now,
rejected, centralized and kind_<name> for each AnomalyKind.
"""

from credits.models import AuditAnomaly
from institutions.models import School
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher

# Python's str.split() whitespace, so "国培 计划" and "国培计划" are one title.
WHITESPACE = r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\x1c-\x1f\x85]"

EPOCH = "DATE '2000-01-01'"

COUNTY_ANOMALIES_SQL = f"""
WITH live AS MATERIALIZED (
    -- The teacher's name rides along: joining the teachers again for the findings' details
    -- made PostgreSQL hash the whole teacher table once per county.
    SELECT r.id, r.teacher_id, t.name AS teacher_name, r.hours, r.completed_on, r.project_id,
        p.starts_on, p.ends_on, p.mode
    FROM {TrainingRecord._meta.db_table} r
    JOIN {Teacher._meta.db_table} t ON t.id = r.teacher_id
    JOIN {School._meta.db_table} s ON s.id = t.school_id
    JOIN {TrainingProject._meta.db_table} p ON p.id = r.project_id
    WHERE s.county_id = %(county_id)s AND r.status <> %(rejected)s
      -- the whole county, or only the teachers recomputed tonight (the incremental audit)
      AND (%(everyone)s OR r.teacher_id = ANY(%(teacher_ids)s::bigint[]))
),
-- For each centralized training, the earlier one (by start, then id) reaching furthest: the
-- latest end, the first in that order on a tie — encoded [end, -start, -id, project] so that
-- max() picks it.
reach AS (
    SELECT live.*,
        max(ARRAY[(ends_on - {EPOCH})::bigint, -(starts_on - {EPOCH})::bigint, -id::bigint,
                  project_id::bigint])
            OVER (PARTITION BY teacher_id ORDER BY starts_on, id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest
    FROM live WHERE mode = %(centralized)s
),
-- Two records can be one training claimed twice only if their dates agree: find those first,
-- then compare titles (whitespace ignored) for them alone.
same_dates AS (
    SELECT teacher_id, starts_on, ends_on FROM live
    GROUP BY teacher_id, starts_on, ends_on HAVING count(*) > 1
),
twins AS (
    SELECT l.id, l.teacher_id, l.teacher_name, l.starts_on, l.ends_on, p.name AS title,
        regexp_replace(p.name, '{WHITESPACE}', '', 'g') AS title_key
    FROM live l
    JOIN same_dates d ON d.teacher_id = l.teacher_id AND d.starts_on = l.starts_on
        AND d.ends_on = l.ends_on
    JOIN {TrainingProject._meta.db_table} p ON p.id = l.project_id
),
found AS (
    SELECT x.teacher_id, %(kind_outside_dates)s AS kind, ARRAY[x.id::bigint] AS ids,
        x.teacher_name || '：完成日期 ' || x.completed_on || ' 不在项目时间 ' || x.starts_on
            || ' 至 ' || x.ends_on || ' 内。' AS detail
    FROM live x
    WHERE x.completed_on < x.starts_on OR x.completed_on > x.ends_on
    UNION ALL
    SELECT x.teacher_id, %(kind_hours_per_day)s, ARRAY[x.id::bigint],
        x.teacher_name || '：' || p.name || ' 共 ' || (x.ends_on - x.starts_on + 1)
            || ' 天，登记 ' || x.hours || ' 学时，超过每天 ' || %(limit)s || ' 学时。'
    FROM live x
    JOIN {TrainingProject._meta.db_table} p ON p.id = x.project_id
    WHERE x.mode = %(centralized)s AND x.hours > %(limit)s * (x.ends_on - x.starts_on + 1)
    UNION ALL
    SELECT x.teacher_id, %(kind_overlap)s,
        ARRAY[LEAST(-x.latest[3], x.id), GREATEST(-x.latest[3], x.id)],
        x.teacher_name || '：' || earlier.name || ' 与 ' || p.name || ' 的集中培训时间重叠。'
    FROM reach x
    JOIN {TrainingProject._meta.db_table} p ON p.id = x.project_id
    JOIN {TrainingProject._meta.db_table} earlier ON earlier.id = x.latest[4]
    WHERE x.starts_on <= {EPOCH} + x.latest[1]::int AND x.project_id <> x.latest[4]
    UNION ALL
    SELECT g.teacher_id, %(kind_duplicate_claim)s, g.ids,
        g.teacher_name || '：“' || g.title || '”（' || g.starts_on || '）登记了 ' || g.n
            || ' 次。'
    FROM (
        SELECT teacher_id, min(teacher_name) AS teacher_name, starts_on,
            array_agg(id::bigint ORDER BY id) AS ids,
            (array_agg(title ORDER BY id))[1] AS title, count(*) AS n
        FROM twins GROUP BY teacher_id, title_key, starts_on, ends_on HAVING count(*) > 1
    ) g
),
written AS (
    INSERT INTO {AuditAnomaly._meta.db_table} AS old
        (county_id, teacher_id, kind, key, record_ids, detail, found_at, last_seen_at,
         is_resolved)
    SELECT DISTINCT ON (key) %(county_id)s, teacher_id, kind, key, to_jsonb(ids),
        left(detail, 300), %(now)s, %(now)s, FALSE
    FROM (SELECT found.*, kind || ':' || array_to_string(ids, '-') AS key FROM found) keyed
    ORDER BY key
    ON CONFLICT (key) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
)
SELECT COUNT(*) FROM found
"""  # nosec B608 # names from model _meta and the constants above; values bound
