"""Find what spreadsheets never catch, for the county to review (issue #7).

Four checks over one county's records: overlapping centralized trainings of one teacher; more
class hours a day than the policy allows; the same training claimed twice (two projects with
the same name and dates); records dated outside their project. Findings are upserted by a
stable key: rerunning finds the same rows, and a finding stays listed until an officer marks
it handled.

On PostgreSQL the four checks and the upsert are one statement (window functions for the
overlaps, GROUP BY for the double claims), so the nightly audit pulls no records into Python;
elsewhere (the SQLite demo) the checks below run in Python. The tests hold both to the same
findings, word for word.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from credits.models import AnomalyKind, AuditAnomaly, Policy
from projects.choices import Mode, RecordStatus
from projects.models import TrainingRecord

from .anomalies_sql import COUNTY_ANOMALIES_SQL


def _finding(county_id, teacher_id, kind, record_ids, detail, now) -> AuditAnomaly:
    ids = sorted(record_ids)
    return AuditAnomaly(
        county_id=county_id,
        teacher_id=teacher_id,
        kind=kind,
        key=f"{kind}:{'-'.join(str(i) for i in ids)}",
        record_ids=ids,
        detail=detail[:300],
        found_at=now,
        last_seen_at=now,
    )


@transaction.atomic
def detect_anomalies(
    *,
    county_id: int,
    policy: Policy,
    engine: str | None = None,
    teacher_ids: Collection[int] | None = None,
) -> int:
    """Record the county's anomalies (new ones added, known ones touched); return how many.

    `engine` is "sql" (one PostgreSQL statement) or "python"; PostgreSQL takes "sql".
    `teacher_ids` limits the checks to those teachers' records (every check compares one
    teacher's records only, so the incremental audit re-checks only teachers whose records or
    projects changed); None checks the whole county.
    """
    if engine is None:
        engine = "sql" if connection.vendor == "postgresql" else "python"
    if engine == "sql":
        return _detect_in_database(county_id, policy.audit_max_hours_per_day, teacher_ids)
    now = timezone.now()
    live = TrainingRecord.objects.filter(teacher__school__county_id=county_id).exclude(
        status=RecordStatus.REJECTED
    )
    if teacher_ids is not None:
        live = live.filter(teacher_id__in=teacher_ids)
    findings: list[AuditAnomaly] = []
    for record_id, teacher_id, name, completed_on, starts_on, ends_on in live.filter(
        Q(completed_on__lt=F("project__starts_on")) | Q(completed_on__gt=F("project__ends_on"))
    ).values_list(
        "pk",
        "teacher_id",
        "teacher__name",
        "completed_on",
        "project__starts_on",
        "project__ends_on",
    ):
        findings.append(
            _finding(
                county_id,
                teacher_id,
                AnomalyKind.OUTSIDE_DATES,
                [record_id],
                f"{name}：完成日期 {completed_on} 不在项目时间 {starts_on} 至 {ends_on} 内。",
                now,
            )
        )
    rows = list(
        live.filter(project__mode=Mode.CENTRALIZED)
        .values_list(
            "pk",
            "teacher_id",
            "teacher__name",
            "hours",
            "project_id",
            "project__name",
            "project__starts_on",
            "project__ends_on",
        )
        .order_by("teacher_id", "project__starts_on", "pk")
    )
    findings += _hours_per_day(county_id, rows, policy.audit_max_hours_per_day, now)
    findings += _overlaps(county_id, rows, now)
    findings += _duplicate_claims(county_id, live, now)
    AuditAnomaly.objects.bulk_create(findings, ignore_conflicts=True, batch_size=2000)
    AuditAnomaly.objects.filter(key__in=[f.key for f in findings]).update(last_seen_at=now)
    return len(findings)


def _hours_per_day(county_id, rows, limit: Decimal, now):
    for record_id, teacher_id, name, hours, _project, title, starts_on, ends_on in rows:
        days = (ends_on - starts_on).days + 1
        if hours > limit * days:
            yield _finding(
                county_id,
                teacher_id,
                AnomalyKind.HOURS_PER_DAY,
                [record_id],
                f"{name}：{title} 共 {days} 天，登记 {hours} 学时，超过每天 {limit} 学时。",
                now,
            )


def _overlaps(county_id, rows, now):
    by_teacher: dict[int, list] = defaultdict(list)
    for row in rows:
        by_teacher[row[1]].append(row)
    for teacher_id, items in by_teacher.items():
        latest_end: datetime.date | None = None
        latest = None
        for item in items:  # sorted by start: compare with the furthest-reaching earlier one
            record_id, _t, name, _h, project_id, title, starts_on, ends_on = item
            if latest is not None and starts_on <= latest_end and project_id != latest[4]:
                yield _finding(
                    county_id,
                    teacher_id,
                    AnomalyKind.OVERLAP,
                    [latest[0], record_id],
                    f"{name}：{latest[5]} 与 {title} 的集中培训时间重叠。",
                    now,
                )
            if latest_end is None or ends_on > latest_end:
                latest_end, latest = ends_on, item


def _duplicate_claims(county_id, live, now):
    groups: dict[tuple, list] = defaultdict(list)
    for record_id, teacher_id, name, title, starts_on, ends_on in live.values_list(
        "pk",
        "teacher_id",
        "teacher__name",
        "project__name",
        "project__starts_on",
        "project__ends_on",
    ).order_by("pk"):
        key = (teacher_id, "".join(title.split()), starts_on, ends_on)
        groups[key].append((record_id, name, title))
    for (teacher_id, _title, starts_on, _ends), items in groups.items():
        if len(items) > 1:
            yield _finding(
                county_id,
                teacher_id,
                AnomalyKind.DUPLICATE_CLAIM,
                [item[0] for item in items],
                f"{items[0][1]}：“{items[0][2]}”（{starts_on}）登记了 {len(items)} 次。",
                now,
            )


def _detect_in_database(county_id: int, limit: Decimal, teacher_ids: Collection[int] | None) -> int:
    if teacher_ids is not None and not teacher_ids:
        return 0
    with connection.cursor() as cursor:
        # Findings are found again by the next audit: the commit need not wait for the disk.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL jit = off")  # small work: JIT would cost more than it saves
        cursor.execute(
            COUNTY_ANOMALIES_SQL,
            {
                "county_id": county_id,
                "everyone": teacher_ids is None,
                "teacher_ids": sorted(teacher_ids or ()),
                "limit": limit,
                "now": timezone.now(),
                "rejected": RecordStatus.REJECTED,
                "centralized": Mode.CENTRALIZED,
                **{f"kind_{kind.name.lower()}": kind.value for kind in AnomalyKind},
            },
        )
        return cursor.fetchone()[0]
