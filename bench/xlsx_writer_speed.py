"""Time `core.xlsx_export.write_xlsx` against XlsxWriter and openpyxl streaming the same rows.

Run from the repository root with the project's interpreter:

    .venv/bin/python bench/xlsx_writer_speed.py [--rows 100000]

Each measurement runs in a fresh interpreter (multiprocessing "spawn"), so the peak RSS of one
writer is not inherited by the other. Both write 10 columns (4 text, 2 int, 2 Decimal, 2 date)
to a temporary file on disk; the time includes closing the workbook, that is compressing it.
Rows come from a generator cycling over 1,000 prepared rows, so the time is the writer's, not the
data's; `source_seconds` is the generator alone. Peak Python heap (tracemalloc) is measured in a
separate run of each writer, since tracing slows the run it watches. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

# Run as a plain script, the repository root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COLUMN_KINDS = ("text", "text", "text", "text", "int", "int", "decimal", "decimal", "date", "date")
HEADERS = (
    "姓名",
    "学校",
    "培训项目",
    "身份证号",
    "年龄",
    "学时",
    "学分",
    "请假学时",
    "开始日期",
    "结束日期",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PREPARED_ROWS = 1_000


def _prepared_rows(seed: int = 20241) -> list[tuple]:
    draw = random.Random(seed)  # noqa: S311 benchmark data, not cryptography
    rows = []
    for n in range(PREPARED_ROWS):
        start = dt.date(2024, 9, 1) + dt.timedelta(days=draw.randrange(300))
        rows.append(
            (
                draw.choice(SURNAMES) + "老师" + str(n),
                f"第{draw.randrange(1, 60)}中学",
                f"2024年度县级骨干教师培训（第{draw.randrange(1, 12)}期）",
                f"4301{draw.randrange(10**13, 10**14)}",
                draw.randrange(22, 60),
                draw.randrange(1, 120),
                Decimal(draw.randrange(0, 2000)) / 100,
                None if n % 7 else Decimal("1.5"),
                start,
                start + dt.timedelta(days=draw.randrange(1, 10)),
            )
        )
    return rows


def _rows(count: int):
    return itertools.islice(itertools.cycle(_prepared_rows()), count)


def _configure_django() -> None:
    import django
    from django.conf import settings

    # The writer needs only the time zone and the language; the project's settings would also
    # need its secrets and database.
    if not settings.configured:
        settings.configure(USE_TZ=True, TIME_ZONE="Asia/Shanghai", LANGUAGE_CODE="zh-hans")
        django.setup()


def _write_with_portal(output, count: int) -> None:
    from core.xlsx_export import Column, write_xlsx

    write_xlsx(
        output,
        title="教师培训记录",
        columns=[Column(h, kind) for h, kind in zip(HEADERS, COLUMN_KINDS, strict=True)],
        rows=_rows(count),
        exported_by="县教育局 李老师",
        exported_at=dt.datetime(2025, 1, 6, 9, 30, tzinfo=dt.UTC),
        filters=[("学年", "2024-2025")],
    )


def _write_with_xlsxwriter(output, count: int) -> None:
    from xlsxwriter import Workbook

    # The same sheet with XlsxWriter's own streaming mode, each cell by its type's method.
    workbook = Workbook(output, {"constant_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet("教师培训记录")
    worksheet.write_string(0, 0, "教师培训记录")
    worksheet.write_string(1, 0, "导出人：县教育局 李老师　导出时间：2025-01-06 17:30")
    worksheet.write_string(2, 0, "筛选条件：学年=2024-2025")
    for column, header in enumerate(HEADERS):
        worksheet.write_string(4, column, header)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text, number = worksheet.write_string, worksheet.write_number
    written = 0
    for row_number, row in enumerate(_rows(count), start=5):
        for column, (value, kind) in enumerate(zip(row, COLUMN_KINDS, strict=True)):
            if value is None:
                continue
            if kind == "text":
                text(row_number, column, value)
            elif kind == "date":
                worksheet.write_datetime(row_number, column, value, date_format)
            else:
                number(row_number, column, value)
        written += 1
    worksheet.write_string(written + 6, 0, f"共 {written} 行")
    workbook.close()


def _write_with_openpyxl(output, count: int) -> None:
    from openpyxl import Workbook

    # The same sheet as far as write-only mode allows: no cell types are forced, so a text
    # beginning with "=" would become a formula here (the rows above hold none).
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("教师培训记录")
    worksheet.append(["教师培训记录"])
    worksheet.append(["导出人：县教育局 李老师　导出时间：2025-01-06 17:30"])
    worksheet.append(["筛选条件：学年=2024-2025"])
    worksheet.append([])
    worksheet.append(HEADERS)
    written = 0
    for row in _rows(count):
        worksheet.append(row)
        written += 1
    worksheet.append([])
    worksheet.append([f"共 {written} 行"])
    workbook.save(output)


WRITERS = {
    "portal": _write_with_portal,
    "xlsxwriter_constant_memory": _write_with_xlsxwriter,
    "openpyxl_write_only": _write_with_openpyxl,
}


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(writer: str, count: int, traced: bool) -> dict:
    """Write `count` rows with `writer` in this (fresh) process; return time and memory."""
    _configure_django()
    write = WRITERS[writer]
    with tempfile.TemporaryFile() as warmup:  # imports and first-call costs stay out of the time
        write(warmup, 10)
    rss_before = _max_rss_mb()
    if traced:
        tracemalloc.start()
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        write(output, count)
        seconds = time.perf_counter() - started
        file_bytes = output.seek(0, os.SEEK_END)
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"peak_traced_mb": round(peak / 2**20, 2)}
    return {
        "seconds": round(seconds, 3),
        "rows_per_second": round(count / seconds),
        "peak_rss_mb": round(_max_rss_mb(), 1),
        "rss_growth_mb": round(_max_rss_mb() - rss_before, 1),
        "file_mb": round(file_bytes / 2**20, 2),
    }


def source_seconds(count: int) -> float:
    """Return the time the row generator alone takes to yield `count` rows."""
    started = time.perf_counter()
    for _ in _rows(count):
        pass
    return round(time.perf_counter() - started, 3)


def _in_fresh_process(*args):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(*args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    count = parser.parse_args().rows

    results = {}
    for writer in WRITERS:
        results[writer] = _in_fresh_process(measure, writer, count, False)
        results[writer] |= _in_fresh_process(measure, writer, count, True)
    ours = results["portal"]
    xlsxwriter_result, theirs = (
        results["xlsxwriter_constant_memory"],
        results["openpyxl_write_only"],
    )
    import openpyxl
    import xlsxwriter

    report = {
        "rows": count,
        "columns": len(COLUMN_KINDS),
        "seconds": ours["seconds"],
        "rows_per_second": ours["rows_per_second"],
        "peak_rss_mb": ours["peak_rss_mb"],
        "portal": ours,
        "xlsxwriter_constant_memory": xlsxwriter_result,
        "openpyxl_write_only": theirs,
        "speedup_over_xlsxwriter": round(
            ours["rows_per_second"] / xlsxwriter_result["rows_per_second"], 2
        ),
        "speedup_over_openpyxl": round(ours["rows_per_second"] / theirs["rows_per_second"], 2),
        "source_seconds": source_seconds(count),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "xlsxwriter": xlsxwriter.__version__,
            "openpyxl": openpyxl.__version__,
        },
    }
    sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
