"""Approving declared records into the credit ledger, rejecting them, withdrawing credits.

004 五(三) 学分由地州市或县级教育行政部门认定; the approval is transactional: every record of a
batch is approved and posted, or none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from notices.models import NoticeKind
from notices.services import Message, tell
from projects.choices import RecordRole, RecordStatus
from projects.models import TrainingRecord
from projects.plausibility import check_records

from .. import rules
from ..approving import approving_level_q
from ..errors import (
    CorrectionReasonRequired,
    CreditRuleError,
    NothingToCorrect,
    ReasonRequired,
    RecordsNotApprovable,
    RecordsNotCorrectable,
    RecordsNotFound,
)
from ..models import CreditLedgerEntry, EntryType
from ..selectors import PolicyCache, record_facts
from .grading import check_project_quota


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


def post_ledger_entries(*, records, by, at=None, reason: str = "") -> list[CreditLedgerEntry]:
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
                reason=reason[:200],
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


CORRECTABLE_FIELDS = ("hours", "leave_hours", "grade", "role", "completed_on")


@dataclass(frozen=True)
class CorrectionResult:
    """What a withdrawal or correction posted: records touched and the net credit change."""

    records: int
    credits_before: Decimal
    credits_after: Decimal

    @property
    def change(self) -> Decimal:
        return self.credits_after - self.credits_before


@transaction.atomic
def withdraw_credits(*, by, record_ids: Sequence[int], reason: str) -> int:
    """Withdraw approved credits (撤销认定): post reversing entries, send the records back.

    The ledger is append-only, so a correction is a reversal entry, never an edit. The
    records go back to the school as 已退回 with the reason, and each teacher is told.
    The next audit reissues or revokes certificates that relied on these credits.
    """
    reason = _reason(reason)
    records = _approved_records(by=by, record_ids=record_ids)
    now = timezone.now()
    reversed_credits = _reverse_postings(records, by=by, at=now, reason=reason)
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
    _tell_teachers(records, reversed_credits, {}, reason=reason, withdrawn=True, at=now)
    return len(records)


@transaction.atomic
def correct_credits(*, by, record_id: int, reason: str, **values) -> CorrectionResult:
    """Correct an approved record (更正认定): reverse its credits, change it, post it again.

    `values` are the record's corrected fields (hours, leave hours, grade, role, completion
    date). The record stays approved; the ledger shows the reversal and the new posting
    under the same reason, and the teacher is told the change.
    """
    reason = _reason(reason)
    unknown = set(values) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    (record,) = _approved_records(by=by, record_ids=[record_id])
    if all(getattr(record, field) == value for field, value in values.items()):
        raise NothingToCorrect()
    for field, value in values.items():
        setattr(record, field, value)
    check_records([record], today=timezone.localdate())
    record.full_clean()
    if record.grade:
        check_project_quota(project=record.project, changed=[record])
    now = timezone.now()
    before = _reverse_postings([record], by=by, at=now, reason=reason)
    record.updated_at = now
    record._history_user = by
    record._change_reason = f"更正认定：{reason}"[:100]
    record.save()
    entries = post_ledger_entries(records=[record], by=by, at=now, reason=reason)
    after = {record.pk: sum((e.credits for e in entries), Decimal(0))}
    _tell_teachers([record], before, after, reason=reason, withdrawn=False, at=now)
    return CorrectionResult(
        records=1, credits_before=before.get(record.pk, Decimal(0)), credits_after=after[record.pk]
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionReasonRequired()
    return reason


def _approved_records(*, by, record_ids: Sequence[int]) -> list[TrainingRecord]:
    records = _locked_records(by=by, action="approve", record_ids=record_ids)
    not_approved = [r for r in records if r.status != RecordStatus.APPROVED]
    if not_approved:
        raise RecordsNotCorrectable(count=len(not_approved))
    return records


def _reverse_postings(records, *, by, at, reason: str) -> dict[int, Decimal]:
    """Post a reversal of each open posting of `records`; return the credits reversed per record."""
    open_postings = list(
        CreditLedgerEntry.objects.select_for_update(of=("self",))
        .filter(record__in=records, entry_type=EntryType.POSTING, reversed_by__isnull=True)
        .order_by("pk")
    )
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
            posted_at=at,
            reason=reason[:200],
        )
        for entry in open_postings
    )
    reversed_credits: dict[int, Decimal] = {}
    for entry in open_postings:
        reversed_credits[entry.record_id] = (
            reversed_credits.get(entry.record_id, Decimal(0)) + entry.credits
        )
    return reversed_credits


def _tell_teachers(records, before, after, *, reason: str, withdrawn: bool, at) -> None:
    """Tell each teacher with an account what happened to their credits, and why."""
    users = dict(
        TrainingRecord.objects.filter(pk__in=[r.pk for r in records]).values_list(
            "pk", "teacher__user_id"
        )
    )
    messages = []
    for record in records:
        user_id = users.get(record.pk)
        if user_id is None:
            continue
        was = before.get(record.pk, Decimal(0))
        if withdrawn:
            kind, title = NoticeKind.CREDITS_WITHDRAWN, _("学分已撤销")
            body = _("《%(project)s》的 %(was)s 学分已被县级教育局撤销，原因：%(reason)s。") % {
                "project": record.project.name,
                "was": was,
                "reason": reason,
            }
        else:
            kind, title = NoticeKind.CREDITS_CORRECTED, _("学分已更正")
            body = _("《%(project)s》的学分已由 %(was)s 更正为 %(now)s，原因：%(reason)s。") % {
                "project": record.project.name,
                "was": was,
                "now": after.get(record.pk, Decimal(0)),
                "reason": reason,
            }
        messages.append(
            Message(
                recipient_id=user_id,
                kind=kind,
                title=title,
                body=body,
                event_key=f"record:{record.pk}:{kind}:{at.isoformat()}",
                link=reverse("records:detail", args=[record.pk]),
            )
        )
    tell(messages)
