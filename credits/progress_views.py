"""The progress page: where a teacher stands in the cycle and the school year."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.exceptions import DomainError
from trainees.models import Teacher

from .progress import teacher_progress


@login_required
def my_progress(request):
    """A teacher's own progress; other roles pick a teacher from their lists."""
    teacher = getattr(request.user, "teacher_profile", None)
    if teacher is None:
        return redirect("home")
    return teacher_progress_page(request, teacher.pk)


@login_required
def teacher_progress_page(request, pk):
    """Show one teacher's cycle and yearly progress, if the user's jurisdiction holds them."""
    teacher = (
        Teacher.objects.restrict(request.user, "view")
        .select_related("school__county")
        .filter(pk=pk)
        .first()
    )
    if teacher is None:
        raise Http404
    try:
        view = teacher_progress(teacher, on=timezone.localdate())
    except DomainError as exc:
        return render(request, "credits/progress.html", {"error": str(exc), "title": _("学分进度")})
    return render(
        request,
        "credits/progress.html",
        {"view": view, "progress": view.progress, "title": _("学分进度")},
    )
