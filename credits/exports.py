"""Excel exports of the oversight lists: exactly the rows the page's filters show.

Each export reads the same restricted, filtered queryset as its page, row by row
(`iterator()`), and writes it with `core.xlsx_export` in constant memory. ID numbers are masked
(650102********1234); an account that may see whole numbers can ask for them, and then every
teacher exported is written to the disclosure log (PIPL; channel 导出), as a page reveal is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.xlsx_export import Column, choice_labels, exporter_label, xlsx_response
from trainees.choices import CareerStage, DisclosureChannel
from trainees.national_id import mask_id_number
from trainees.selectors import may_view_national_ids
from trainees.services import record_national_id_disclosures

from .models import AnomalyKind, ProgressStatus
from .oversight import Overview, Row, TeacherStanding

CHUNK = 2000
HUNDRED = Decimal(100)


def _share(value: Decimal | None) -> Decimal | None:
    """A page's percentage (96.5) as the 0..1 ratio a percent cell holds."""
    return None if value is None else value / HUNDRED


def _disclosed(
    rows: Iterable[tuple], *, teacher_index: int, by, path: str, address: str | None
) -> Iterator[tuple]:
    """Pass rows through, logging their teachers' whole ID numbers as disclosed, in batches."""
    batch: list[int] = []
    for row in rows:
        batch.append(row[teacher_index])
        if len(batch) >= CHUNK:
            record_national_id_disclosures(
                teacher_ids=batch,
                by=by,
                channel=DisclosureChannel.EXPORT,
                path=path,
                address=address,
            )
            batch = []
        yield row
    if batch:
        record_national_id_disclosures(
            teacher_ids=batch, by=by, channel=DisclosureChannel.EXPORT, path=path, address=address
        )


def teacher_columns() -> tuple[Column, ...]:
    return (
        Column(_("姓名"), width=10),
        Column(_("身份证号"), width=20),
        Column(_("学校"), width=26),
        Column(_("县市区"), width=12),
        Column(_("发展阶段"), width=14),
        Column(_("周期状态"), width=10),
        Column(_("已计学分"), kind="decimal", width=10),
        Column(_("应修学分"), kind="decimal", width=10),
        Column(_("新任教师"), width=8),
    )


def teacher_list_export(
    rows: QuerySet,
    *,
    user,
    filters: Sequence[tuple[str, str]],
    whole_ids: bool,
    path: str,
    address: str | None,
) -> FileResponse:
    """The teachers behind a figure (`oversight.teachers_for`), one row each."""
    whole_ids = whole_ids and may_view_national_ids(user)
    stages = choice_labels(CareerStage)
    statuses = choice_labels(ProgressStatus)
    values = rows.values_list(
        "teacher_id",
        "teacher__name",
        "teacher__id_number",
        "teacher__school__name",
        "teacher__school__county__name",
        "teacher__career_stage",
        "status",
        "counted_total",
        "required_total",
        "is_new_teacher",
    ).iterator(chunk_size=CHUNK)
    if whole_ids:
        values = _disclosed(values, teacher_index=0, by=user, path=path, address=address)
    yes, no = _("是"), _("否")

    def lines():
        for _pk, name, id_number, school, county, stage, status, counted, required, new in values:
            yield (
                name,
                id_number if whole_ids else mask_id_number(id_number),
                school,
                county,
                str(stages.get(stage, stage)),
                str(statuses.get(status, status)),
                counted,
                required,
                yes if new else no,
            )

    return xlsx_response(
        filename=_("教师名单.xlsx"),
        title=_("教师学分进度名单"),
        columns=teacher_columns(),
        rows=lines(),
        exported_by=exporter_label(user),
        filters=[*filters, (_("身份证号"), _("完整") if whole_ids else _("已遮盖"))],
    )


def overview_export(
    overview: Overview, rows: Sequence[Row], *, user, child_level: str
) -> FileResponse:
    """A level's table: one row per subordinate unit, with the totals and the targets."""
    columns = (
        Column(child_level, width=24),
        Column(_("教师"), kind="int", width=8),
        Column(_("已完成"), kind="int", width=8),
        Column(_("进度正常"), kind="int", width=8),
        Column(_("有风险"), kind="int", width=8),
        Column(_("落后"), kind="int", width=8),
        Column(_("本学年参训人数"), kind="int", width=10),
        Column(_("参训率"), kind="percent", width=9),
        Column(_("本学年应修"), kind="int", width=10),
        Column(_("本学年完成"), kind="int", width=10),
        Column(_("学年完成率"), kind="percent", width=10),
        Column(_("周期完成率"), kind="percent", width=10),
        Column(_("本学年认定学分"), kind="decimal", width=12),
        Column(_("待处理异常"), kind="int", width=10),
    )

    def line(name, cycle, year, anomalies):
        return (
            name,
            cycle.teachers,
            cycle.complete,
            cycle.on_track,
            cycle.at_risk,
            cycle.behind,
            year.trained,
            _share(year.coverage),
            year.owing,
            year.complete,
            _share(year.completion),
            _share(cycle.completion),
            year.credits,
            anomalies,
        )

    lines = [line(row.name, row.cycle, row.year, row.anomalies) for row in rows]
    lines.append(line(_("合计"), overview.cycle, overview.year, overview.anomalies))
    targets = overview.targets
    return xlsx_response(
        filename=_("%(unit)s进度总览%(year)s.xlsx")
        % {"unit": overview.unit.name, "year": overview.school_year},
        title=_("%(unit)s %(year)s 学年继续教育进度总览")
        % {"unit": overview.unit.name, "year": overview.school_year},
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
        filters=[
            (_("单位"), overview.unit.name),
            (_("学年"), overview.school_year),
            (
                _("目标"),
                _("参训率≥%(c)s%%，完成率≥%(d)s%%，满意率≥%(s)s%%（%(source)s）")
                % {
                    "c": f"{targets.coverage.normalize():f}",
                    "d": f"{targets.completion.normalize():f}",
                    "s": f"{targets.satisfaction.normalize():f}",
                    "source": targets.source,
                },
            ),
        ],
    )


def school_export(
    standings: Sequence[TeacherStanding], *, user, school, school_year: str, shown: str
) -> FileResponse:
    """The school's teachers with cycle and year standing and what each lacks, by when."""
    columns = (
        Column(_("姓名"), width=10),
        Column(_("发展阶段"), width=14),
        Column(_("周期状态"), width=10),
        Column(_("已计学分"), kind="decimal", width=10),
        Column(_("应修学分"), kind="decimal", width=10),
        Column(_("本学年"), width=10),
        Column(_("还差（截止日期）"), width=60),
    )
    year_text = {None: "—", True: _("已完成"), False: _("未完成")}
    lines = (
        (
            s.name,
            s.stage,
            s.status_label,
            s.counted,
            s.required,
            year_text[s.year_complete],
            "；".join(
                _("%(row)s %(short)s（%(due)s前）")
                % {"row": label, "short": f"{short:f}", "due": due.isoformat()}
                for label, short, due in s.lacks
            ),
        )
        for s in standings
    )
    return xlsx_response(
        filename=_("%(school)s教师学分进度.xlsx") % {"school": school.name},
        title=_("%(school)s %(year)s 学年教师学分进度")
        % {"school": school.name, "year": school_year},
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
        filters=[(_("学校"), school.name), (_("名单"), shown)],
    )


def anomalies_export(rows: QuerySet, *, user, filters: Sequence[tuple[str, str]]) -> FileResponse:
    """The anomaly list as filtered on its page."""
    kinds = choice_labels(AnomalyKind)
    columns = (
        Column(_("类型"), width=16),
        Column(_("县市区"), width=12),
        Column(_("学校"), width=24),
        Column(_("教师"), width=10),
        Column(_("说明"), width=50),
        Column(_("发现日期"), kind="date", width=12),
        Column(_("状态"), width=8),
        Column(_("处理人"), width=12),
        Column(_("处理日期"), kind="date", width=12),
    )
    values = rows.values_list(
        "kind",
        "county__name",
        "teacher__school__name",
        "teacher__name",
        "detail",
        "found_at",
        "is_resolved",
        "resolved_by__username",
        "resolved_at",
    ).iterator(chunk_size=CHUNK)

    def day(moment):
        return None if moment is None else timezone.localdate(moment)

    lines = (
        (
            str(kinds.get(kind, kind)),
            county,
            school,
            teacher,
            detail,
            day(found),
            _("已处理") if resolved else _("待处理"),
            by or "",
            day(resolved_at),
        )
        for kind, county, school, teacher, detail, found, resolved, by, resolved_at in values
    )
    return xlsx_response(
        filename=_("核查异常.xlsx"),
        title=_("核查异常清单"),
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
        filters=filters,
    )


def records_export(rows: QuerySet, *, user, filters: Sequence[tuple[str, str]]) -> FileResponse:
    """The training records as filtered on the records page (ID numbers masked)."""
    from projects.choices import Category, Grade, Mode, RecordRole, RecordStatus, Tier

    labels = {
        "tier": choice_labels(Tier),
        "mode": choice_labels(Mode),
        "category": choice_labels(Category),
        "grade": choice_labels(Grade),
        "role": choice_labels(RecordRole),
        "status": choice_labels(RecordStatus),
    }
    columns = (
        Column(_("姓名"), width=10),
        Column(_("身份证号"), width=20),
        Column(_("学校"), width=24),
        Column(_("培训项目"), width=30),
        Column(_("项目级别"), width=12),
        Column(_("培训形式"), width=10),
        Column(_("课程类别"), width=14),
        Column(_("参训学时"), kind="decimal", width=9),
        Column(_("请假学时"), kind="decimal", width=9),
        Column(_("考核等次"), width=8),
        Column(_("角色"), width=8),
        Column(_("完成日期"), kind="date", width=12),
        Column(_("状态"), width=8),
        Column(_("退回原因"), width=24),
    )
    values = rows.values_list(
        "teacher__name",
        "teacher__id_number",
        "teacher__school__name",
        "project__name",
        "project__tier",
        "project__mode",
        "project__category",
        "hours",
        "leave_hours",
        "grade",
        "role",
        "completed_on",
        "status",
        "reject_reason",
    ).iterator(chunk_size=CHUNK)

    def label(kind, value):
        return str(labels[kind].get(value, value)) if value else ""

    lines = (
        (
            name,
            mask_id_number(id_number),
            school,
            project,
            label("tier", tier),
            label("mode", mode),
            label("category", category),
            hours,
            leave,
            label("grade", grade),
            label("role", role),
            completed,
            label("status", status),
            reason,
        )
        for (
            name,
            id_number,
            school,
            project,
            tier,
            mode,
            category,
            hours,
            leave,
            grade,
            role,
            completed,
            status,
            reason,
        ) in values
    )
    return xlsx_response(
        filename=_("培训记录.xlsx"),
        title=_("培训记录"),
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
        filters=[*filters, (_("身份证号"), _("已遮盖"))],
    )


def ledger_export(rows: QuerySet, *, user) -> FileResponse:
    """The credit ledger as the user's role sees it, newest first."""
    from projects.choices import Category

    from .models import EntryType

    categories = choice_labels(Category)
    kinds = choice_labels(EntryType)
    columns = (
        Column(_("姓名"), width=10),
        Column(_("身份证号"), width=20),
        Column(_("培训项目"), width=30),
        Column(_("学年"), width=11),
        Column(_("课程类别"), width=14),
        Column(_("有效学时"), kind="decimal", width=9),
        Column(_("基础学分"), kind="decimal", width=9),
        Column(_("加分"), kind="decimal", width=8),
        Column(_("学分"), kind="decimal", width=8),
        Column(_("类型"), width=8),
        Column(_("完成日期"), kind="date", width=12),
        Column(_("认定日期"), kind="date", width=12),
        Column(_("计算说明"), width=50),
    )
    values = rows.values_list(
        "teacher__name",
        "teacher__id_number",
        "record__project__name",
        "school_year",
        "category",
        "effective_hours",
        "base",
        "bonus",
        "credits",
        "entry_type",
        "occurred_on",
        "posted_at",
        "explanation",
    ).iterator(chunk_size=CHUNK)
    lines = (
        (
            name,
            mask_id_number(id_number),
            project or "",
            year,
            str(categories.get(category, category)),
            hours,
            base,
            bonus,
            credits,
            str(kinds.get(kind, kind)),
            occurred,
            timezone.localdate(posted),
            explanation,
        )
        for (
            name,
            id_number,
            project,
            year,
            category,
            hours,
            base,
            bonus,
            credits,
            kind,
            occurred,
            posted,
            explanation,
        ) in values
    )
    return xlsx_response(
        filename=_("学分台账.xlsx"),
        title=_("学分台账"),
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
        filters=[(_("身份证号"), _("已遮盖"))],
    )
