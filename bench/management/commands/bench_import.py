"""Time the Excel import of training records against django-import-export's default import.

The command builds a realistic .xlsx of `--rows` rows from the teachers and approved projects
in the database (it seeds the demo data first when there are none). Each row is a teacher at a
project the teacher's school can see and has no record of yet. The command then:

1. imports the file as a temporary superuser through the services the pages use
   (`store_upload` → `validate_upload` → `commit_upload`), and times it;
2. removes every record and history row it wrote;
3. imports the same file, read by tablib, with `TrainingRecordResource.import_data(dataset,
   dry_run=False, use_transactions=True)`, the library's default row-by-row import, and times
   that; `--baseline-rows` limits it to the first rows when the full file would take too long;
4. removes those rows and the temporary account, so the benchmark leaves no data behind.

A superuser runs it because one school has some 60 teachers and 40 visible projects, far fewer
pairs than 20,000 rows need. The file's text goes into a shared-string table, as Excel and WPS
save it (openpyxl writes every string inline, which reads about 40% slower); `--inline-strings`
keeps openpyxl's form. The last line printed is one JSON object.
"""

import gc
import json
import random
import re
import resource
import secrets
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import tablib
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from openpyxl import Workbook

from credits.intake.columns import HEADERS
from credits.intake.rows import GRADE_LABELS, ROLE_LABELS
from imports.resources import TrainingRecordResource
from imports.steps import commit_upload, validate_upload
from imports.uploads import discard_upload, store_upload
from institutions.models import User
from projects.choices import Grade, RecordRole, ReviewStatus, Tier
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher

History = TrainingRecord.history.model
NEW_ROW_SHARE = {"excellent": 5, "good": 5}  # percent of a project's new rows, within 15%/30%


class Command(BaseCommand):
    help = (
        "测试 Excel 导入培训记录的速度：按库中数据生成 --rows 行的 .xlsx，"
        "计时本系统的校验+写入与 django-import-export 默认逐行导入，结束后删除写入的数据；"
        "最后一行输出 JSON。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000, help="表格行数（默认 20000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument(
            "--baseline-rows",
            type=int,
            default=None,
            help="django-import-export 基准只导入前若干行（默认全部）",
        )
        parser.add_argument("--keep-file", default="", help="把生成的 .xlsx 另存到此路径")
        parser.add_argument(
            "--inline-strings",
            action="store_true",
            help="保留 openpyxl 的内联字符串（默认像 Excel/WPS 保存时那样使用共享字符串表）",
        )

    def handle(self, *args, rows, seed, baseline_rows, keep_file, inline_strings, **options):
        if rows < 1:
            raise CommandError("--rows 必须大于 0。", returncode=2)
        baseline_rows = min(baseline_rows or rows, rows)
        if not TrainingProject.objects.approved().exists() or not Teacher.objects.exists():
            self.stdout.write("数据库中没有教师或已审核的项目，先生成演示数据（seed_demo）……")
            call_command("seed_demo", stdout=self.stdout)
        rng = random.Random(seed)  # noqa: S311 benchmark data, not cryptography
        pairs = self._pairs(rows, rng)
        user = User.objects.create(
            username=f"bench-import-{secrets.token_hex(4)}", is_superuser=True, is_active=False
        )
        try:
            with tempfile.TemporaryDirectory() as directory:
                path = Path(directory) / "bench_import.xlsx"
                self._write_workbook(path, pairs, rng)
                if not inline_strings:
                    _share_strings(path)
                if keep_file:
                    Path(keep_file).write_bytes(path.read_bytes())
                gc.collect()
                ours = self._time_ours(path, user, rows)
                peak_rss_mb = _peak_rss_mb()
                self._remove(pairs)
                baseline = self._time_baseline(path, user, baseline_rows)
                self._remove(pairs)
        finally:
            self._remove(pairs)
            user.delete()
        rate = rows / ours["seconds"]
        baseline_rate = baseline_rows / baseline["seconds"]
        self.stdout.write(
            f"本系统：{rows} 行，校验 {ours['validate_seconds']:.2f} 秒 + 写入 "
            f"{ours['commit_seconds']:.2f} 秒，每秒 {rate:.0f} 行；"
            f"django-import-export：{baseline_rows} 行 {baseline['seconds']:.2f} 秒，"
            f"每秒 {baseline_rate:.0f} 行。"
        )
        result = {
            "rows": rows,
            "seconds": round(ours["seconds"], 3),
            "rows_per_second": round(rate, 1),
            "baseline_rows_per_second": round(baseline_rate, 1),
            "speedup": round(rate / baseline_rate, 2),
            "peak_rss_mb": round(peak_rss_mb, 1),
            "validate_seconds": round(ours["validate_seconds"], 3),
            "commit_seconds": round(ours["commit_seconds"], 3),
            "baseline_rows": baseline_rows,
            "baseline_seconds": round(baseline["seconds"], 3),
            "peak_rss_mb_with_baseline": round(_peak_rss_mb(), 1),
            "database": connection.vendor,
            "strings": "inline" if inline_strings else "shared",
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    # -- the data ---------------------------------------------------------------------------------
    def _pairs(self, rows: int, rng: random.Random) -> list[tuple]:
        """Pick `rows` (teacher, project) pairs without a record, each project one the
        teacher's school sees (national, its region, prefecture and county, its own school)."""
        teachers = list(
            Teacher.objects.order_by("pk").values_list(
                "pk", "id_number", "name", "school_id", "school__county__path"
            )
        )
        projects = list(
            TrainingProject.objects.filter(review_status=ReviewStatus.APPROVED)
            .order_by("pk")
            .values_list(
                "pk", "code", "tier", "school_id", "issuing_unit__code", "hours", "ends_on"
            )
        )
        existing = set(TrainingRecord.objects.values_list("teacher_id", "project_id"))
        candidates = []
        for teacher in teachers:
            above = set(filter(None, (teacher[4] or "").split("/")))
            for project in projects:
                tier, school_id, unit_code = project[2], project[3], project[4]
                visible = (
                    school_id == teacher[3]
                    if tier == Tier.SCHOOL
                    else unit_code is None or unit_code in above
                )
                if visible and (teacher[0], project[0]) not in existing:
                    candidates.append((teacher, project))
        if len(candidates) < rows:
            raise CommandError(
                f"数据库中只有 {len(candidates)} 个未登记的教师-项目组合，不够 {rows} 行。",
                returncode=2,
            )
        return rng.sample(candidates, rows)

    def _write_workbook(self, path: Path, pairs, rng: random.Random) -> None:
        """Write the rows as a school fills the template: text IDs, numbers, date cells."""
        grades = self._grades(pairs, rng)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "培训记录"
        sheet.append(HEADERS)
        for (teacher, project), grade in zip(pairs, grades, strict=True):
            hours = project[5]
            leave = rng.choice([2, 4]) if hours >= 8 and rng.random() < 0.1 else 0
            role = RecordRole.LEAD_INSTRUCTOR if rng.random() < 0.01 else RecordRole.TRAINEE
            sheet.append(
                [
                    teacher[1],
                    teacher[2],
                    project[1],
                    int(hours) if hours == int(hours) else float(hours),
                    leave,
                    str(GRADE_LABELS[grade]) if grade and role == RecordRole.TRAINEE else None,
                    str(ROLE_LABELS[role]),
                    project[6],
                ]
            )
        for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
            cell.number_format = "@"
        workbook.save(path)

    def _grades(self, pairs, rng: random.Random) -> list[str]:
        """Grade each project's new rows: 5% excellent, 5% good, 15% not yet, 2% fail, the rest
        pass, which keeps every project within 004 五(二)2's quotas with its stored grades."""
        by_project = defaultdict(list)
        for index, (_teacher, project) in enumerate(pairs):
            by_project[project[0]].append(index)
        grades = [""] * len(pairs)
        for indexes in by_project.values():
            excellent = len(indexes) * NEW_ROW_SHARE["excellent"] // 100
            good = len(indexes) * NEW_ROW_SHARE["good"] // 100
            for position, index in enumerate(indexes):
                if position < excellent:
                    grades[index] = Grade.EXCELLENT
                elif position < excellent + good:
                    grades[index] = Grade.GOOD
                else:
                    draw = rng.random()
                    grades[index] = "" if draw < 0.15 else Grade.FAIL if draw < 0.17 else Grade.PASS
        return grades

    # -- the two imports --------------------------------------------------------------------------
    def _time_ours(self, path: Path, user, rows: int) -> dict:
        started = time.perf_counter()
        with open(path, "rb") as handle:
            upload = store_upload(file=File(handle, name="bench_import.xlsx"), by=user)
        try:
            preview = validate_upload(upload=upload, by=user)
            checked = time.perf_counter()
            if not preview.is_valid:
                shown = "；".join(f"第 {e.row} 行：{e.message}" for e in preview.errors[:5])
                raise CommandError(f"生成的表格没有通过校验：{shown}", returncode=2)
            summary = commit_upload(upload=upload, by=user)
            finished = time.perf_counter()
        finally:
            discard_upload(upload=upload)
        if summary.created != rows:
            raise CommandError(f"应新增 {rows} 条，实际 {summary.created} 条。", returncode=2)
        return {
            "seconds": finished - started,
            "validate_seconds": checked - started,
            "commit_seconds": finished - checked,
        }

    def _time_baseline(self, path: Path, user, rows: int) -> dict:
        started = time.perf_counter()
        dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
        if rows < len(dataset):
            dataset = tablib.Dataset(*dataset[:rows], headers=dataset.headers)
        result = TrainingRecordResource(user=user).import_data(
            dataset, dry_run=False, use_transactions=True
        )
        finished = time.perf_counter()
        if result.has_errors() or result.has_validation_errors():
            raise CommandError("django-import-export 基准导入出错，未计时。", returncode=2)
        return {"seconds": finished - started}

    @transaction.atomic
    def _remove(self, pairs) -> None:
        """Delete the records of `pairs` and all their history; nothing else had them."""
        wanted = {(teacher[0], project[0]) for teacher, project in pairs}
        teacher_ids = sorted({t for t, _p in wanted})
        project_ids = sorted({p for _t, p in wanted})
        pks = [
            pk
            for pk, teacher_id, project_id in TrainingRecord.objects.filter(
                teacher_id__in=teacher_ids, project_id__in=project_ids
            ).values_list("pk", "teacher_id", "project_id")
            if (teacher_id, project_id) in wanted
        ]
        for start in range(0, len(pks), 5000):
            chunk = pks[start : start + 5000]
            # Raw deletes: a benchmark's rows leave no trace, not even "deleted" history rows.
            History.objects.filter(id__in=chunk)._raw_delete(History.objects.db)
            TrainingRecord.objects.filter(pk__in=chunk)._raw_delete(TrainingRecord.objects.db)


INLINE_STRING = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t>([^<]*)</t></is></c>'
)
SHEET = "xl/worksheets/sheet1.xml"


def _share_strings(path: Path) -> None:
    """Move the sheet's inline strings into xl/sharedStrings.xml, as Excel saves a workbook."""
    source = zipfile.ZipFile(path)
    strings: dict[bytes, int] = {}

    def shared(match):
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2) or b"", index)

    sheet = INLINE_STRING.sub(shared, source.read(SHEET))
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    parts = {
        SHEET: sheet,
        "xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), table),
        "[Content_Types].xml": source.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": source.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>",
        ),
    }
    rewritten = path.with_suffix(".shared.xlsx")
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, parts.pop(item.filename, None) or source.read(item))
        for name, data in parts.items():
            target.writestr(name, data)
    source.close()
    rewritten.replace(path)


def _peak_rss_mb() -> float:
    """Return the process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
