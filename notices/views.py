"""The notices page: every notice of the signed-in account, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .selectors import notices_for
from .services import mark_read

PAGE_SIZE = 30


@require_safe
@login_required
def notice_list(request):
    page = Paginator(notices_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/notice_list.html", {"page": page, "title": _("通知")})


@require_POST
@login_required
def notice_open(request, pk):
    """Mark one of the user's notices read and go where it leads."""
    notice = notices_for(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    mark_read(user=request.user, notice_ids=[notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notices:list")


@require_POST
@login_required
def notices_read_all(request):
    mark_read(user=request.user)
    return redirect("notices:list")
