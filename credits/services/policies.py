"""Storing, versioning and publishing policies; the credit simulator."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import rules
from ..choices import PolicyStatus
from ..errors import CreditRuleError, PolicyFrozen
from ..models import Policy, PolicyBonusRate, PolicyRequirement
from ..policy_mapping import fields_from_spec_dict
from ..selectors import active_policy, policy_spec


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


OVERSIGHT_FIELDS = (
    "audit_max_hours_per_day",
    "approving_level",
    "approving_level_source",
    "target_coverage",
    "target_completion",
    "target_satisfaction",
    "targets_source",
)


@transaction.atomic
def create_policy_version(*, policy: Policy) -> Policy:
    """Copy a policy into a new draft version (the next number), for editing."""
    latest = Policy.objects.filter(code=policy.code).order_by("-version").first()
    spec = policy_spec(policy)
    data = rules.spec_to_dict(spec)
    data["version"] = latest.version + 1
    draft = store_policy(
        spec=rules.spec_from_dict(data),
        applies_to_code=policy.applies_to_code,
        status=PolicyStatus.DRAFT,
        based_on=policy,
    )
    # The settings outside the rule engine's spec are copied as they are.
    for field in OVERSIGHT_FIELDS:
        setattr(draft, field, getattr(policy, field))
    draft.save(update_fields=list(OVERSIGHT_FIELDS))
    return draft


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
