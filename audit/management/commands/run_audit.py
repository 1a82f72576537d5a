"""Run the nightly cycle-completion audit by hand."""

import datetime
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from institutions.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "运行学分周期核查：重算教师进度、列出异常、分配证书编号、为完成周期的教师发证。"
        "默认交给 Celery 执行；--sync 在本进程内逐县执行并显示进度条。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", help="只核查该县市区（6位行政区划代码）")
        parser.add_argument("--sync", action="store_true", help="在本进程内执行，不经过 Celery")
        parser.add_argument("--as-of", help="截至日期 YYYY-MM-DD，默认今天")
        parser.add_argument(
            "--full", action="store_true", help="重算所有教师（默认只重算数据有变化的教师）"
        )

    def handle(self, *args, **options):
        as_of = self._as_of(options["as_of"])
        counties = AdministrativeUnit.objects.filter(schools__teachers__is_active=True)
        if options["county"]:
            counties = counties.filter(code=options["county"])
            if not counties.exists():
                raise CommandError(f"没有教师的县市区或代码有误：{options['county']}", returncode=2)
        county_ids = list(counties.distinct().order_by("pk").values_list("pk", flat=True))
        if options["sync"]:
            self._run_sync(county_ids, as_of, full=options["full"])
            return
        from audit.tasks import run_nightly_audit

        result = run_nightly_audit.delay(as_of.isoformat(), county_ids, full=options["full"])
        self.stdout.write(f"已提交核查任务（{len(county_ids)} 个县市区），任务 {result.id}。")

    def _run_sync(self, county_ids, as_of, *, full=False):
        from audit.county import audit_county
        from audit.progress import purge_orphan_marks

        purge_orphan_marks()

        started = time.perf_counter()
        teachers = recomputed = issued = anomalies = 0
        for done, county_id in enumerate(county_ids, start=1):
            report = audit_county(county_id=county_id, as_of=as_of, full=full)
            teachers += report.teachers
            recomputed += report.teachers if report.recomputed is None else report.recomputed
            issued += report.certificates_issued
            anomalies += report.anomalies
            self._bar(done, len(county_ids), teachers)
        sys.stderr.write("\n")
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"核查完成：{len(county_ids)} 个县市区，{teachers} 名教师（重算 {recomputed} 名），"
            f"发证 {issued} 份，异常 {anomalies} 条，用时 {seconds:.1f} 秒。"
        )

    def _bar(self, done, total, teachers, width=30):
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} 县市区 · {teachers} 名教师"
        )
        sys.stderr.flush()

    def _as_of(self, text):
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}", returncode=2) from None
