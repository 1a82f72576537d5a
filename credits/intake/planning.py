"""Checking parsed rows against the database: what each row would create, change or refuse.

Set-based: one query for the ID numbers, one for the project codes, two for the existing
records, one for the grades of the projects' trainees, whatever the number of rows. Teachers
come from `Teacher.objects.restrict(by, "change")` and projects from
`TrainingProject.objects.restrict(by, "view")`, approved ones only; a row pointing outside is
a row error that reveals nothing about the rows outside.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _t

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord
from projects.plausibility import record_problems
from trainees.models import Teacher
from trainees.national_id import validate_id_number

from .. import rules
from ..errors import CreditRuleError, PolicyNotFound
from ..selectors import policy_spec, published_policies
from .columns import COLUMN_BY_KEY, EXAMPLE_ID_NUMBER, EXAMPLE_NAME
from .messages import FROZEN_MESSAGES, PLAUSIBILITY_COLUMNS, row_message
from .rows import GRADE_LABELS, ROLE_LABELS, ParsedRow, normalize_name

LOOKUP_CHUNK = 10_000  # values per `__in` lookup (SQLite allows 32,766 parameters)
RECORD_FIELDS = ("hours", "leave_hours", "grade", "role", "completed_on")


@dataclass
class RowPlan:
    creates: list[tuple[tuple[int, int], dict[str, Any]]]  # ((teacher id, project id), values)
    updates: list[TrainingRecord]
    actions: list[str]
    # row number → (teacher id, project id), for the rows whose teacher and approved project
    # were found in the user's jurisdiction
    keys: dict[int, tuple[int, int]] = field(default_factory=dict)
    # (teacher id, project id) → id of the stored record, for the keys that have one
    records: dict[tuple[int, int], int] = field(default_factory=dict)


def chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def plan_rows(rows: list[ParsedRow], by, *, lock: bool = False) -> RowPlan:
    """Check rows against the database in a fixed number of queries; add row errors in place.

    Each row's values after the import must be plausible (`projects.plausibility`: leave ≤
    hours ≤ the project's hours, completed within the project's dates and not after today, a
    school-based project only for its own school's teachers). Returns the records to create and
    to update, and each row's outcome.
    """
    _mark_duplicates(rows)
    teachers = _teachers_by_id_number(rows, by)
    projects = _projects_by_code(rows, by)
    keys = {}
    for parsed in rows:
        teacher = teachers.get(parsed.id_number) if not parsed.has_error("id_number") else None
        project = projects.get((parsed.project_code or "").upper())
        _check_references(parsed, teacher, project)
        if teacher and project and project.is_approved:
            keys[parsed.row] = (teacher[0], project.pk)
    existing = _existing_records(keys.values(), by, lock=lock)
    now = timezone.now()
    today = timezone.localdate()
    creates, updates, actions = [], [], []
    targets: dict[int, tuple] = {}  # row → (record or None, grade, role) after the import
    for parsed in rows:
        key = keys.get(parsed.row)
        action = "error"
        if key is not None:
            project = projects[(parsed.project_code or "").upper()]
            record = existing.get(key)
            values = _target_values(parsed, record, project)
            _check_plausible(parsed, values, project, teachers[parsed.id_number], today)
            targets[parsed.row] = (record, values["grade"], values["role"])
            action = _compare(parsed, record, values, key, now, creates, updates)
        actions.append("error" if parsed.errors else action)
    _check_quotas(rows, keys, targets, projects, teachers)
    actions = ["error" if parsed.errors else a for parsed, a in zip(rows, actions, strict=True)]
    return RowPlan(
        creates=creates,
        updates=updates,
        actions=actions,
        keys=keys,
        records={key: record.pk for key, record in existing.items()},
    )


def _check_plausible(parsed: ParsedRow, values: dict, project, teacher: tuple, today) -> None:
    """Add a row error for each value the row's project makes impossible, unless already said."""
    for problem in record_problems(
        project=project,
        hours=values["hours"],
        leave_hours=values["leave_hours"],
        completed_on=values["completed_on"],
        school_id=teacher[4],
        today=today,
    ):
        key = PLAUSIBILITY_COLUMNS.get(problem.field, problem.field)
        if not parsed.has_error(key):
            parsed.add_error(key, str(problem))


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    first: dict[tuple[str, str], int] = {}
    for parsed in rows:
        if not parsed.id_number or not parsed.project_code:
            continue
        key = (parsed.id_number, parsed.project_code)
        if key in first:
            parsed.add_error("id_number", row_message("duplicate", first=first[key]))
        else:
            first[key] = parsed.row


def _teachers_by_id_number(rows: list[ParsedRow], by) -> dict[str, tuple]:
    """Return (pk, name, county code, county name, school id) of the teachers `by` may change,
    by ID number: one query."""
    numbers = sorted({r.id_number for r in rows if r.id_number and not r.has_error("id_number")})
    found = {}
    scoped = Teacher.objects.restrict(by, "change").order_by()
    for chunk in chunks(numbers):
        for pk, number, name, county_code, county_name, school_id in scoped.filter(
            id_number__in=chunk
        ).values_list(
            "pk", "id_number", "name", "school__county__code", "school__county__name", "school_id"
        ):
            found[number] = (pk, name, county_code, county_name, school_id)
    return found


def _projects_by_code(rows: list[ParsedRow], by) -> dict[str, TrainingProject]:
    """Return the projects `by` may see, by upper-case code (approved or not, to say which).

    Codes compare case-insensitively: "xj2025re0004" typed by a school or sent by a platform
    is the project XJ2025RE0004, not "不存在".
    """
    codes = sorted({r.project_code.upper() for r in rows if r.project_code})
    found = {}
    scoped = (
        TrainingProject.objects.restrict(by, "view")
        .select_related("issuing_unit")
        .annotate(code_upper=Upper("code"))
        .order_by()
    )
    for chunk in chunks(codes):
        for project in scoped.filter(code_upper__in=chunk):
            found[project.code.upper()] = project
    return found


def _check_references(parsed: ParsedRow, teacher: tuple | None, project) -> None:
    if teacher is None and (parsed.id_number, parsed.name) == (EXAMPLE_ID_NUMBER, EXAMPLE_NAME):
        parsed.errors = [("id_number", row_message("example_row"))]  # nothing else matters
        return
    if parsed.id_number and not parsed.has_error("id_number") and teacher is None:
        try:  # only numbers no teacher has are validated: a stored number is valid already
            validate_id_number(parsed.id_number)
        except ValidationError as exc:
            message = row_message("id_invalid", value=parsed.id_number, reason=exc.messages[0])
        else:
            message = row_message("teacher_unknown", value=parsed.id_number)
        parsed.add_error("id_number", message)
    if (
        teacher is not None
        and parsed.name
        and normalize_name(parsed.name) != normalize_name(teacher[1])
    ):
        parsed.add_error(
            "name", row_message("name_mismatch", value=parsed.name, expected=teacher[1])
        )
    if parsed.project_code and project is None:
        parsed.add_error("project_code", row_message("project_unknown", value=parsed.project_code))
    elif project is not None and not project.is_approved:
        parsed.add_error(
            "project_code",
            row_message("project_not_approved", project=project.name, value=project.code),
        )


def _existing_records(keys: Iterable[tuple[int, int]], by, *, lock: bool) -> dict:
    """Return the records the rows point at, by (teacher, project): two queries, pks locked."""
    wanted = set(keys)
    if not wanted:
        return {}
    teacher_ids = sorted({t for t, _p in wanted})
    project_ids = sorted({p for _t, p in wanted})
    scoped = TrainingRecord.objects.restrict(by, "change").order_by()
    pks = []
    for chunk in chunks(teacher_ids):
        candidates = scoped.filter(teacher_id__in=chunk, project_id__in=project_ids)
        for pk, teacher_id, project_id in candidates.values_list("pk", "teacher_id", "project_id"):
            if (teacher_id, project_id) in wanted:
                pks.append(pk)
    records = {}
    for chunk in chunks(sorted(pks)):
        query = TrainingRecord.objects.filter(pk__in=chunk).order_by("pk")
        if lock:
            query = query.select_for_update(of=("self",))  # lock in pk order (STYLE §5)
        for record in query:
            records[(record.teacher_id, record.project_id)] = record
    return records


def _target_values(parsed: ParsedRow, record, project) -> dict[str, Any]:
    """Return the record's values after the import; a blank optional cell keeps what is stored."""
    if record is None:
        return {
            "hours": parsed.hours,
            "leave_hours": Decimal(0) if parsed.leave_hours is None else parsed.leave_hours,
            "grade": parsed.grade or "",
            "role": parsed.role or RecordRole.TRAINEE,
            "completed_on": parsed.completed_on or project.ends_on,
        }
    values = {
        "hours": parsed.hours if parsed.hours is not None else record.hours,
        "leave_hours": record.leave_hours if parsed.leave_hours is None else parsed.leave_hours,
        "grade": record.grade if parsed.grade is None else parsed.grade,
        "role": record.role if parsed.role is None else parsed.role,
        "completed_on": parsed.completed_on or record.completed_on,
    }
    return values


def _compare(parsed, record, values, key, now, creates, updates) -> str:
    if parsed.errors or values["hours"] is None:
        return "error"
    if record is None:
        creates.append((key, values))  # built only when written: the preview needs no objects
        return "created"
    changed = [name for name in RECORD_FIELDS if getattr(record, name) != values[name]]
    if not changed:
        return "unchanged"
    if record.status in FROZEN_MESSAGES:
        # 已申报: frozen until the county returns it (退回), as the school's form keeps it
        shown = "；".join(
            f"{COLUMN_BY_KEY[name].header} {_shown(name, getattr(record, name))}"
            f" → {_shown(name, values[name])}"
            for name in changed
        )
        parsed.add_error(changed[0], row_message(FROZEN_MESSAGES[record.status], changes=shown))
        return "error"
    for name in changed:
        setattr(record, name, values[name])
    if record.status == RecordStatus.REJECTED:
        record.status = RecordStatus.DRAFT  # corrected after being sent back: declare again
        record.reject_reason = ""
    record.updated_at = now
    updates.append(record)
    return "updated"


def _shown(name: str, value) -> str:
    if name == "grade":
        return str(GRADE_LABELS.get(value, _t("空")))
    if name == "role":
        return str(ROLE_LABELS.get(value, value))
    return str(value)


def _check_quotas(rows, keys, targets, projects, teachers) -> None:
    """Check each touched project's grade quota over its trainees after the import.

    004 五(二)2 良好以上的不超过30%，其中，优秀的不超过15%: the quota of the policy of the
    project's issuing unit (a national project: its trainees' county), counted over the
    project's records already stored plus the file. A quota already broken before the file, and
    not made worse by it, is not the file's fault and is not reported.
    """
    by_project: dict[int, list[ParsedRow]] = {}
    for parsed in rows:
        if parsed.row in targets:
            by_project.setdefault(keys[parsed.row][1], []).append(parsed)
    touched = {
        project_id
        for project_id, project_rows in by_project.items()
        if any(targets[r.row][1] or targets[r.row][2] != RecordRole.TRAINEE for r in project_rows)
    }
    if not touched:
        return
    stored: dict[int, dict[int, str]] = {p: {} for p in touched}
    trainees = TrainingRecord.objects.filter(
        project_id__in=sorted(touched), role=RecordRole.TRAINEE
    )
    for project_id, teacher_id, grade in trainees.order_by().values_list(
        "project_id", "teacher_id", "grade"
    ):
        stored[project_id][teacher_id] = grade
    specs = QuotaSpecs()
    by_pk = {p.pk: p for p in projects.values()}
    for project_id in sorted(touched):
        project = by_pk[project_id]
        project_rows = by_project[project_id]
        before = stored[project_id]
        after = dict(before)
        for parsed in project_rows:
            teacher_id = keys[parsed.row][0]
            _record, grade, role = targets[parsed.row]
            if role == RecordRole.TRAINEE:
                after[teacher_id] = grade
            else:
                after.pop(teacher_id, None)
        # The issuing unit's policy; a national project takes its trainees' county's.
        unit = project.issuing_unit
        teacher = teachers[project_rows[0].id_number]
        code, name = (unit.code, unit.name) if unit else (teacher[2], teacher[3])
        try:
            spec = specs.for_unit(code=code, name=name)
        except PolicyNotFound as exc:
            for parsed in project_rows:
                if targets[parsed.row][1]:
                    parsed.add_error("grade", str(exc))
            continue
        broken = _broken_quota(spec, after)
        if broken is None:
            continue
        earlier = _broken_quota(spec, before)
        if (
            earlier is not None
            and earlier.params["grade"] == broken.params["grade"]
            and earlier.params["count"] >= broken.params["count"]
        ):
            continue
        grades = next(q.grades for q in spec.grade_quotas if str(q.grade) == broken.params["grade"])
        blamed = [r for r in project_rows if targets[r.row][1] in grades] or project_rows
        reason = str(CreditRuleError(broken.code, **broken.params))
        for parsed in blamed:
            parsed.add_error("grade", row_message("quota", project=project.name, reason=reason))


def _broken_quota(spec, grades_by_teacher: dict[int, str]):
    graded = [g for g in grades_by_teacher.values() if g]
    try:
        rules.check_grade_quota(spec, graded, participants=len(grades_by_teacher))
    except rules.RuleError as exc:
        return exc
    return None


class QuotaSpecs:
    """The policy spec of each unit a file's projects need, in three queries for the whole file.

    The active policies are read once and matched as `selectors.policy_for_county` matches
    them, by the longest `applies_to_code` prefix of the unit's code, then by code (a test
    holds the two equal); a file touches dozens of units, which would be three queries each.
    """

    def __init__(self):
        self.policies: list | None = None
        self.specs: dict[int, rules.PolicySpec] = {}

    def for_unit(self, *, code: str, name: str) -> rules.PolicySpec:
        """Return the spec of the policy applying to the unit `code`; PolicyNotFound if none."""
        if self.policies is None:
            self.policies = sorted(
                published_policies(), key=lambda p: (-len(p.applies_to_code), p.code)
            )
        policy = next((p for p in self.policies if code.startswith(p.applies_to_code)), None)
        if policy is None:
            raise PolicyNotFound(place=name)
        if policy.pk not in self.specs:
            self.specs[policy.pk] = policy_spec(policy)
        return self.specs[policy.pk]
