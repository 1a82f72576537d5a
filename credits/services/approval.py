"""Approving declared records into the credit ledger, rejecting them, withdrawing credits.

004 五(三) 学分由地州市或县级教育行政部门认定; the approval is transactional: every record of a
batch is approved and posted, or none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingRecord
from projects.plausibility import check_records

from .. import rules
from ..approving import approving_level_q
from ..errors import CreditRuleError, ReasonRequired, RecordsNotApprovable, RecordsNotFound
from ..models import CreditLedgerEntry, EntryType
from ..selectors import PolicyCache, record_facts


@dataclass(frozen=True)
class ApprovalResult:
    """How many records were approved and the credits posted for them."""

    approved: int
    credits: Decimal


def _locked_records(*, by, action: str, record_ids: Sequence[int]) -> list[TrainingRecord]:
    wanted = set(record_ids)
    records = list(
        TrainingRecord.objects.restrict(by, action)
        .filter(approving_level_q(by, "teacher__school__county__code"))
        .filter(pk__in=wanted)
        .select_related("project", "teacher__school__county")
        .select_for_update(of=("self",))
        .order_by("pk")  # always lock in pk order, so two officers never deadlock
    )
    if len(records) != len(wanted):
        raise RecordsNotFound(count=len(wanted) - len(records))
    return records


@transaction.atomic
def approve_records(*, by, record_ids: Sequence[int]) -> ApprovalResult:
    """Approve declared records in `by`'s jurisdiction and post their credits to the ledger.

    Each entry is frozen with the policy version that computed it: a later policy version
    never changes credits already recognised. Plausibility is checked again
    (`projects.plausibility`), so no record with impossible hours, dates or school reaches the
    ledger whatever door it came through.
    """
    records = _locked_records(by=by, action="approve", record_ids=record_ids)
    not_ready = [
        r
        for r in records
        if r.status != RecordStatus.DECLARED
        or not r.project.is_approved  # 004 六(二) 未经审核的不予登记学分
        or (not r.grade and r.role == RecordRole.TRAINEE)
    ]
    if not_ready:
        raise RecordsNotApprovable(count=len(not_ready))
    check_records(records, today=timezone.localdate())
    now = timezone.now()
    entries = post_ledger_entries(records=records, by=by, at=now)
    for record in records:
        record.status = RecordStatus.APPROVED
        record.updated_at = now
    bulk_update_with_history(
        records,
        TrainingRecord,
        ["status", "updated_at"],
        default_user=by,
        default_change_reason="认定学分",
    )
    return ApprovalResult(
        approved=len(records), credits=sum((e.credits for e in entries), Decimal(0))
    )


def post_ledger_entries(*, records, by, at=None) -> list[CreditLedgerEntry]:
    """Compute each record's credits under its teacher's policy and append them to the ledger.

    `records` need `project` and `teacher.school.county` loaded. The caller has checked that
    they may be approved; this only computes and writes (one bulk insert).
    """
    cache = PolicyCache()
    at = at or timezone.now()
    entries = []
    for record in records:
        policy, spec = cache.for_county(record.teacher.school.county)
        try:
            result = rules.credit_record(spec, record_facts(record))
        except rules.RuleError as exc:
            raise CreditRuleError(exc.code, **exc.params) from None
        entries.append(
            CreditLedgerEntry(
                teacher_id=record.teacher_id,
                record=record,
                policy=policy,
                entry_type=EntryType.POSTING,
                occurred_on=record.completed_on,
                school_year=result.school_year,
                category=str(result.category),
                effective_hours=record.effective_hours,
                base=result.base,
                bonus=result.bonus,
                credits=result.total,
                bonus_rate=result.bonus_rate,
                explanation=result.explanation[:300],
                posted_by=by,
                posted_at=at,
            )
        )
    return CreditLedgerEntry.objects.bulk_create(entries, batch_size=2000)


@transaction.atomic
def reject_records(*, by, record_ids: Sequence[int], reason: str) -> int:
    """Send declared records back to the school with the reason (退回)."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    records = _locked_records(by=by, action="approve", record_ids=record_ids)
    not_declared = [r for r in records if r.status != RecordStatus.DECLARED]
    if not_declared:
        raise RecordsNotApprovable(count=len(not_declared))
    now = timezone.now()
    for record in records:
        record.status = RecordStatus.REJECTED
        record.reject_reason = reason[:200]
        record.updated_at = now
    bulk_update_with_history(
        records,
        TrainingRecord,
        ["status", "reject_reason", "updated_at"],
        default_user=by,
        default_change_reason=f"退回：{reason}"[:100],
    )
    return len(records)


@transaction.atomic
def withdraw_credits(*, by, record_ids: Sequence[int], reason: str) -> int:
    """Withdraw approved credits: post reversing entries and send the records back.

    The ledger is append-only, so a correction is a reversal entry, never an edit.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    records = _locked_records(by=by, action="approve", record_ids=record_ids)
    if any(r.status != RecordStatus.APPROVED for r in records):
        raise RecordsNotApprovable(count=sum(r.status != RecordStatus.APPROVED for r in records))
    open_postings = list(
        CreditLedgerEntry.objects.select_for_update(of=("self",))
        .filter(record__in=records, entry_type=EntryType.POSTING, reversed_by__isnull=True)
        .order_by("pk")
    )
    now = timezone.now()
    CreditLedgerEntry.objects.bulk_create(
        CreditLedgerEntry(
            teacher_id=entry.teacher_id,
            record_id=entry.record_id,
            policy_id=entry.policy_id,
            entry_type=EntryType.REVERSAL,
            reverses=entry,
            occurred_on=entry.occurred_on,
            school_year=entry.school_year,
            category=entry.category,
            effective_hours=-entry.effective_hours,
            base=-entry.base,
            bonus=-entry.bonus,
            credits=-entry.credits,
            bonus_rate=entry.bonus_rate,
            explanation=f"冲销：{entry.explanation}"[:300],
            posted_by=by,
            posted_at=now,
            reason=reason[:200],
        )
        for entry in open_postings
    )
    for record in records:
        record.status = RecordStatus.REJECTED
        record.reject_reason = reason[:200]
        record.updated_at = now
    bulk_update_with_history(
        records,
        TrainingRecord,
        ["status", "reject_reason", "updated_at"],
        default_user=by,
        default_change_reason=f"撤销认定：{reason}"[:100],
    )
    return len(records)
