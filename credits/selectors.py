"""Reads of the credits app: which policy applies, and policies as rule-engine specs."""

from __future__ import annotations

from django.db.models import CharField, F, Prefetch, Value
from django.db.models.functions import Length

from . import rules
from .choices import PolicyStatus
from .errors import CreditRuleError, PolicyNotFound
from .models import Policy, PolicyRequirement
from .policy_mapping import spec_dict_from_fields


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


def active_policy(code: str) -> Policy:
    """Return the active version of the policy `code`, or raise unknown_policy in Chinese."""
    policy = published_policies().filter(code=code).first()
    if policy is None:
        allowed = sorted(published_policies().values_list("code", flat=True))
        raise CreditRuleError("unknown_policy", code=code, allowed=allowed)
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
