"""Writes of the credits app: storing, versioning and publishing policies; the simulator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingProject, TrainingRecord

from . import rules
from .choices import PolicyStatus
from .errors import CreditRuleError, PolicyFrozen, RecordsLocked, RecordsNotFound
from .models import Policy, PolicyBonusRate, PolicyRequirement
from .policy_mapping import fields_from_spec_dict
from .selectors import active_policy, policy_for_county, policy_spec


def simulate_credits(*, policy_code: str, payload: Any) -> dict[str, Any]:
    """Credit a simulator payload under the active policy `policy_code`; JSON-ready result.

    The same function serves `manage.py simulate_credits`, `POST /api/v1/simulate/` and the
    calculator page, so all three give the same answer for the same JSON.
    """
    spec = policy_spec(active_policy(policy_code))
    try:
        return rules.simulate(spec, payload)
    except rules.RuleError as exc:
        raise CreditRuleError(exc.code, **exc.params) from None


@transaction.atomic
def store_policy(*, spec: rules.PolicySpec, applies_to_code: str, status: str, based_on=None):
    """Store a rule-engine spec as a Policy with its requirement and bonus rows."""
    fields, rows, rates = fields_from_spec_dict(rules.spec_to_dict(spec))
    policy = Policy(**fields, applies_to_code=applies_to_code, status=status, based_on=based_on)
    if status == PolicyStatus.ACTIVE:
        policy.published_at = timezone.now()
    policy.full_clean()
    policy.save()
    PolicyRequirement.objects.bulk_create(PolicyRequirement(policy=policy, **row) for row in rows)
    PolicyBonusRate.objects.bulk_create(PolicyBonusRate(policy=policy, **rate) for rate in rates)
    return policy


@transaction.atomic
def create_policy_version(*, policy: Policy) -> Policy:
    """Copy a policy into a new draft version (the next number), for editing."""
    latest = Policy.objects.filter(code=policy.code).order_by("-version").first()
    spec = policy_spec(policy)
    data = rules.spec_to_dict(spec)
    data["version"] = latest.version + 1
    return store_policy(
        spec=rules.spec_from_dict(data),
        applies_to_code=policy.applies_to_code,
        status=PolicyStatus.DRAFT,
        based_on=policy,
    )


@transaction.atomic
def publish_policy(*, policy: Policy, by) -> Policy:
    """Make a draft the active version of its code and retire the version it replaces.

    The draft is validated by the rule engine first; an invalid draft stays a draft.
    """
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if not policy.is_editable:
        raise PolicyFrozen(policy=str(policy))
    policy_spec(policy)  # raises CreditRuleError("bad_policy") for a spec the engine refuses
    for previous in Policy.objects.select_for_update().filter(
        code=policy.code, status=PolicyStatus.ACTIVE
    ):
        previous.status = PolicyStatus.RETIRED
        previous.save(update_fields=["status", "updated_at"])
    policy.status = PolicyStatus.ACTIVE
    policy.published_at = timezone.now()
    policy.published_by = by
    policy.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return policy


@transaction.atomic
def enter_grades(*, project: TrainingProject, grades: Mapping[int, str], by) -> int:
    """Set the assessment grades of a project's trainees, within the policy's grade quotas.

    004 五(三) 考核等次由承训院校确定; 004 五(二)2 良好以上不超过30%，优秀不超过15%. The quota
    is checked over every graded trainee of the project after the change, so entering grades
    in several sittings cannot get round it. Nothing is written when a quota would break.
    Returns the number of records graded.
    """
    records = list(
        TrainingRecord.objects.restrict(by, "grade")
        .filter(project=project, pk__in=list(grades))
        .select_related("teacher__school__county")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(records) != len(set(grades)):
        raise RecordsNotFound(count=len(set(grades)) - len(records))
    locked = [r for r in records if r.status == RecordStatus.APPROVED]
    if locked:
        raise RecordsLocked(count=len(locked))
    now = timezone.now()
    for record in records:
        record.grade = grades[record.pk]
        record.updated_at = now
    trainees = TrainingRecord.objects.filter(project=project, role=RecordRole.TRAINEE)
    others = (
        trainees.exclude(pk__in=[r.pk for r in records])
        .exclude(grade="")
        .values_list("grade", flat=True)
    )
    after = [*others, *(r.grade for r in records if r.role == RecordRole.TRAINEE and r.grade)]
    participants = trainees.count()
    # The issuing unit's policy sets the quota; a national project takes its trainees' region's.
    unit = project.issuing_unit or (records[0].teacher.school.county if records else None)
    if unit is not None:
        spec = policy_spec(policy_for_county(unit))
        try:
            rules.check_grade_quota(spec, after, participants=participants)
        except rules.RuleError as exc:
            raise CreditRuleError(exc.code, **exc.params) from None
    bulk_update_with_history(records, TrainingRecord, ["grade", "updated_at"], default_user=by)
    return len(records)
