"""The annual report opens in Excel and renders as a PDF with Chinese text and charts."""

from __future__ import annotations

import io
import shutil
import subprocess  # nosec B404: pdftotext reads back the test's own PDF
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from credits.annual_report import build_annual_report, report_xlsx
from credits.oversight import overview_of

pytestmark = pytest.mark.django_db
YEAR = "2025-2026"


def _pdf_text(path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "needs poppler-utils (pdftotext): make system-deps"
    done = subprocess.run(  # nosec B603: a fixed command on a file the test wrote
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_the_workbook_holds_every_unit_against_the_targets(region, tmp_path):
    output = tmp_path / "报告.xlsx"
    call_command(
        "annual_report",
        unit=region["region"].code,
        year=YEAR,
        format="xlsx",
        output=str(output),
    )
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["报告概况", "各单位情况", "学分构成"]
    overview = overview_of(region["officers"]["region"], region["region"], school_year=YEAR)
    summary = [list(r) for r in book["报告概况"].iter_rows(values_only=True)]
    assert summary[0][0].endswith(f"{YEAR} 学年继续教育工作报告")
    indicators = {row[0]: row[1:4] for row in summary[5:14]}
    assert indicators["教师总数"][0] == str(overview.year.teachers)
    assert indicators["参训率"][0] == f"{overview.year.coverage}%"
    assert indicators["参训率"][1] == "≥ 98%"
    met = "达标" if overview.year.coverage >= 98 else "未达标"
    assert indicators["参训率"][2] == met
    units = [list(r) for r in book["各单位情况"].iter_rows(values_only=True)]
    header = units[4]
    assert header[:3] == ["地州市", "教师", "参训人数"]
    body = units[5 : 5 + len(overview.rows) + 1]
    assert [line[0] for line in body] == [row.name for row in overview.rows] + ["合计"]
    for line, row in zip(body, overview.rows, strict=False):
        assert line[1] == row.year.teachers
        assert line[2] == row.year.trained
        assert Decimal(str(line[7])) == row.year.credits
        if row.year.coverage is not None:
            assert round(line[3] * 100, 1) == float(row.year.coverage)
    # Credits by tier add up to the unit's credits.
    tiers = header.index("国家级学分"), header.index("校级学分")
    total = body[-1]
    assert sum(total[tiers[0] : tiers[1] + 1]) == pytest.approx(float(overview.year.credits))
    assert book["各单位情况"]._charts  # the native Excel chart is there


def test_the_pdf_has_chinese_text_tables_and_charts(region, tmp_path):
    output = tmp_path / "报告.pdf"
    call_command(
        "annual_report",
        unit=region["prefectures"][0].code,
        year=YEAR,
        format="pdf",
        output=str(output),
    )
    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    text = _pdf_text(output)
    assert f"喀什地区 {YEAR} 学年继续教育工作报告" in text
    assert "一、主要指标与目标" in text
    assert "喀什市" in text
    assert "疏附县" in text
    assert "阿克苏" not in text  # the other prefecture is not part of this report
    # The charts are drawn as vector graphics with their own titles.
    assert "各县市区参训率（目标 ≥ 98%）" in text
    assert "各学年参训率与完成率" in text


def test_the_command_refuses_bad_arguments_in_chinese(region, tmp_path):
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="学年应写作"):
        call_command("annual_report", unit="650000", year="2025", output=out)
    with pytest.raises(CommandError, match="没有行政区划代码"):
        call_command("annual_report", unit="659999", year=YEAR, output=out)
    with pytest.raises(CommandError, match="不是本周期的学年"):
        call_command("annual_report", unit=region["region"].code, year="2019-2020", output=out)


def test_officers_download_their_own_units_report_only(client, region):
    prefecture = region["officers"]["653100"]
    client.force_login(prefecture)
    url = reverse("credits:annual_report", args=["653100"])
    response = client.get(url, {"year": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    names = [r[0] for r in book["各单位情况"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert "喀什市" in names
    assert "阿克苏市" not in names
    away = reverse("credits:annual_report", args=["652900"])
    assert client.get(away, {"year": YEAR}).status_code == 404
    assert client.get(url, {"year": "1999-2000"}).status_code == 404
    made = build_annual_report(prefecture, region["prefectures"][0], YEAR, made_by="p")
    assert report_xlsx(made).startswith(b"PK")
