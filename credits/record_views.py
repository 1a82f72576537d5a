"""Pages for training records: the school registers and declares, the county approves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permissions import can, requires
from core.redirects import redirect_to_next
from institutions.models import School
from projects.choices import Grade
from projects.filtersets import TrainingRecordFilterSet
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher

from .approving import approves_anything
from .exports import ledger_export, records_export
from .forms import (
    EnrolmentForm,
    RecordSelectionForm,
    TrainingRecordEditForm,
    TrainingRecordForm,
    results_from_post,
)
from .models import CreditLedgerEntry
from .selectors import (
    approval_queue_for,
    correctable_record,
    credit_previews,
    ledger_for,
    record_history,
    records_for,
)
from .services import (
    approve_records,
    declare_records,
    enrol_teachers,
    enter_results,
    register_training_record,
    reject_records,
    update_training_record,
)

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires(TrainingRecord, "view")
def record_list(request):
    """List the records in the user's jurisdiction; school admins declare from here."""
    filterset = TrainingRecordFilterSet(request.GET, TrainingRecord.objects.none())
    records = records_for(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        form = filterset.form
        shown = [
            (str(form.fields[name].label or name), str(value))
            for name, value in request.GET.items()
            if name in form.fields and value
        ]
        return records_export(records, user=request.user, filters=shown)
    page = _page(request, records)
    return render(
        request,
        "credits/record_list.html",
        {
            "page": page,
            "filter_form": filterset.form,
            "query": _query_without_page(request),
            "can_declare": can(request.user, TrainingRecord, "declare"),
            "can_add": can(request.user, TrainingRecord, "add"),
            "title": _("培训记录"),
        },
    )


@requires(TrainingRecord, "add")
def record_new(request):
    """Register one training record for a teacher of the school."""
    teachers = Teacher.objects.restrict(request.user, "change").active().order_by("name")
    projects = (
        TrainingProject.objects.restrict(request.user, "view")
        .approved()
        .open_to(teachers.values("school"))
    )
    form = TrainingRecordForm(request.POST or None, teachers=teachers, projects=projects)
    if request.method == "POST" and form.is_valid():
        try:
            record = register_training_record(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request, _("已登记：%(record)s。核对无误后请申报。") % {"record": record}
            )
            return redirect("records:detail", pk=record.pk)
    return render(request, "credits/record_form.html", {"form": form, "title": _("登记培训记录")})


@login_required
def record_detail(request, pk):
    """Show a record: its values, why its credits are what they are, and its history."""
    record = _record_or_404(request.user, "view", pk)
    entries = list(
        CreditLedgerEntry.objects.filter(record=record).select_related("policy", "posted_by")
    )
    preview = None
    if not entries:
        preview = credit_previews([record]).get(record.pk)
    return render(
        request,
        "credits/record_detail.html",
        {
            "record": record,
            "entries": entries,
            "preview": preview,
            "history": record_history(record),
            "can_edit": record.status in ("draft", "rejected")
            and _reachable(request.user, "change", pk),
            "can_declare": record.status in ("draft", "rejected")
            and _reachable(request.user, "declare", pk),
            # 撤销/更正认定: the approving officer of an approved record (004 五(三))
            "can_correct": record.status == "approved"
            and can(request.user, TrainingRecord, "approve")
            and correctable_record(request.user, pk) is not None,
            "title": _("培训记录"),
        },
    )


@requires(TrainingRecord, "change")
def record_edit(request, pk):
    """Correct a draft or returned record; it goes back to 待申报."""
    record = _record_or_404(request.user, "change", pk)
    initial = {
        "hours": record.hours,
        "leave_hours": record.leave_hours,
        "grade": record.grade,
        "role": record.role,
        "completed_on": record.completed_on,
    }
    form = TrainingRecordEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_training_record(by=request.user, record=record, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("records:detail", pk=record.pk)
    return render(
        request,
        "credits/record_form.html",
        {"form": form, "record": record, "title": _("修改培训记录")},
    )


@require_POST
@requires(TrainingRecord, "declare")
def records_declare(request):
    """Declare the ticked records to the county (学分登记申报)."""
    form = RecordSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("record_ids", [])))
    else:
        try:
            count = declare_records(by=request.user, record_ids=form.cleaned_data["record_ids"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已向县级教育局申报 %(n)d 条记录。") % {"n": count})
    return redirect_to_next(request, "records:list")


@requires(TrainingRecord, "approve")
def approval_queue(request):
    """The county's queue of declared records, with each record's credits explained."""
    if not approves_anything(request.user):
        raise PermissionDenied(_("按本地区学分政策，学分不由本级教育局认定。"))
    queue = approval_queue_for(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        return records_export(queue, user=request.user, filters=[(_("状态"), _("待认定"))])
    page = _page(request, queue)
    previews = credit_previews(page.object_list)
    rows = [(record, previews.get(record.pk)) for record in page.object_list]
    schools = School.objects.restrict(request.user).order_by("name")
    return render(
        request,
        "credits/approval_queue.html",
        {
            "page": page,
            "rows": rows,
            "schools": schools,
            "selected_school": request.GET.get("school", ""),
            "q": request.GET.get("q", ""),
            "query": _query_without_page(request),
            "title": _("学分审核认定"),
        },
    )


@require_POST
@requires(TrainingRecord, "approve")
def records_decide(request):
    """Approve the ticked records into the ledger, or send them back with a reason."""
    if not approves_anything(request.user):
        raise PermissionDenied(_("按本地区学分政策，学分不由本级教育局认定。"))
    form = RecordSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("record_ids", [])))
        return redirect_to_next(request, "credits:approval_queue")
    ids = form.cleaned_data["record_ids"]
    try:
        if request.POST.get("decision") == "reject":
            count = reject_records(
                by=request.user, record_ids=ids, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已退回 %(n)d 条记录，学校会看到退回原因。") % {"n": count})
        else:
            result = approve_records(by=request.user, record_ids=ids)
            messages.success(
                request,
                _("已认定 %(n)d 条记录，共 %(credits)s 学分，已记入学分台账。")
                % {"n": result.approved, "credits": result.credits},
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect_to_next(request, "credits:approval_queue")


@requires(CreditLedgerEntry, "view")
def ledger(request):
    """The credit ledger as the user's role sees it (a teacher: their own credits)."""
    if request.GET.get("export") == "xlsx":
        return ledger_export(ledger_for(request.user), user=request.user)
    may_withdraw = can(request.user, TrainingRecord, "approve") and approves_anything(request.user)
    entries = ledger_for(request.user)
    if may_withdraw:  # which postings still stand (a tick box each), in the same query
        entries = entries.with_open_flag()
    page = _page(request, entries)
    return render(
        request,
        "credits/ledger.html",
        {
            "page": page,
            "query": _query_without_page(request),
            "may_withdraw": may_withdraw,
            "title": _("学分台账"),
        },
    )


@require_POST
@requires(TrainingRecord, "add")
def project_enrol(request, project_pk):
    """Enrol ticked teachers in an approved school-based course (组班报名)."""
    project = TrainingProject.objects.restrict(request.user, "view").filter(pk=project_pk).first()
    if project is None:
        raise Http404
    form = EnrolmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("teacher_ids", [])))
    else:
        try:
            count = enrol_teachers(
                by=request.user, project=project, teacher_ids=form.cleaned_data["teacher_ids"]
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        except TrainingProject.DoesNotExist:
            messages.error(request, _("该课程尚未通过审核，审核通过后才能组班报名。"))
        else:
            messages.success(
                request, _("已为 %(n)d 位教师报名；录入考核等次后即可申报学分。") % {"n": count}
            )
    return redirect("projects:project_detail", pk=project.pk)


def _record_or_404(user, action, pk) -> TrainingRecord:
    record = (
        TrainingRecord.objects.restrict(user, action)
        .select_related("teacher__school__county", "project__issuing_unit", "project__institution")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def _reachable(user, action, pk) -> bool:
    return can(user, TrainingRecord, action) and (
        TrainingRecord.objects.restrict(user, action).filter(pk=pk).exists()
    )


@requires(TrainingRecord, "grade")
def project_results(request, project_pk):
    """A training institution enters attended hours, leave and grades of a project's trainees."""
    project = TrainingProject.objects.restrict(request.user, "view").filter(pk=project_pk).first()
    if project is None:
        raise Http404
    records = list(
        TrainingRecord.objects.restrict(request.user, "grade")
        .filter(project=project)
        .select_related("teacher__school")
        .order_by("teacher__school__name", "teacher__name", "pk")
    )
    errors = []
    if request.method == "POST":
        results, errors = results_from_post(request.POST, records)
        if not errors:
            try:
                count = enter_results(project=project, results=results, by=request.user)
            except DomainError as exc:
                errors.append(str(exc))
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("已保存 %(n)d 位学员的成绩。") % {"n": count})
                return redirect("credits:project_results", project_pk=project.pk)
    return render(
        request,
        "credits/project_results.html",
        {
            "project": project,
            "records": records,
            "errors": errors,
            "grades": Grade.choices,
            "title": _("录入成绩"),
        },
    )
