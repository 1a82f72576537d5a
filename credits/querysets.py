"""Querysets of the credits app: jurisdiction scopes and reusable filters."""

from django.db.models import Q

from institutions.jurisdiction import JurisdictionQuerySet, Scope


class CreditLedgerEntryQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")

    def with_open_flag(self):
        """Annotate `is_open`: a posting no reversal has cancelled (its credits still count)."""
        from .models import EntryType

        return self.annotate(is_open=Q(entry_type=EntryType.POSTING, reversed_by__isnull=True))


class CycleProgressQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")


class CountySummaryQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="county")


class ProgressSummaryQuerySet(JurisdictionQuerySet):
    # A school admin reads their school's rows; the county rows (no school) are the bureaus'.
    scope = Scope(unit="county", school="school")


class AuditAnomalyQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="county", school="teacher__school")


class PolicyQuerySet(JurisdictionQuerySet):
    # A region officer drafts and publishes the policies of their own region (applies_to_code
    # "65" for Xinjiang) and reads those that apply to it; another region's are not theirs.
    scope = Scope(unit_code="applies_to_code", shared_down=True)
