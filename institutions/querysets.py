"""Querysets of the institutions app: jurisdiction scopes and reusable filters."""

from django.contrib.auth.models import UserManager as BaseUserManager

from .jurisdiction import JurisdictionQuerySet, Scope


class AdministrativeUnitQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="")

    def counties(self):
        """Return the county-level units."""
        return self.filter(level="county")


class SchoolQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="county", school="pk", teacher="teachers", via_many=True)


class TrainingInstitutionQuerySet(JurisdictionQuerySet):
    # Institutions serve trainees from anywhere, so every unit below may read the list of those
    # recognised above it; officers manage the ones recognised in their own unit.
    scope = Scope(unit="unit", institution="pk", shared_down=True)


# The lookups from an account to the unit it acts for: an officer's own unit, a school admin's
# school's county, a teacher's school's county (through the teacher record), an institution's
# recognising unit. Rows that belong to an account (lifted login locks) reuse them.
ACCOUNT_UNITS = ("unit", "school__county", "teacher_profile__school__county", "institution__unit")
ACCOUNT_SCHOOLS = ("school", "teacher_profile__school")


class UserQuerySet(JurisdictionQuerySet):
    """Accounts: an officer reaches every account acting for their unit or a unit below it, a
    school admin the accounts of their school (its admins and its teachers)."""

    scope = Scope(unit=ACCOUNT_UNITS, school=ACCOUNT_SCHOOLS)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Django's user manager (create_user, create_superuser) with `restrict()`."""


class LoginUnlockQuerySet(JurisdictionQuerySet):
    # A lift belongs where the account it unlocked belongs.
    scope = Scope(
        unit=tuple(f"account__{lookup}" for lookup in ACCOUNT_UNITS),
        school=tuple(f"account__{lookup}" for lookup in ACCOUNT_SCHOOLS),
    )
