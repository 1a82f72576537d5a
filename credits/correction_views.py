"""Withdrawing and correcting approved credits (撤销认定, 更正认定), by the approving officer.

The ledger only grows: a withdrawal posts reversals and sends the record back to the school;
a correction posts a reversal and the corrected posting. Each needs a reason, which the
ledger keeps and the teacher is told; certificates follow at the next audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import requires
from core.redirects import redirect_to_next
from projects.choices import RecordStatus
from projects.models import TrainingRecord

from .approving import approves_anything
from .forms import CorrectionForm, WithdrawalForm
from .selectors import correctable_record
from .services import correct_credits, withdraw_credits

NOT_APPROVING = _("按本地区学分政策，学分不由本级教育局认定。")


@require_POST
@requires(TrainingRecord, "approve")
def records_withdraw(request):
    """Withdraw the credits of the ticked approved records (from a record or the ledger)."""
    if not approves_anything(request.user):
        raise PermissionDenied(NOT_APPROVING)
    form = WithdrawalForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect_to_next(request, "credits:ledger")
    try:
        count = withdraw_credits(
            by=request.user,
            record_ids=form.cleaned_data["record_ids"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "已撤销 %(n)d 条记录的学分，记录已退回学校并通知教师；"
                "涉及的电子证书将在今晚核查时更正。"
            )
            % {"n": count},
        )
    return redirect_to_next(request, "credits:ledger")


@requires(TrainingRecord, "approve")
def record_correct(request, pk):
    """Correct an approved record's hours, leave, grade, role or date, with a reason."""
    record = correctable_record(request.user, pk)
    if record is None:
        raise Http404
    if record.status != RecordStatus.APPROVED:
        messages.error(request, _("只有已认定的记录可以更正；未认定的记录请在学分认定中退回。"))
        return redirect("records:detail", pk=record.pk)
    initial = {
        "hours": record.hours,
        "leave_hours": record.leave_hours,
        "grade": record.grade,
        "role": record.role,
        "completed_on": record.completed_on,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            result = correct_credits(
                by=request.user, record_id=record.pk, reason=form.cleaned_data["reason"], **values
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("已更正：学分由 %(before)s 改为 %(after)s，已通知教师。")
                % {"before": result.credits_before, "after": result.credits_after},
            )
            return redirect("records:detail", pk=record.pk)
    return render(
        request,
        "credits/record_correct.html",
        {"form": form, "record": record, "title": _("更正认定")},
    )
