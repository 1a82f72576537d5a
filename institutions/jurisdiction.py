"""The one place that decides which rows a user may see or change.

Every model that carries a jurisdiction gets a queryset subclassing `JurisdictionQuerySet` and
declares a `Scope`: the lookups from that model to what each kind of account acts for. Pages,
the API, exports, imports, the admin and selectors all call `Model.objects.restrict(user, action)`
(NetBox's RestrictedQuerySet); nothing else builds a jurisdiction filter.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models
from django.db.models import Q

from core.permissions import permission_for

from .choices import OFFICER_ROLES, Role

if TYPE_CHECKING:
    from .models import User

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """Lookups from a model to what each kind of account acts for; None: that role sees nothing.

    An empty string means the row itself is the thing ("" as `unit` on AdministrativeUnit,
    "" as `teacher` on Teacher). `shared_down` makes rows owned by a unit above the user
    readable (a region-tier project is visible to every school of the region), and rows with
    no unit at all (national projects) readable by everyone with the permission. `via_many`
    says a lookup crosses a to-many relation, so rows are matched through a `pk__in` subquery
    instead of a join that would repeat them.

    `unit` and `school` may be tuples of lookups: the row belongs to a unit (or school) through
    any of them. An account acts for its own unit, its school's county, its teacher record's
    school's county or its institution's unit, so accounts are scoped through all four.
    """

    unit: str | tuple[str, ...] | None = None
    unit_code: str | None = None
    school: str | tuple[str, ...] | None = None
    teacher: str | None = None
    institution: str | None = None
    shared_down: bool = False
    via_many: bool = False
    own_unit_actions: frozenset[str] = frozenset()

    # `own_unit_actions` are the actions an officer takes only on rows of their own unit, not
    # of the units below: each level's queue holds its own work, so a prefecture never reviews
    # what its counties review.

    # `unit_code` names a field holding an administrative-code prefix instead of a unit
    # ("65" for every county of Xinjiang: a policy's `applies_to_code`). Officers act on rows
    # whose prefix lies inside their unit; with `shared_down` they also read the rows that
    # apply to their unit from above.

    def __post_init__(self):
        if self.shared_down and isinstance(self.unit, tuple):
            raise ValueError("shared_down needs a single unit lookup")


def _lookup(prefix: str, field: str) -> str:
    if not field:
        return prefix
    return f"{prefix}__{field}" if prefix else field


def _any_of(lookups: str | tuple[str, ...], field: str, value) -> Q:
    """Match rows whose `field` equals `value` through any of `lookups` (one lookup or several)."""
    prefixes = (lookups,) if isinstance(lookups, str) else lookups
    return reduce(operator.or_, (Q(**{_lookup(prefix, field): value}) for prefix in prefixes))


def code_prefix(code: str) -> str:
    """Return the digits that name a unit: 650000 → 65, 653100 → 6531, 653101 → 653101."""
    for length in (2, 4):
        if code[length:].strip("0") == "":
            return code[:length]
    return code


def _code_scope_q(scope: Scope, unit, action: str) -> Q:
    """Rows whose code prefix lies inside `unit` (and, to read, those that apply to it)."""
    prefix = code_prefix(unit.code)
    q = Q(**{f"{scope.unit_code}__startswith": prefix})
    if scope.shared_down and action == "view":
        above = {prefix[:length] for length in (2, 4) if len(prefix) > length}
        q |= Q(**{f"{scope.unit_code}__in": sorted(above)})
    return q


def _ancestor_codes(path: str) -> list[str]:
    return [code for code in path.split("/") if code]


def _shared_from_above(scope: Scope, unit_path: str | None) -> Q:
    """Rows owned by the user's unit or any unit above it, and rows owned by no unit."""
    q = Q(**{_lookup(scope.unit, "isnull"): True})
    if unit_path:
        q |= Q(**{_lookup(scope.unit, "code__in"): _ancestor_codes(unit_path)})
    return q


def scope_q(user: User, scope: Scope, action: str) -> Q:
    """Build the filter for `user` on a model with `scope`; the only place one is built."""
    role = user.role
    shared = scope.shared_down and action == "view" and scope.unit is not None
    if role in OFFICER_ROLES:
        if scope.unit_code is not None and user.unit_id is not None:
            return _code_scope_q(scope, user.unit, action)
        if scope.unit is None or user.unit_id is None:
            return NOTHING
        if action in scope.own_unit_actions:
            return _any_of(scope.unit, "", user.unit_id)
        q = _any_of(scope.unit, "path__startswith", user.unit.path)
        return q | _shared_from_above(scope, user.unit.path) if shared else q
    if role == Role.SCHOOL_ADMIN:
        if user.school_id is None:
            return NOTHING
        q = _any_of(scope.school, "", user.school_id) if scope.school is not None else NOTHING
        if shared:
            q |= _shared_from_above(scope, user.school.county.path)
        return q
    if role == Role.TEACHER:
        teacher = getattr(user, "teacher_profile", None)
        if teacher is None or (scope.teacher is None and not shared):
            return NOTHING
        q = Q(**{_lookup(scope.teacher, "user"): user}) if scope.teacher is not None else NOTHING
        if shared:
            q |= _shared_from_above(scope, teacher.school.county.path)
            if scope.school is not None:
                q |= _any_of(scope.school, "", teacher.school_id)
        return q
    if role == Role.INSTITUTION_STAFF:
        if scope.institution is None or user.institution_id is None:
            return NOTHING
        return Q(**{scope.institution: user.institution_id})
    return NOTHING


class JurisdictionQuerySet(models.QuerySet):
    """A queryset that knows how to keep only the rows inside a user's jurisdiction."""

    scope: ClassVar[Scope] = Scope()

    def restrict(self, user: User, action: str = "view") -> Self:
        """Return the rows on which `user` may perform `action` (view/add/change/delete/...)."""
        if user.is_superuser:
            return self
        if not user.is_authenticated or not user.has_perm(permission_for(self.model, action)):
            return self.none()
        q = scope_q(user, self.scope, action)
        if self.scope.via_many:
            return self.filter(pk__in=self.model._default_manager.filter(q).values("pk"))
        return self.filter(q)
