"""Pages of training projects: lists, school-based course declaration, review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import can, requires
from trainees.models import Teacher

from .choices import ReviewStatus, Tier
from .exports import projects_export
from .filtersets import TrainingProjectFilterSet
from .forms import ProjectDecisionForm, SchoolBasedCourseForm
from .models import TrainingProject, TrainingRecord
from .selectors import projects_for, review_queue_for
from .services import declare_school_based_course, review_projects


@requires(TrainingProject, "view")
def project_list(request):
    """List the projects visible to the user: issued above them, by them, or their school's."""
    filterset = TrainingProjectFilterSet(request.GET, TrainingProject.objects.none())
    projects = projects_for(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        return projects_export(projects, user=request.user)
    page = Paginator(projects, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "filter_form": filterset.form,
            "query": query.urlencode(),
            "can_declare_course": request.user.school_id is not None
            and can(request.user, TrainingProject, "add"),
            "title": _("培训项目"),
        },
    )


@login_required
def project_detail(request, pk):
    """Show a project; a school admin enrols teachers in its approved school-based course."""
    project = (
        TrainingProject.objects.restrict(request.user, "view")
        .select_related("issuing_unit", "institution", "school", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    can_enrol = (
        project.tier == Tier.SCHOOL
        and project.review_status == ReviewStatus.APPROVED
        and project.school_id is not None
        and project.school_id == request.user.school_id
        and can(request.user, TrainingRecord, "add")
    )
    teachers = enrolled = None
    if can_enrol:
        enrolled = set(project.records.values_list("teacher_id", flat=True))
        teachers = Teacher.objects.restrict(request.user, "change").active().order_by("name")
    can_enter_results = (
        project.institution_id is not None
        and project.institution_id == request.user.institution_id
        and can(request.user, TrainingRecord, "grade")
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "can_enter_results": can_enter_results,
            "can_enrol": can_enrol,
            "teachers": teachers,
            "enrolled": enrolled or set(),
            "title": project.name,
        },
    )


@requires(TrainingProject, "add")
def course_new(request):
    """A school admin declares a school-based course for the county to review."""
    if request.user.school_id is None:
        raise Http404
    form = SchoolBasedCourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = declare_school_based_course(by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("课程已提交县级教育局审核，通过后即可组班报名。"))
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request, "projects/course_form.html", {"form": form, "title": _("申报校本研修课程")}
    )


@requires(TrainingProject, "review")
def review_queue(request):
    """The bureau's queue of submitted projects: approve, or return with a note.

    The page shows the oldest 200; the export holds the whole queue, so an officer
    can hand the list on before working through it.
    """
    queue = review_queue_for(request.user)
    if request.GET.get("export") == "xlsx":
        return projects_export(queue, user=request.user, title=_("待审核项目"))
    projects = list(queue[:200])
    return render(
        request, "projects/review_queue.html", {"projects": projects, "title": _("项目审核")}
    )


@require_POST
@requires(TrainingProject, "review")
def projects_decide(request):
    """Approve or return the ticked projects."""
    form = ProjectDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("project_ids", [])))
        return redirect("projects:review_queue")
    is_approved = request.POST.get("decision") != "reject"
    try:
        count = review_projects(
            by=request.user,
            project_ids=form.cleaned_data["project_ids"],
            is_approved=is_approved,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        text = _("已审核通过 %(n)d 个项目。") if is_approved else _("已退回 %(n)d 个项目。")
        messages.success(request, text % {"n": count})
    return redirect("projects:review_queue")
