"""Querysets of the trainees app: jurisdiction scopes and reusable filters."""

from institutions.jurisdiction import JurisdictionQuerySet, Scope


class TeacherQuerySet(JurisdictionQuerySet):
    # Training institutions see the teachers enrolled in their projects (a to-many lookup).
    scope = Scope(
        unit="school__county",
        school="school",
        teacher="",
        institution="training_records__project__institution",
        via_many=True,
    )

    def active(self):
        """Return teachers currently in post."""
        return self.filter(is_active=True)


class NationalIdDisclosureQuerySet(JurisdictionQuerySet):
    # The log of whose whole ID numbers were shown belongs to the teacher's county, and only to
    # officers: a school or a teacher never reads who looked at them here.
    scope = Scope(unit="teacher__school__county")
