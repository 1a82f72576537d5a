"""Write a unit's 年度继续教育工作报告 for a school year as .xlsx or PDF.

python manage.py annual_report --unit 650000 --year 2025-2026 --format pdf --output 报告.pdf
"""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from credits.annual_report import (
    ReportUnavailable,
    build_annual_report,
    report_pdf,
    report_xlsx,
)
from institutions.models import AdministrativeUnit


class Command(BaseCommand):
    help = "生成某单位某学年的年度继续教育工作报告（.xlsx 或 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="行政区划代码，如 650000")
        parser.add_argument("--year", required=True, help="学年，如 2025-2026")
        parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
        parser.add_argument("--output", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        code, year = options["unit"], options["year"]
        if not re.fullmatch(r"\d{6}", code):
            raise CommandError(f"行政区划代码应为6位数字：{code!r}")
        if not re.fullmatch(r"\d{4}-\d{4}", year):
            raise CommandError(f"学年应写作 YYYY-YYYY，如 2025-2026：{year!r}")
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"没有行政区划代码为 {code} 的单位。")
        # The command is run by the operator on the server: it reads every row, as a superuser
        # does; the account is never saved.
        operator = get_user_model()(username="manage.py", is_superuser=True)
        try:
            report = build_annual_report(operator, unit, year, made_by="manage.py annual_report")
        except ReportUnavailable as error:
            raise CommandError(str(error)) from error
        data = report_pdf(report) if options["format"] == "pdf" else report_xlsx(report)
        output = Path(options["output"])
        output.write_bytes(data)
        self.stdout.write(
            f"已生成 {unit.name} {year} 学年报告：{output}（{len(data):,} 字节，"
            f"{len(report.lines)} 个下级单位）"
        )
