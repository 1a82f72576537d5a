"""Reads of the credits app: which policy applies, and policies as rule-engine specs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import CharField, F, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Length

from projects.choices import RecordStatus
from projects.filtersets import TrainingRecordFilterSet
from projects.models import TrainingRecord

from . import rules
from .approving import approving_level_q
from .choices import PolicyStatus
from .errors import CreditRuleError, PolicyNotFound
from .models import CreditLedgerEntry, Policy, PolicyRequirement
from .policy_mapping import spec_dict_from_fields

POLICY_CODE = re.compile(r"[-A-Za-z0-9_]{1,40}")  # Policy.code is a SlugField(max_length=40)


def published_policies():
    """Return the active policies with the rows a spec needs, in code order."""
    return (
        Policy.objects.filter(status=PolicyStatus.ACTIVE)
        .prefetch_related(
            Prefetch("requirements", queryset=PolicyRequirement.objects.order_by("position", "pk")),
            "bonus_rates",
        )
        .order_by("code")
    )


def active_policy(code: object) -> Policy:
    """Return the active version of the policy `code`, or raise unknown_policy in Chinese.

    A code that cannot be one (not text, too long, a NUL or other odd character, which
    PostgreSQL refuses in a query) is unknown without a query.
    """
    is_code = isinstance(code, str) and POLICY_CODE.fullmatch(code) is not None
    policy = published_policies().filter(code=code).first() if is_code else None
    if policy is None:
        allowed = sorted(published_policies().values_list("code", flat=True))
        raise CreditRuleError("unknown_policy", code=rules.shown(code), allowed=allowed)
    return policy


def policy_for_county(county) -> Policy:
    """Return the active policy whose region code prefix is the longest match for `county`.

    Any administrative unit works: a prefecture or region code is matched the same way.
    """
    policy = (
        published_policies()
        .alias(county_code=Value(county.code, output_field=CharField()))
        .filter(county_code__startswith=F("applies_to_code"))
        .order_by(Length("applies_to_code").desc(), "code")
        .first()
    )
    if policy is None:
        raise PolicyNotFound(place=county.name)
    return policy


def policy_spec(policy: Policy) -> rules.PolicySpec:
    """Return the rule engine's spec of a stored policy (validated by the engine)."""
    data = spec_dict_from_fields(
        policy,
        sorted(policy.requirements.all(), key=lambda row: (row.position, row.pk)),
        policy.bonus_rates.all(),
    )
    try:
        return rules.spec_from_dict(data)
    except rules.RuleError as exc:
        raise CreditRuleError(exc.code, **exc.params) from None


def record_facts(record) -> rules.RecordFacts:
    """Return what the rule engine needs to know about a training record and its project."""
    project = record.project
    grade = record.grade or None
    return rules.RecordFacts(
        record_id=str(record.pk),
        occurred_on=record.completed_on,
        hours=record.hours,
        leave_hours=record.leave_hours,
        kind=rules.RecordKind(project.kind),
        tier=rules.Tier(project.tier),
        mode=rules.Mode(project.mode),
        category=rules.Category(project.category),
        grade=rules.Grade(grade) if grade else None,
        role=rules.Role(record.role),
        is_project_approved=project.is_approved,
    )


def teacher_profile(teacher, group_codes) -> rules.TeacherProfile:
    """Return the rules' view of a teacher: hire date and group words.

    Teachers of a municipal teacher-development school belong to `development_school`
    (002 三(一)2) through their school, whatever their tags say.
    """
    groups = set(group_codes)
    if teacher.school.is_teacher_development_school:
        groups.add(rules.TeacherGroup.DEVELOPMENT_SCHOOL)
    return rules.TeacherProfile(
        hired_on=teacher.hired_on, groups=frozenset(rules.TeacherGroup(g) for g in groups)
    )


class PolicyCache:
    """Policies and specs by county, looked up once per county within one request or task."""

    def __init__(self):
        self._by_county: dict[str, tuple[Policy, rules.PolicySpec]] = {}

    def for_county(self, county) -> tuple[Policy, rules.PolicySpec]:
        """Return the policy applying to `county` and its spec."""
        if county.code not in self._by_county:
            policy = policy_for_county(county)
            self._by_county[county.code] = (policy, policy_spec(policy))
        return self._by_county[county.code]


def credit_previews(records) -> dict[int, rules.CreditResult]:
    """Return what each record would earn if approved now, by record id (for review pages).

    `records` must come with `project` and `teacher__school__county` selected.
    """
    cache = PolicyCache()
    previews = {}
    for record in records:
        _policy, spec = cache.for_county(record.teacher.school.county)
        try:
            previews[record.pk] = rules.credit_record(spec, record_facts(record))
        except rules.RuleError:
            continue  # an incomplete record (no grade yet) has no preview; the page says so
    return previews


def records_for(user, filters) -> QuerySet:
    """Return the training records `user` may see, filtered like the records page."""
    queryset = (
        TrainingRecord.objects.restrict(user, "view")
        .select_related("teacher__school", "project")
        .order_by("-updated_at", "-pk")
    )
    return TrainingRecordFilterSet(filters, queryset).qs


def approval_queue_for(user, filters) -> QuerySet:
    """Return the declared records `user` may approve, filtered like the approval page."""
    queryset = (
        TrainingRecord.objects.restrict(user, "approve")
        .filter(approving_level_q(user, "teacher__school__county__code"))
        .filter(status=RecordStatus.DECLARED)
        .select_related("teacher__school__county", "project")
        .order_by("teacher__school__name", "project__name", "pk")
    )
    return TrainingRecordFilterSet(filters, queryset).qs


def correctable_record(user, pk) -> TrainingRecord | None:
    """Return the record if `user` is its approving officer (who may withdraw or correct it)."""
    return (
        TrainingRecord.objects.restrict(user, "approve")
        .filter(approving_level_q(user, "teacher__school__county__code"))
        .select_related("teacher__school__county", "project")
        .filter(pk=pk)
        .first()
    )


def net_credits_of(record) -> Decimal:
    """Return the credits a record counts now: its postings net of reversals."""
    total = CreditLedgerEntry.objects.filter(record=record).aggregate(total=Sum("credits"))
    return total["total"] or Decimal(0)


def ledger_for(user) -> QuerySet:
    """Return the ledger entries `user` may see, newest first."""
    return (
        CreditLedgerEntry.objects.restrict(user, "view")
        .select_related("record__project", "teacher", "policy")
        .order_by("-occurred_on", "-pk")
    )


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    """One change of a record: when, who, why, and each field before and after."""

    at: datetime
    by: str
    kind: str
    reason: str
    changes: list[Change]


HISTORY_FIELDS = (
    "hours",
    "leave_hours",
    "grade",
    "role",
    "completed_on",
    "status",
    "reject_reason",
)


def record_history(record) -> list[HistoryRow]:
    """Return the record's changes, oldest first, in one query."""
    rows = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    history, previous = [], None
    for row in rows:
        changes = []
        for name in HISTORY_FIELDS:
            field = record._meta.get_field(name)
            after = _display(row, field)
            before = _display(previous, field) if previous is not None else ""
            if previous is None or before != after:
                changes.append(Change(str(field.verbose_name), before, after))
        history.append(
            HistoryRow(
                at=row.history_date,
                by=str(row.history_user) if row.history_user else "系统",
                kind={"+": "创建", "~": "修改", "-": "删除"}[row.history_type],
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
        previous = row
    return history


def _display(row, field) -> str:
    value = getattr(row, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or "—"))
    return "—" if value in (None, "") else str(value)
