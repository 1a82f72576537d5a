"""Querysets of the credits app: jurisdiction scopes and reusable filters."""

from institutions.jurisdiction import JurisdictionQuerySet, Scope


class CreditLedgerEntryQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")


class CycleProgressQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="teacher__school__county", school="teacher__school", teacher="teacher")


class CountySummaryQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="county")


class AuditAnomalyQuerySet(JurisdictionQuerySet):
    scope = Scope(unit="county", school="teacher__school")
