"""Which bureau level approves a county's credits: one level per record, set by the policy.

004 五(三) lets the prefecture or the county bureau recognise credits (由地州市或县级教育局认定);
`Policy.approving_level` says which one for the counties a policy applies to, so a record is
never in two queues. `restrict(user, "approve")` still decides the rows an officer reaches; this
module narrows them to the counties whose policy names the officer's level.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q

from institutions.choices import ROLE_UNIT_LEVEL
from institutions.jurisdiction import code_prefix

from .choices import PolicyStatus
from .models import Policy

NOTHING = Q(pk__in=[])


def _policy_prefixes() -> list[tuple[str, str]]:
    """Return (code prefix, approving level) of every active policy."""
    return list(
        Policy.objects.filter(status=PolicyStatus.ACTIVE).values_list(
            "applies_to_code", "approving_level"
        )
    )


def approving_level_q(user, county_code_lookup: str) -> Q:
    """Rows whose county's policy is approved at `user`'s level; every row for a superuser.

    A county follows the active policy with the longest code prefix that matches its code
    (`credits.selectors.policy_for_county`), so a policy's counties are its prefix minus the
    longer prefixes of other policies inside it.
    """
    if user.is_superuser:
        return Q()
    level = ROLE_UNIT_LEVEL.get(user.role)
    if level is None:
        return NOTHING
    policies = _policy_prefixes()
    parts = []
    for prefix, approving in policies:
        if approving != level:
            continue
        inner = [
            other for other, _level in policies if other != prefix and other.startswith(prefix)
        ]
        q = Q(**{f"{county_code_lookup}__startswith": prefix})
        for other in inner:
            q &= ~Q(**{f"{county_code_lookup}__startswith": other})
        parts.append(q)
    return reduce(operator.or_, parts) if parts else NOTHING


def approves_anything(user) -> bool:
    """Whether the policy of some county in `user`'s unit names the user's level (for menus)."""
    if user.is_superuser:
        return True
    level = ROLE_UNIT_LEVEL.get(user.role)
    if level is None or user.unit_id is None:
        return False
    unit = code_prefix(user.unit.code)
    policies = _policy_prefixes()
    # The policy that covers the whole unit, if one does: the longest prefix of the unit's code.
    covering = max((p for p, _level in policies if unit.startswith(p)), key=len, default=None)
    for prefix, approving in policies:
        inside = prefix.startswith(unit) and prefix != covering
        if approving == level and (prefix == covering or inside):
            return True
    return False
