"""Recompute every teacher's cycle and school-year progress for one county, set-based.

On PostgreSQL the policy is compiled into one statement (audit/progress_sql.py): the
database sums the ledger, applies the requirement rows, offsets, new-teacher rule and status
thresholds, and upserts the rows — no Python loop over teachers. Elsewhere (the SQLite demo)
one GROUP BY gives the sums and the rule engine applies the policy to them. Both upsert by
natural key and rewrite only rows that changed, so running it twice, or again after a worker
died half-way, leaves the same rows; the equality tests hold the two paths to the same result.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from credits import rules
from credits.models import (
    AuditRun,
    CountySummary,
    CycleProgress,
    ProgressStatus,
    SchoolYearProgress,
    StaleProgress,
    row_amounts,
)
from credits.progress import at_risk_ratio, deadline_sums, ledger_sums, progress_status
from credits.selectors import PolicyCache
from institutions.models import AdministrativeUnit
from trainees.models import Teacher

from .progress_sql import county_progress_sql
from .status_sql import county_status_sql, dated_in_sql

ZERO = Decimal(0)
BATCH = 5000
AMOUNT_FIELDS = ["row_keys", "earned_by_row", "counted_by_row", "required_by_row"]
CYCLE_FIELDS = [
    "policy_version",
    "cycle_end",
    "as_of",
    "status",
    "is_new_teacher",
    "counted_total",
    "required_total",
    *AMOUNT_FIELDS,
    "computed_at",
]
YEAR_FIELDS = ["is_owed", "is_complete", *AMOUNT_FIELDS, "computed_at"]


@dataclass(frozen=True)
class CountyAudit:
    """What one county's audit found: teachers by status and those whose cycle is complete."""

    county_id: int
    policy_code: str
    teachers: int
    by_status: dict[str, int]
    recomputed: int | None = None  # teachers recomputed tonight; None: all of them


def _total(values) -> Decimal:
    return values.get("total", sum(values.values(), ZERO))


@dataclass(frozen=True)
class Recompute:
    """Which teachers tonight's run recomputes: everyone, or the listed ones (and why)."""

    everyone: bool
    teacher_ids: frozenset[int] = frozenset()
    stale_marks: tuple[int, ...] = ()  # the StaleProgress rows read, deleted once done
    reason: str = ""


def plan_recompute(
    county_id: int, spec, as_of: datetime.date, *, engine: str | None = None, full: bool = False
) -> Recompute:
    """Decide whether tonight recomputes the whole county or only its stale teachers.

    Only on PostgreSQL (its triggers mark stale teachers, migration 0010). Everyone is
    recomputed when asked (`full`), on the first audit of the county under this policy, after
    the policy's version changed, when the date goes backwards, when a school year began since
    the last audit (a new owed year is listed for every teacher, rules.progress._years), and
    while a row's counting deadline (Songjiang's counted_until) lies after the last audit's day.
    Otherwise: the teachers marked stale, and those with a ledger entry dated since the last
    audit's day (it starts counting tonight). Every other teacher's sums are unchanged and only
    the status moves with the date (county_status_sql).
    """
    if engine is None:
        engine = "sql" if connection.vendor == "postgresql" else "python"
    marks: list[tuple[int, int]] = []
    if engine == "sql":
        marks = list(
            StaleProgress.objects.filter(teacher__school__county_id=county_id).values_list(
                "pk", "teacher_id"
            )
        )
    stale_marks = tuple(pk for pk, _teacher in marks)
    summary = (
        CountySummary.objects.filter(county_id=county_id, policy_code=spec.code)
        .values("as_of", "policy_version")
        .first()
    )
    reason = _why_everyone(summary, spec, as_of, engine=engine, full=full)
    if reason:
        return Recompute(everyone=True, stale_marks=stale_marks, reason=reason)
    last = summary["as_of"]
    teacher_ids = {teacher for _pk, teacher in marks}
    until = min(spec.cycle_end, as_of)
    if last < until:
        with connection.cursor() as cursor:
            cursor.execute(dated_in_sql(), {"county_id": county_id, "after": last, "until": until})
            teacher_ids.update(row[0] for row in cursor.fetchall())
    return Recompute(
        everyone=False,
        teacher_ids=frozenset(teacher_ids),
        stale_marks=stale_marks,
        reason="stale",
    )


def _why_everyone(summary: dict | None, spec, as_of, *, engine: str, full: bool) -> str:
    """Why tonight recomputes everyone, given the last audit's summary; "" when it need not."""
    if engine != "sql":
        return "engine"  # no triggers outside PostgreSQL: recompute everyone
    if full:
        return "asked"
    if summary is None:
        return "first"
    last = summary["as_of"]
    if summary["policy_version"] != spec.version:
        return "policy"
    if as_of < last:
        return "earlier"
    begun = [rules.school_year_bounds(year, spec)[0] for year in rules.cycle_school_years(spec)]
    if any(last < start <= as_of for start in begun):
        return "school_year"
    if as_of > last and any(
        row.counted_until is not None and last < row.counted_until for row in spec.rows
    ):
        return "deadline"
    return ""


@transaction.atomic
def recompute_county_progress(
    *,
    county_id: int,
    as_of: datetime.date,
    engine: str | None = None,
    plan: Recompute | None = None,
    spec: rules.PolicySpec | None = None,
) -> CountyAudit:
    """Recompute and upsert the progress of the county's active teachers (idempotent).

    `engine` is "sql" (PostgreSQL's compiled statement) or "python" (the rule engine over
    grouped sums); by default PostgreSQL takes "sql". `plan` says whom to recompute (by
    default plan_recompute's choice): everyone, or the stale teachers followed by a status
    refresh of the rest. `spec` is the county's policy when the caller has it already.
    """
    county = AdministrativeUnit.objects.get(pk=county_id)
    if spec is None:
        _policy, spec = PolicyCache().for_county(county)
    if engine is None:
        engine = "sql" if connection.vendor == "postgresql" else "python"
    if plan is None:
        plan = plan_recompute(county_id, spec, as_of, engine=engine)
    if engine == "sql":
        by_status = _recompute_in_database(county_id, spec, as_of, plan)
    else:
        by_status = _recompute_with_engine(county, spec, as_of)
    now = timezone.now()
    teachers = sum(by_status.values())
    CountySummary.objects.update_or_create(
        county=county,
        policy_code=spec.code,
        defaults={
            "as_of": as_of,
            "policy_version": spec.version,
            "teachers": teachers,
            "complete": by_status.get(ProgressStatus.COMPLETE, 0),
            "on_track": by_status.get(ProgressStatus.ON_TRACK, 0),
            "at_risk": by_status.get(ProgressStatus.AT_RISK, 0),
            "behind": by_status.get(ProgressStatus.BEHIND, 0),
            "computed_at": now,
        },
    )
    return CountyAudit(
        county_id=county.pk,
        policy_code=spec.code,
        teachers=teachers,
        by_status=by_status,
        recomputed=None if plan.everyone else len(plan.teacher_ids),
    )


def finish_audit_run(*, run_id: int) -> int:
    """Mark the run finished: every county reported (also one marked failed meanwhile)."""
    return AuditRun.objects.filter(pk=run_id).update(
        status=AuditRun.Status.FINISHED, finished_at=timezone.now()
    )


def fail_audit_run(*, run_id: int) -> int:
    """Mark a running run failed: a county gave up after its retries; the next run redoes it."""
    return AuditRun.objects.filter(pk=run_id, status=AuditRun.Status.RUNNING).update(
        status=AuditRun.Status.FAILED, finished_at=timezone.now()
    )


def close_stale_audit_runs(*, older_than: datetime.timedelta) -> int:
    """Mark runs still running after `older_than` failed; return how many.

    Such a run will never hear from its counties: their tasks were lost with a Redis that
    restarted without persistence, or the error callback could not reach the database.
    """
    return AuditRun.objects.filter(
        status=AuditRun.Status.RUNNING, started_at__lt=timezone.now() - older_than
    ).update(status=AuditRun.Status.FAILED, finished_at=timezone.now())


def purge_orphan_marks() -> int:
    """Delete the marks of teachers who no longer exist (the marks carry no foreign key)."""
    if connection.vendor != "postgresql":
        return 0
    table = StaleProgress._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} m WHERE NOT EXISTS "  # nosec B608 # noqa: S608 names from _meta
            f"(SELECT 1 FROM {Teacher._meta.db_table} t WHERE t.id = m.teacher_id)"
        )
        return cursor.rowcount


def clear_stale_marks(plan: Recompute) -> None:
    """Delete the marks this run read (a mark written meanwhile stays for the next night)."""
    if plan.stale_marks:
        # One DELETE by id: the marks have no dependants and nothing listens for their deletion.
        table = StaleProgress._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} "  # nosec B608 # noqa: S608 name from _meta, ids bound
                "WHERE id = ANY(%s)",
                [list(plan.stale_marks)],
            )


EVERYONE = Recompute(everyone=True, reason="asked")


def _recompute_in_database(
    county_id: int, spec, as_of: datetime.date, plan: Recompute = EVERYONE
) -> dict[str, int]:
    params = {"county_id": county_id, "now": timezone.now()}
    by_status: dict[str, int] = {}
    with connection.cursor() as cursor:
        # A county's sums fit in memory: let PostgreSQL hash them instead of sorting on disk.
        cursor.execute("SET LOCAL work_mem = %s", [settings.AUDIT_WORK_MEM])
        # Progress is a cache the next audit rebuilds: its commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # A county is small work: compiling it to machine code (JIT) costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        if plan.everyone or plan.teacher_ids:
            sql, values = county_progress_sql(
                spec,
                as_of=as_of,
                at_risk_ratio=at_risk_ratio(),
                listed_teachers=not plan.everyone,
            )
            if not plan.everyone:
                values["teacher_ids"] = sorted(plan.teacher_ids)
            cursor.execute(sql, {**values, **params})
            by_status = dict(cursor.fetchall())  # every teacher's status when everyone
        if not plan.everyone:
            # Everyone else's status follows the date; this also counts the whole county.
            sql, values = county_status_sql(spec, as_of=as_of, at_risk_ratio=at_risk_ratio())
            cursor.execute(sql, {**values, **params})
            by_status = dict(cursor.fetchall())
    return by_status


def _recompute_with_engine(county, spec, as_of: datetime.date) -> dict[str, int]:
    teachers = list(
        Teacher.objects.filter(school__county=county, is_active=True)
        .values_list("pk", "hired_on", "school__is_teacher_development_school")
        .order_by("pk")
    )
    teacher_ids = [pk for pk, _hired, _dev in teachers]
    groups: dict[int, set[str]] = defaultdict(set)
    for teacher_id, code in Teacher.group_tags.through.objects.filter(
        teacher__school__county=county
    ).values_list("teacher_id", "teachergroup__code"):
        groups[teacher_id].add(code)
    in_county = Q(teacher__school__county=county)
    sums = ledger_sums(spec, in_county, as_of)
    deadlines = (
        deadline_sums(spec, in_county, teacher_ids, as_of) if rules.deadline_rows(spec) else {}
    )
    now = timezone.now()
    cycle_keys = [row.key for row in spec.rows_in(rules.Scope.CYCLE)]
    year_keys = [row.key for row in spec.rows_in(rules.Scope.YEAR)]
    cycles, years = [], []
    by_status: dict[str, int] = defaultdict(int)
    for teacher_id, hired_on, is_development_school in teachers:
        words = groups.get(teacher_id, set())
        if is_development_school:
            words = words | {rules.TeacherGroup.DEVELOPMENT_SCHOOL.value}
        profile = rules.TeacherProfile(
            hired_on=hired_on, groups=frozenset(rules.TeacherGroup(w) for w in words)
        )
        progress = rules.progress_from_sums(
            spec,
            profile,
            sums.get(teacher_id, {}),
            as_of=as_of,
            deadline_sums=deadlines.get(teacher_id) if deadlines else None,
        )
        status = progress_status(progress, hired_on=hired_on, as_of=as_of)
        by_status[status] += 1
        cycle = progress.cycle
        cycles.append(
            CycleProgress(
                teacher_id=teacher_id,
                policy_code=spec.code,
                policy_version=spec.version,
                cycle_start=cycle.start,
                cycle_end=cycle.end,
                as_of=as_of,
                status=status,
                is_new_teacher=progress.is_new_teacher,
                counted_total=_total(cycle.counted),
                required_total=_total(cycle.required),
                **row_amounts(cycle_keys, cycle),
                computed_at=now,
            )
        )
        years.extend(
            SchoolYearProgress(
                teacher_id=teacher_id,
                policy_code=spec.code,
                school_year=year.year,
                is_owed=year.is_owed,
                is_complete=year.is_complete,
                **row_amounts(year_keys, year),
                computed_at=now,
            )
            for year in progress.years
        )
    # Like the SQL path: a row is written only when its figures changed (as_of and
    # computed_at then tell when they last changed), and a school year no longer listed
    # (its credits withdrawn, the hire date moved) loses its row.
    cycle_figures = [f for f in CYCLE_FIELDS if f not in ("as_of", "computed_at")]
    _write_changed(
        CycleProgress,
        cycles,
        key=lambda row: (row.teacher_id, row.policy_code, row.cycle_start),
        existing=CycleProgress.objects.filter(teacher_id__in=teacher_ids, policy_code=spec.code),
        figures=cycle_figures,
        fields=CYCLE_FIELDS,
    )
    year_figures = [f for f in YEAR_FIELDS if f != "computed_at"]
    kept_years = _write_changed(
        SchoolYearProgress,
        years,
        key=lambda row: (row.teacher_id, row.policy_code, row.school_year),
        existing=SchoolYearProgress.objects.filter(
            teacher_id__in=teacher_ids, policy_code=spec.code
        ),
        figures=year_figures,
        fields=YEAR_FIELDS,
    )
    if kept_years:
        SchoolYearProgress.objects.filter(pk__in=kept_years).delete()
    return dict(by_status)


def _write_changed(model, rows, *, key, existing, figures, fields) -> list[int]:
    """Insert new rows and update those whose `figures` changed; return the ids of stored
    rows that `rows` no longer list. Figures compare by value (0.00 equals 0), as SQL's
    IS DISTINCT FROM does on the PostgreSQL path."""
    stored = {key(row): row for row in existing}
    new, changed = [], []
    for row in rows:
        old = stored.pop(key(row), None)
        if old is None:
            new.append(row)
        elif any(getattr(old, f) != getattr(row, f) for f in figures):
            row.pk = old.pk
            changed.append(row)
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return [row.pk for row in stored.values()]
