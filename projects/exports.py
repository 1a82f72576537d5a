"""The project list as .xlsx: exactly the projects its filters show, in constant memory."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _

from core.xlsx_export import Column, choice_labels, exporter_label, xlsx_response

from .choices import Category, Mode, ReviewStatus, Tier


def projects_export(rows: QuerySet, *, user, title: str | None = None) -> FileResponse:
    labels = {
        "tier": choice_labels(Tier),
        "mode": choice_labels(Mode),
        "category": choice_labels(Category),
        "review": choice_labels(ReviewStatus),
    }
    columns = (
        Column(_("项目编号"), width=12),
        Column(_("项目名称"), width=34),
        Column(_("项目级别"), width=12),
        Column(_("发文单位"), width=16),
        Column(_("承训机构"), width=20),
        Column(_("培训形式"), width=10),
        Column(_("课程类别"), width=14),
        Column(_("计划学时"), kind="decimal", width=9),
        Column(_("开始日期"), kind="date", width=12),
        Column(_("结束日期"), kind="date", width=12),
        Column(_("审核状态"), width=10),
    )
    values = rows.values_list(
        "code",
        "name",
        "tier",
        "issuing_unit__name",
        "institution__name",
        "mode",
        "category",
        "hours",
        "starts_on",
        "ends_on",
        "review_status",
    ).iterator(chunk_size=2000)
    lines = (
        (
            code,
            name,
            str(labels["tier"].get(tier, tier)),
            issuer or "",
            institution or "",
            str(labels["mode"].get(mode, mode)),
            str(labels["category"].get(category, category)),
            hours,
            starts,
            ends,
            str(labels["review"].get(review, review)),
        )
        for (
            code,
            name,
            tier,
            issuer,
            institution,
            mode,
            category,
            hours,
            starts,
            ends,
            review,
        ) in values
    )
    title = title or _("培训项目")
    return xlsx_response(
        filename=f"{title}.xlsx",
        title=title,
        columns=columns,
        rows=lines,
        exported_by=exporter_label(user),
    )
