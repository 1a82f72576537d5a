"""Pages of the trainees app: one teacher's whole ID number on request, and the log of that."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.addresses import client_address
from core.permissions import requires
from core.xlsx_export import Column, choice_labels, exporter_label, xlsx_response

from .choices import DisclosureChannel
from .errors import NationalIdNotPermitted, TeacherNotFound
from .filtersets import NationalIdDisclosureFilterSet
from .models import NationalIdDisclosure
from .national_id import mask_id_number
from .selectors import national_id_disclosures_for
from .services import reveal_national_id

LOG_PAGE_SIZE = 50


def _source_path(request) -> str:
    """Return the path of the page the 显示 button was on (its `from`, else the Referer).

    Only a URL on this site counts; anything else gives "".
    """
    source = request.POST.get("from") or request.headers.get("Referer") or ""
    if not url_has_allowed_host_and_scheme(
        source,
        allowed_hosts={request.get_host(), *settings.ALLOWED_HOSTS},
        require_https=request.is_secure(),
    ):
        return ""
    return urlsplit(source).path


@require_POST
@never_cache
def national_id_reveal(request, pk):
    """Show one teacher's whole ID number to a role that may see it, and log the showing.

    A POST from the 显示 button (CSRF-protected). 403 for roles without view_national_id, 404
    for a teacher outside the jurisdiction; the button's script asks for JSON.
    """
    if not request.user.is_authenticated:
        raise PermissionDenied
    source = _source_path(request)
    is_admin = source.startswith(reverse("admin:index"))
    try:
        revealed = reveal_national_id(
            teacher_id=pk,
            by=request.user,
            channel=DisclosureChannel.ADMIN if is_admin else DisclosureChannel.PAGE,
            path=source,
            address=client_address(request),
        )
    except NationalIdNotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except TeacherNotFound as exc:
        raise Http404(str(exc)) from None
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "teacher": revealed.teacher.pk,
                "id_number": revealed.id_number,
                "disclosed_at": revealed.disclosure.disclosed_at.isoformat(),
            }
        )
    return render(
        request,
        "trainees/national_id_reveal.html",
        {
            "teacher": revealed.teacher,
            "id_number": revealed.id_number,
            "disclosure": revealed.disclosure,
            "back": source,
            "title": _("完整身份证号码"),
        },
    )


@require_GET
@requires(NationalIdDisclosure, "view")
def national_id_log(request):
    """List who saw whose whole ID number, when and where, inside the user's jurisdiction."""
    filterset = NationalIdDisclosureFilterSet(request.GET, NationalIdDisclosure.objects.none())
    rows = national_id_disclosures_for(request.user, filters=request.GET)
    if request.GET.get("export") == "xlsx":
        return _disclosures_export(rows, user=request.user)
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trainees/nationaliddisclosure_list.html",
        {
            "page": page,
            "filter_form": filterset.form,
            "query": query.urlencode(),
            "title": _("身份证号码查看记录"),
        },
    )


def _disclosures_export(rows, *, user):
    """The disclosure log as filtered, for the bureau's PIPL records (numbers stay masked)."""
    channels = choice_labels(DisclosureChannel)
    values = rows.values_list(
        "disclosed_at",
        "viewer__username",
        "teacher__name",
        "teacher__id_number",
        "teacher__school__name",
        "channel",
        "api_client__name",
        "path",
        "address",
    ).iterator(chunk_size=2000)
    lines = (
        (
            timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
            viewer,
            name,
            mask_id_number(id_number),
            school,
            str(channels.get(channel, channel)),
            client or "",
            path,
            address or "",
        )
        for at, viewer, name, id_number, school, channel, client, path, address in values
    )
    return xlsx_response(
        filename=_("身份证号码查看记录.xlsx"),
        title=_("身份证号码查看记录"),
        columns=(
            Column(_("查看时间"), width=20),
            Column(_("查看人"), width=14),
            Column(_("教师"), width=10),
            Column(_("身份证号"), width=20),
            Column(_("学校"), width=24),
            Column(_("渠道"), width=8),
            Column(_("接口客户端"), width=16),
            Column(_("位置"), width=40),
            Column(_("访问地址"), width=16),
        ),
        rows=lines,
        exported_by=exporter_label(user),
    )
