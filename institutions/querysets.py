"""Querysets of the institutions app: jurisdiction scopes and reusable filters."""

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
