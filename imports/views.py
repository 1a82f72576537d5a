"""Pages of the Excel import: upload → preview → confirm, with progress and a report.

Only accounts that may add training records (school admins, superusers) get in; everyone
else gets 403. The services scope every row with `restrict()`; the views only parse the
request, call one service and render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.permissions import requires
from credits.errors import CreditError
from projects.models import TrainingRecord

from .errors import ImportFileError, UploadNotFound, UploadNotReady
from .files import MAX_ROWS
from .forms import ConfirmForm, UploadForm
from .queue import give_up_lost_step, queue_import_step
from .steps import commit_upload, inspect_upload, uses_task, validate_upload
from .uploads import discard_upload, get_upload, import_status, import_summary, store_upload
from .workbooks import build_report, build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 50
RUNNING_STATES = {"uploaded", "queued", "validating", "committing"}


# A login, then the permission to add training records (school admins, superusers); else 403.
may_import = requires(TrainingRecord, "add")


def _upload_or_404(request, upload_id):
    try:
        return get_upload(upload_id=upload_id, by=request.user)
    except UploadNotFound as exc:
        raise Http404(str(exc)) from None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@may_import
def upload(request):
    """Show the upload form; a posted file is checked and the user is sent to its preview."""
    is_post = request.method == "POST"
    form = UploadForm(request.POST, request.FILES) if is_post else UploadForm()
    if is_post and form.is_valid():
        stored = None
        try:
            stored = store_upload(file=form.cleaned_data["file"], by=request.user)
            table = inspect_upload(upload=stored)
            table.close()
            if uses_task(rows=table.estimate):
                # Redis down: ImportCheckNotQueued within seconds, shown like a file error.
                queue_import_step(
                    upload=stored, by=request.user, step="validate", rows=table.estimate
                )
            else:
                validate_upload(upload=stored, by=request.user)
        except ImportFileError as exc:
            if stored is not None:
                discard_upload(upload=stored)
            form.add_error("file", str(exc))
        else:
            return redirect("imports:preview", upload_id=stored.id)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "max_rows": MAX_ROWS, "title": _("导入培训记录")},
    )


@require_GET
@may_import
def template(request):
    """Download the .xlsx template: headers, an example row, drop-downs and instructions."""
    return _xlsx(build_template(), _("培训记录导入模板.xlsx"))


@require_GET
@may_import
def preview(request, upload_id):
    """Show an upload's progress, then its summary, its row errors (paginated) and the confirm."""
    stored = _upload_or_404(request, upload_id)
    give_up_lost_step(upload=stored)
    status = import_status(upload=stored)
    summary = import_summary(upload=stored)
    errors = (
        Paginator(summary.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
        if summary
        else None
    )
    return render(
        request,
        "imports/preview.html",
        {
            "upload": stored,
            "status": status,
            "summary": summary,
            "errors": errors,
            "is_running": status["state"] in RUNNING_STATES,
            "can_confirm": bool(
                summary
                and summary.is_valid
                and not summary.is_committed
                and status["state"] == "validated"
            ),
            "confirm_form": ConfirmForm(initial={"upload": stored.id}),
            "title": _("导入预览"),
        },
    )


@require_POST
@may_import
def confirm(request):
    """Write a checked upload, all or nothing; a large file is written by a task."""
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404(str(UploadNotFound()))
    stored = _upload_or_404(request, form.cleaned_data["upload"])
    summary = import_summary(upload=stored)
    if summary is not None and uses_task(rows=summary.rows):
        if import_status(upload=stored)["state"] == "validated":
            try:
                queue_import_step(upload=stored, by=request.user, step="commit", rows=summary.rows)
            except CreditError as exc:
                messages.error(request, str(exc))
        return redirect("imports:preview", upload_id=stored.id)
    try:
        result = commit_upload(upload=stored, by=request.user)
    except CreditError as exc:
        messages.error(request, str(exc))
    else:
        if not result.is_committed:  # the preview shows a committed import's summary itself
            messages.error(
                request,
                _("有 %(count)d 行有错误，没有写入任何记录。请改正后重新上传。")
                % {"count": result.error_rows},
            )
    return redirect("imports:preview", upload_id=stored.id)


@require_GET
@never_cache
@may_import
def status(request, upload_id):
    """Return an upload's progress as JSON, for the progress bar (polled every second)."""
    stored = _upload_or_404(request, upload_id)
    give_up_lost_step(upload=stored)
    current = import_status(upload=stored)
    state = current["state"]
    if current["step"] == "commit":
        done, total = current["written"], current.get("to_write") or current["rows"]
    else:
        done, total = current["validated"], current["rows"]
    percent = (
        100 if state in {"validated", "committed"} else min(99, done * 100 // total) if total else 0
    )
    return JsonResponse(
        {
            **current,
            "percent": percent,
            "is_running": state in RUNNING_STATES,
        }
    )


@require_GET
@may_import
def report(request, upload_id):
    """Download the upload's rows with each row's outcome and 错误说明, as .xlsx."""
    stored = _upload_or_404(request, upload_id)
    try:
        content = build_report(upload=stored)
    except UploadNotReady as exc:
        raise Http404(str(exc)) from None
    return _xlsx(content, _("导入结果-%(file)s.xlsx") % {"file": stored.filename.rsplit(".", 1)[0]})
