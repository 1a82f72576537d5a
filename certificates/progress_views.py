"""The progress page: where a teacher stands in the cycle and the school year, with their
certificates (it lives in the top app because it shows both)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from credits.progress import teacher_progress
from trainees.models import Teacher
from trainees.selectors import may_view_national_ids

from .models import Certificate, CertificateKind, CertificateStatus
from .services import issue_year_proof


def _teacher_or_404(user, pk, action: str) -> Teacher:
    teacher = (
        Teacher.objects.restrict(user, action)
        .select_related("school__county__parent")
        .filter(pk=pk)
        .first()
    )
    if teacher is None:
        raise Http404
    return teacher


@login_required
def my_progress(request):
    """A teacher's own progress; other roles open a teacher's page from their lists."""
    teacher = getattr(request.user, "teacher_profile", None)
    if teacher is None:
        return redirect("home")
    return teacher_progress_page(request, teacher.pk)


@login_required
def teacher_progress_page(request, pk):
    """Show one teacher's cycle and yearly progress and certificates, within jurisdiction."""
    # view_progress, not view: institution staff see the teachers on their projects, not
    # their progress, ledger or certificates (least privilege, #14).
    teacher = _teacher_or_404(request.user, pk, "view_progress")
    try:
        view = teacher_progress(teacher, as_of=timezone.localdate())
    except DomainError as exc:
        return render(request, "credits/progress.html", {"error": str(exc), "title": _("学分进度")})
    certificates = list(
        Certificate.objects.restrict(request.user, "view")
        .filter(teacher=teacher, status=CertificateStatus.ISSUED)
        .select_related("number")
        .order_by("kind", "period")
    )
    proven = {c.period for c in certificates if c.kind == CertificateKind.YEAR}
    may_issue_proof = (
        Teacher.objects.restrict(request.user, "issue_proof").filter(pk=teacher.pk).exists()
    )
    provable = [
        year.year
        for year in view.progress.years
        if may_issue_proof and year.is_complete and year.is_owed and year.year not in proven
    ]
    return render(
        request,
        "credits/progress.html",
        {
            "view": view,
            "progress": view.progress,
            "certificates": certificates,
            "provable_years": provable,
            # The number shows masked; roles that may see it whole get a 显示 button (logged).
            "may_reveal_national_id": may_view_national_ids(request.user),
            "title": _("学分进度"),
        },
    )


@require_POST
@login_required
def year_proof(request, pk, year):
    """Issue the proof of a complete school year (学年学分证明) on request."""
    # The teacher for themself, or an officer over the teacher (issue_proof, #14).
    teacher = _teacher_or_404(request.user, pk, "issue_proof")
    try:
        certificate = issue_year_proof(
            teacher=teacher, school_year=year, as_of=timezone.localdate()
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("已生成 %(year)s 学年学分证明。") % {"year": certificate.period}
        )
    return redirect("certificates:teacher_progress", pk=teacher.pk)
