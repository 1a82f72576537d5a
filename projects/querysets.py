"""Querysets of the projects app: jurisdiction scopes and reusable filters."""

from django.db.models import Q

from institutions.jurisdiction import JurisdictionQuerySet, Scope

from .choices import RecordStatus, ReviewStatus, Tier


class TrainingProjectQuerySet(JurisdictionQuerySet):
    # A project issued by the region is open to every school below it; changing it stays with
    # the issuing unit and those above (004 五(三) 项目级别以发文单位级别为准). Reviewing it is the
    # issuing unit's own CE office's work (004 六(二)): a school's project is its county's.
    scope = Scope(
        unit="issuing_unit",
        school="school",
        institution="institution",
        shared_down=True,
        own_unit_actions=frozenset({"review"}),
    )

    def approved(self):
        """Return projects the bureau approved; only these earn credits (004 六(二))."""
        return self.filter(review_status=ReviewStatus.APPROVED)

    def open_to(self, schools):
        """Return the projects teachers of `schools` may attend (a queryset of school ids).

        A school-tier project is only for its own school's teachers (004 三(三) 校本研修由学校
        组织); `projects.plausibility` refuses the others whatever a form sends.
        """
        return self.filter(~Q(tier=Tier.SCHOOL) | Q(school__in=schools))


class TrainingRecordQuerySet(JurisdictionQuerySet):
    scope = Scope(
        unit="teacher__school__county",
        school="teacher__school",
        teacher="teacher",
        institution="project__institution",
    )

    def approved(self):
        """Return records whose credits the bureau recognised."""
        return self.filter(status=RecordStatus.APPROVED)
