"""年度继续教育工作报告: a unit's school year for the level above (004 七; 000 三(二)1).

Per subordinate unit: teachers, trained, coverage, completion, credits by project tier and
delivery mode, anomalies found and handled, against the policy's targets; the same figures as
the overview (`credits.oversight`), so the report and the page never disagree. Written as an
.xlsx workbook (XlsxWriter, with a native Excel chart) and as a printable PDF (WeasyPrint, with
the pygal charts of the pages).
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from xlsxwriter import Workbook

from institutions.choices import UnitLevel
from institutions.models import AdministrativeUnit
from projects.choices import Mode, Tier

from . import charts, rules
from .models import AuditAnomaly
from .oversight import Figures, Overview, Targets, overview_of, ratio
from .selectors import policy_spec

TIERS = [str(t) for t in Tier]
MODES = [str(m) for m in Mode]


class ReportUnavailable(Exception):
    """No policy applies to the unit, or the school year is not one of its cycle."""


@dataclass
class ReportLine:
    """One subordinate unit's school year (or the whole unit's, for the total line)."""

    name: str
    year: Figures
    cycle: Figures
    anomalies_found: int = 0
    anomalies_handled: int = 0

    def credits_by_tier(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for kind, value in self.year.credits_by_kind.items():
            totals[kind.split("/")[0]] += value
        return totals

    def credits_by_mode(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for kind, value in self.year.credits_by_kind.items():
            totals[kind.split("/")[-1]] += value
        return totals


@dataclass
class AnnualReport:
    unit: AdministrativeUnit
    school_year: str
    starts_on: datetime.date
    ends_on: datetime.date
    policy_name: str
    targets: Targets
    has_year_rows: bool
    child_level: str
    lines: list[ReportLine]
    total: ReportLine
    overview: Overview
    made_by: str
    made_at: datetime.datetime
    tier_labels: list[tuple[str, str]] = field(default_factory=list)
    mode_labels: list[tuple[str, str]] = field(default_factory=list)

    @property
    def completion(self) -> Decimal | None:
        return self.total.year.completion if self.has_year_rows else self.total.cycle.completion

    def indicators(self) -> list[tuple[str, str, str, str]]:
        """(indicator, actual, target, met?) rows of the report's first table."""

        def pct(value):
            return "—" if value is None else f"{value}%"

        def met(value, target):
            if value is None:
                return _("无数据")
            return _("达标") if value >= target else _("未达标")

        t, year = self.targets, self.total.year
        completion_label = _("学年完成率") if self.has_year_rows else _("周期完成率")
        return [
            (_("教师总数"), f"{year.teachers}", "", ""),
            (_("本学年参训人数"), f"{year.trained}", "", ""),
            (
                _("参训率"),
                pct(year.coverage),
                f"≥ {t.coverage.normalize():f}%",
                met(year.coverage, t.coverage),
            ),
            (
                completion_label,
                pct(self.completion),
                f"≥ {t.completion.normalize():f}%",
                met(self.completion, t.completion),
            ),
            (_("满意率"), _("暂无培训评价"), f"≥ {t.satisfaction.normalize():f}%", _("无数据")),
            (_("认定学分合计"), f"{year.credits.normalize():f}", "", ""),
            (_("人均认定学分"), f"{year.average_credits or 0}", "", ""),
            (_("核查发现异常"), f"{self.total.anomalies_found}", "", ""),
            (_("已处理异常"), f"{self.total.anomalies_handled}", "", ""),
        ]


def build_annual_report(
    user, unit: AdministrativeUnit, school_year: str, *, made_by: str
) -> AnnualReport:
    """Return the report of `unit` for `school_year`, as `user` may see it."""
    overview = overview_of(user, unit, school_year=school_year)
    if overview is None:
        raise ReportUnavailable(_("没有适用于%(unit)s的学分政策。") % {"unit": unit.name})
    if overview.school_year != school_year:
        raise ReportUnavailable(
            _("%(year)s 不是本周期的学年（%(years)s）。")
            % {"year": school_year, "years": "、".join(overview.school_years)}
        )
    spec = policy_spec(overview.policy)
    starts_on, ends_on = rules.school_year_bounds(school_year, spec)
    found = _anomalies_by_child(user, unit, starts_on, ends_on)
    lines = [
        ReportLine(
            name=row.name,
            year=row.year,
            cycle=row.cycle,
            anomalies_found=found[row.key][0],
            anomalies_handled=found[row.key][1],
        )
        for row in overview.rows
    ]
    total = ReportLine(
        name=_("合计"),
        year=overview.year,
        cycle=overview.cycle,
        anomalies_found=sum(line.anomalies_found for line in lines),
        anomalies_handled=sum(line.anomalies_handled for line in lines),
    )
    child_level = {
        UnitLevel.REGION: _("地州市"),
        UnitLevel.PREFECTURE: _("县市区"),
        UnitLevel.COUNTY: _("学校"),
    }[unit.level]
    return AnnualReport(
        unit=unit,
        school_year=school_year,
        starts_on=starts_on,
        ends_on=ends_on,
        policy_name=overview.policy.name,
        targets=overview.targets,
        has_year_rows=overview.has_year_rows,
        child_level=child_level,
        lines=lines,
        total=total,
        overview=overview,
        made_by=made_by,
        made_at=timezone.now(),
        tier_labels=[(str(t), str(t.label)) for t in Tier],
        mode_labels=[(str(m), str(m.label)) for m in Mode],
    )


def _anomalies_by_child(user, unit, starts_on, ends_on) -> dict[str, tuple[int, int]]:
    """Anomalies found in the school year, and of those the handled, by subordinate unit."""
    rows = AuditAnomaly.objects.restrict(user, "view").filter(
        county__path__startswith=unit.path,
        found_at__date__gte=starts_on,
        found_at__date__lte=ends_on,
    )
    result: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    counts = Count("pk"), Count("pk", filter=Q(is_resolved=True))
    if unit.level == UnitLevel.COUNTY:
        grouped = rows.values("teacher__school_id").annotate(found=counts[0], handled=counts[1])
        for item in grouped.order_by():
            result[str(item["teacher__school_id"])] = (item["found"], item["handled"])
        return result
    depth = len(unit.path.strip("/").split("/"))
    grouped = rows.values("county__path").annotate(found=counts[0], handled=counts[1])
    for item in grouped.order_by():
        key = item["county__path"].strip("/").split("/")[depth]
        found, handled = result[key]
        result[key] = (found + item["found"], handled + item["handled"])
    return result


# -- the workbook -------------------------------------------------------------------------------
def report_xlsx(report: AnnualReport) -> bytes:
    """Return the report as an .xlsx workbook: overview, subordinate units, credit mix."""
    output = io.BytesIO()
    with translation.override("zh-hans"):
        workbook = Workbook(output, {"in_memory": True, "strings_to_formulas": False})
        workbook.set_properties(
            {
                "title": _title(report),
                "author": report.made_by,
                "created": report.made_at.replace(tzinfo=None),
            }
        )
        fmt = _formats(workbook)
        _sheet_overview(workbook, fmt, report)
        _sheet_units(workbook, fmt, report)
        _sheet_credit_mix(workbook, fmt, report)
        workbook.close()
    return output.getvalue()


def _title(report: AnnualReport) -> str:
    return _("%(unit)s %(year)s 学年继续教育工作报告") % {
        "unit": report.unit.name,
        "year": report.school_year,
    }


def _formats(workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 16}),
        "header": workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1}),
        "text": workbook.add_format({"border": 1}),
        "int": workbook.add_format({"border": 1, "num_format": "#,##0"}),
        "decimal": workbook.add_format({"border": 1, "num_format": "#,##0.00"}),
        "percent": workbook.add_format({"border": 1, "num_format": "0.0%"}),
        "total": workbook.add_format({"bold": True, "border": 1}),
        "bad": workbook.add_format({"border": 1, "font_color": "#B3261E", "bold": True}),
        "good": workbook.add_format({"border": 1, "font_color": "#1E7D45"}),
    }


def _heading(sheet, fmt, report: AnnualReport, subtitle: str) -> int:
    sheet.write_string(0, 0, _title(report), fmt["title"])
    sheet.write_string(1, 0, subtitle)
    sheet.write_string(
        2,
        0,
        _("学年：%(start)s 至 %(end)s；政策：%(policy)s；制表：%(by)s，%(at)s")
        % {
            "start": report.starts_on.isoformat(),
            "end": report.ends_on.isoformat(),
            "policy": report.policy_name,
            "by": report.made_by,
            "at": timezone.localtime(report.made_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return 4


def _sheet_overview(workbook, fmt, report: AnnualReport) -> None:
    sheet = workbook.add_worksheet(_("报告概况"))
    row = _heading(sheet, fmt, report, _("一、主要指标与目标"))
    for col, header in enumerate((_("指标"), _("本学年"), _("目标"), _("是否达标"))):
        sheet.write_string(row, col, header, fmt["header"])
    for indicator, actual, target, met in report.indicators():
        row += 1
        sheet.write_string(row, 0, indicator, fmt["text"])
        sheet.write_string(row, 1, actual, fmt["text"])
        sheet.write_string(row, 2, target, fmt["text"])
        style = (
            fmt["bad"] if met == _("未达标") else fmt["good"] if met == _("达标") else fmt["text"]
        )
        sheet.write_string(row, 3, met, style)
    row += 2
    sheet.write_string(row, 0, _("目标依据：%(source)s") % {"source": report.targets.source})
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 16)


def _sheet_units(workbook, fmt, report: AnnualReport) -> None:
    sheet = workbook.add_worksheet(_("各单位情况"))
    row = _heading(sheet, fmt, report, _("二、各%(level)s情况") % {"level": report.child_level})
    headers = [
        report.child_level,
        _("教师"),
        _("参训人数"),
        _("参训率"),
        _("应修人数"),
        _("完成人数"),
        _("完成率"),
        _("认定学分"),
        *[_("%(tier)s学分") % {"tier": label} for _key, label in report.tier_labels],
        _("发现异常"),
        _("已处理异常"),
    ]
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, fmt["header"])
    header_row = row
    for line in [*report.lines, report.total]:
        row += 1
        is_total = line is report.total
        tiers = line.credits_by_tier()
        values = [
            (line.name, "total" if is_total else "text"),
            (line.year.teachers, "int"),
            (line.year.trained, "int"),
            (_ratio(line.year.coverage), "percent"),
            (line.year.owing, "int"),
            (line.year.complete, "int"),
            (_ratio(line.year.completion), "percent"),
            (line.year.credits, "decimal"),
            *[(tiers.get(key, Decimal(0)), "decimal") for key, _label in report.tier_labels],
            (line.anomalies_found, "int"),
            (line.anomalies_handled, "int"),
        ]
        for col, (value, kind) in enumerate(values):
            if kind in ("text", "total"):
                sheet.write_string(row, col, value, fmt[kind])
            elif value is None:
                sheet.write_blank(row, col, None, fmt["text"])
            else:
                sheet.write_number(row, col, float(value), fmt[kind])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, len(headers) - 1, 11)
    sheet.freeze_panes(header_row + 1, 1)
    if report.lines:
        chart = workbook.add_chart({"type": "bar"})
        first, last = header_row + 1, header_row + len(report.lines)
        chart.add_series(
            {
                "name": _("参训率"),
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, 3, last, 3],
            }
        )
        chart.add_series(
            {
                "name": _("完成率"),
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, 6, last, 6],
            }
        )
        chart.set_title({"name": _("各%(level)s参训率与完成率") % {"level": report.child_level}})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_size({"width": 720, "height": 120 + 28 * len(report.lines)})
        sheet.insert_chart(row + 2, 0, chart)


def _sheet_credit_mix(workbook, fmt, report: AnnualReport) -> None:
    sheet = workbook.add_worksheet(_("学分构成"))
    row = _heading(sheet, fmt, report, _("三、认定学分按项目级别和培训形式"))
    sheet.write_string(row, 0, _("项目级别"), fmt["header"])
    for col, (_key, label) in enumerate(report.mode_labels, start=1):
        sheet.write_string(row, col, label, fmt["header"])
    sheet.write_string(row, len(report.mode_labels) + 1, _("合计"), fmt["header"])
    kinds = report.total.year.credits_by_kind
    for tier, tier_label in report.tier_labels:
        row += 1
        sheet.write_string(row, 0, tier_label, fmt["text"])
        total = Decimal(0)
        for col, (mode, _label) in enumerate(report.mode_labels, start=1):
            value = kinds.get(f"{tier}/{mode}", Decimal(0))
            total += value
            sheet.write_number(row, col, float(value), fmt["decimal"])
        sheet.write_number(row, len(report.mode_labels) + 1, float(total), fmt["decimal"])
    sheet.set_column(0, len(report.mode_labels) + 1, 14)


def _ratio(percent: Decimal | None) -> Decimal | None:
    return None if percent is None else percent / 100


# -- the PDF ------------------------------------------------------------------------------------
def report_charts(report: AnnualReport) -> list[str]:
    """The report's charts as SVG data URIs: coverage and completion by unit, status, trend."""
    names = [line.name for line in report.lines]
    overview = report.overview
    return [
        charts.as_data_uri(
            charts.rate_bars(
                _("各%(level)s参训率") % {"level": report.child_level},
                names,
                [line.year.coverage for line in report.lines],
                report.targets.coverage,
            )
        ),
        charts.as_data_uri(
            charts.rate_bars(
                _("各%(level)s学年完成率") % {"level": report.child_level},
                names,
                [line.year.completion for line in report.lines],
                report.targets.completion,
            )
        ),
        charts.as_data_uri(
            charts.status_bars(
                _("本周期进度状态（%）"), names, [line.cycle.shares for line in report.lines]
            )
        ),
        charts.as_data_uri(
            charts.trend_lines(
                _("各学年参训率与完成率"),
                [p.school_year for p in overview.trend],
                [
                    (_("参训率"), [p.figures.coverage for p in overview.trend]),
                    (_("完成率"), [p.figures.completion for p in overview.trend]),
                ],
                [(_("参训率目标"), report.targets.coverage)],
            )
        ),
    ]


def report_pdf(report: AnnualReport) -> bytes:
    """Return the report as a printable A4 PDF with its charts, in Chinese."""
    from weasyprint import HTML  # native libraries: loaded only when a PDF is made
    from weasyprint.urls import URLFetcher

    with translation.override("zh-hans"):
        html = render_to_string(
            "credits/annual_report_pdf.html",
            {
                "report": report,
                "title": _title(report),
                "indicators": report.indicators(),
                "charts": report_charts(report),
                "tier_rows": _tier_rows(report),
                "made_at": timezone.localtime(report.made_at),
            },
        )
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def _tier_rows(report: AnnualReport) -> list[tuple[str, list[Decimal], Decimal]]:
    kinds = report.total.year.credits_by_kind
    rows = []
    for tier, label in report.tier_labels:
        values = [kinds.get(f"{tier}/{mode}", Decimal(0)) for mode, _label in report.mode_labels]
        rows.append((label, values, sum(values, Decimal(0))))
    return rows


__all__ = [
    "AnnualReport",
    "ReportUnavailable",
    "build_annual_report",
    "ratio",
    "report_pdf",
    "report_xlsx",
]
