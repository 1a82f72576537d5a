"""Oversight pages: region → prefecture → county → school → teacher, against the targets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.addresses import client_address
from core.permissions import requires
from core.xlsx_export import XLSX_CONTENT_TYPE
from institutions.choices import OFFICER_ROLES, Role, SchoolType, UnitLevel
from institutions.models import AdministrativeUnit, School
from trainees.choices import CareerStage
from trainees.selectors import may_view_national_ids

from . import charts, exports
from .annual_report import ReportUnavailable, build_annual_report, report_pdf, report_xlsx
from .forms import OversightFilterForm
from .models import ProgressStatus, ProgressSummary
from .oversight import (
    SCHOOL_FILTERS,
    SORT_KEYS,
    current_school_year,
    overview_of,
    school_figures,
    school_progress,
    school_standings,
    sort_rows,
    teachers_for,
    unit_policy,
)


def unit_or_404(user, code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.restrict(user, "view").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def school_or_404(user, pk: int) -> School:
    school = School.objects.restrict(user, "view").select_related("county").filter(pk=pk).first()
    if school is None:
        raise Http404
    return school


def _trail(unit: AdministrativeUnit, user) -> list[AdministrativeUnit]:
    """The units from the top the user may open down to `unit` (the breadcrumb)."""
    codes = [code for code in unit.path.split("/") if code]
    units = {u.code: u for u in AdministrativeUnit.objects.restrict(user).filter(code__in=codes)}
    return [units[code] for code in codes if code in units]


@requires(ProgressSummary, "view")
def overview_home(request):
    """Open the user's own level: their unit's page, or a school admin's school page."""
    user = request.user
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    if user.role == Role.SCHOOL_ADMIN and user.school_id:
        return redirect(reverse("credits:school_overview", args=[user.school_id]) + query)
    if user.role in OFFICER_ROLES and user.unit_id:
        return redirect(reverse("credits:unit_overview", args=[user.unit.code]) + query)
    top = AdministrativeUnit.objects.restrict(user).filter(parent__isnull=True).order_by("code")
    if user.is_superuser and top.exists():
        if top.count() == 1:
            return redirect("credits:unit_overview", code=top.first().code)
        return render(
            request, "credits/oversight_regions.html", {"regions": top, "title": _("进度总览")}
        )
    raise PermissionDenied(_("您的账号没有可查看的辖区。"))


SCHOOL_LISTS = {
    "attention": _lazy("有风险和落后的教师"),
    "year_incomplete": _lazy("本学年未完成的教师"),
    "complete": _lazy("已完成的教师"),
    "on_track": _lazy("进度正常的教师"),
    "at_risk": _lazy("有风险的教师"),
    "behind": _lazy("落后的教师"),
}


def filter_labels(filters: dict) -> list[tuple[str, str]]:
    """The filters in the words an officer reads, for the list's heading and its export."""
    labels = []
    if filters.get("unit") is not None:
        labels.append((_("单位"), filters["unit"].name))
    if filters.get("school") is not None:
        labels.append((_("学校"), filters["school"].name))
    choices = {
        "status": (_("周期状态"), dict(ProgressStatus.choices)),
        "stage": (_("发展阶段"), dict(CareerStage.choices)),
        "school_type": (_("学校类型"), dict(SchoolType.choices)),
    }
    for name, (label, names) in choices.items():
        if filters.get(name):
            labels.append((label, str(names.get(filters[name], filters[name]))))
    if filters.get("school_year"):
        labels.append((_("学年"), filters["school_year"]))
    if filters.get("year_status"):
        labels.append(
            (_("本学年"), _("已完成") if filters["year_status"] == "complete" else _("未完成"))
        )
    if filters.get("trained"):
        labels.append(
            (_("本学年参训"), _("已参训") if filters["trained"] == "yes" else _("未参训"))
        )
    return labels


def query_without_page(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None)
    return params.urlencode()


@requires(ProgressSummary, "view")
def unit_overview(request, code):
    """A region's, prefecture's or county's page: its subordinate units against the targets."""
    unit = unit_or_404(request.user, code)
    if request.user.role == Role.SCHOOL_ADMIN:
        raise Http404
    overview = overview_of(request.user, unit, school_year=request.GET.get("year"))
    if overview is None:
        return render(
            request,
            "credits/oversight_unit.html",
            {"unit": unit, "overview": None, "title": unit.name},
        )
    sort = request.GET.get("sort", "")
    descending = request.GET.get("dir") == "desc"
    rows = sort_rows(overview.rows, sort, descending) if sort in SORT_KEYS else overview.rows
    child_level = {
        UnitLevel.REGION: _("地州市"),
        UnitLevel.PREFECTURE: _("县市区"),
        UnitLevel.COUNTY: _("学校"),
    }[unit.level]
    if request.GET.get("export") == "xlsx":
        return exports.overview_export(overview, rows, user=request.user, child_level=child_level)
    names = [row.name for row in rows]
    year_label = overview.school_year
    chart_rows = [
        charts.cached_chart(
            charts.status_bars,
            _("本周期进度状态（%）"),
            names,
            [row.cycle.shares for row in rows],
        ),
        charts.cached_chart(
            charts.rate_bars,
            _("%(year)s 学年参训率") % {"year": year_label},
            names,
            [row.year.coverage for row in rows],
            overview.targets.coverage,
        ),
    ]
    trend = charts.cached_chart(
        charts.trend_lines,
        _("各学年参训率与完成率"),
        [p.school_year for p in overview.trend],
        [
            (_("参训率"), [p.figures.coverage for p in overview.trend]),
            (_("完成率"), [p.figures.completion for p in overview.trend]),
        ],
        [
            (_("参训率目标"), overview.targets.coverage),
            (_("完成率目标"), overview.targets.completion),
        ],
    )
    base = {"unit": unit.code, "school_year": overview.school_year}
    # Links built once, not reversed per cell: a county page has hundreds of them.
    school_href = reverse("credits:school_overview", args=[1]).replace("/1/", "/{}/")
    unit_href = reverse("credits:unit_overview", args=["000000"]).replace("000000", "{}")
    for row in rows:
        if row.is_school:
            row.href = school_href.format(row.key)
        else:
            row.href = unit_href.format(row.key) + f"?year={overview.school_year}"
    return render(
        request,
        "credits/oversight_unit.html",
        {
            "unit": unit,
            "trail": _trail(unit, request.user),
            "overview": overview,
            "rows": rows,
            "child_level": child_level,
            "sort": sort,
            "descending": descending,
            "sort_query": query_without_page(request, sort=None, dir=None),
            "charts": chart_rows,
            "trend_chart": trend,
            "list_query": urlencode(base),
            "list_url": reverse("credits:teacher_list"),
            "anomalies_url": reverse("credits:anomalies"),
            "title": unit.name,
        },
    )


@requires(ProgressSummary, "view")
def school_overview(request, pk):
    """A school's page: every teacher with cycle and year standing and what each lacks."""
    school = school_or_404(request.user, pk)
    found = unit_policy(school.county)
    if found is None:
        return render(
            request,
            "credits/oversight_school.html",
            {"school": school, "standings": None, "title": school.name},
        )
    policy, spec = found
    year = current_school_year(spec)
    cycle, year_figures = school_figures(request.user, school, school_year=year)
    wanted = request.GET.get("status", "")
    if wanted not in SCHOOL_FILTERS:
        wanted = ""
    rows = school_progress(
        request.user, school, spec=spec, policy=policy, school_year=year, wanted=wanted
    )
    if request.GET.get("export") == "xlsx":
        # One chunk of teachers at a time: constant memory for a school of any size.
        def standings():
            chunk = []
            for row in rows.iterator(chunk_size=1000):
                chunk.append(row)
                if len(chunk) == 1000:
                    yield from school_standings(
                        request.user, chunk, spec=spec, policy=policy, school_year=year
                    )
                    chunk = []
            yield from school_standings(
                request.user, chunk, spec=spec, policy=policy, school_year=year
            )

        return exports.school_export(
            standings(),
            user=request.user,
            school=school,
            school_year=year,
            shown=SCHOOL_LISTS.get(wanted, _("全部教师")),
        )
    # A print of the filtered list holds every teacher; on screen, 100 a page.
    per_page = 10_000 if request.GET.get("print") else 100
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    shown = school_standings(
        request.user, page.object_list, spec=spec, policy=policy, school_year=year
    )
    progress_href = reverse("certificates:teacher_progress", args=[1]).replace("/1/", "/{}/")
    for standing in shown:
        standing.href = progress_href.format(standing.teacher_id)
    return render(
        request,
        "credits/oversight_school.html",
        {
            "school": school,
            "trail": _trail(school.county, request.user),
            "policy": policy,
            "targets": policy,
            "school_year": year,
            "cycle": cycle,
            "year": year_figures,
            "standings": shown,
            "page": page,
            "printing": bool(request.GET.get("print")),
            "done_text": _("已完成"),
            "open_text": _("未完成"),
            "query": query_without_page(request),
            "all_count": cycle.teachers,
            "wanted": wanted,
            "year_end": spec.cycle_end,
            "title": school.name,
        },
    )


@requires(ProgressSummary, "view")
def teacher_list(request):
    """The teachers behind a figure: the filters come from the link that was followed."""
    form = OversightFilterForm(request.GET)
    filters = form.filters()
    if "unit" in filters:
        filters["unit"] = unit_or_404(request.user, filters["unit"])
    if "school" in filters:
        filters["school"] = school_or_404(request.user, filters["school"])
    rows = teachers_for(request.user, filters)
    if request.GET.get("export") == "xlsx":
        return exports.teacher_list_export(
            rows,
            user=request.user,
            filters=filter_labels(filters),
            # Whole numbers only on a POST (a form with its CSRF token): the export is logged
            # as a disclosure of every teacher in it, which a forged link must not cause.
            whole_ids=request.method == "POST" and request.POST.get("ids") == "whole",
            path=request.get_full_path(),
            address=client_address(request),
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "credits/oversight_teachers.html",
        {
            "page": page,
            "filters": filters,
            "status_label": ProgressStatus(filters["status"]).label if "status" in filters else "",
            "filter_labels": filter_labels(filters),
            "may_view_ids": may_view_national_ids(request.user),
            "query": query_without_page(request),
            "title": _("教师名单"),
        },
    )


@requires(ProgressSummary, "view")
def annual_report(request, code):
    """The unit's 年度继续教育工作报告 for a school year, as .xlsx or PDF (officers only)."""
    unit = unit_or_404(request.user, code)
    if request.user.role == Role.SCHOOL_ADMIN:
        raise Http404
    year = request.GET.get("year", "")
    found = unit_policy(unit)
    if not year and found is not None:
        year = current_school_year(found[1])
    kind = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    try:
        report = build_annual_report(
            request.user, unit, year, made_by=exports.exporter_label(request.user)
        )
    except ReportUnavailable as error:
        raise Http404(str(error)) from error
    name = f"{unit.name}{year}学年继续教育工作报告.{kind}"
    if kind == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
