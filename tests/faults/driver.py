"""Commands the fault tests run in a process of their own, against a private stack.

`python -m tests.faults.driver <command> [args]` with DATABASE_URL and REDIS_URL pointing at
the test's own PostgreSQL and Redis; the last line printed is the command's JSON answer.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
from collections import defaultdict
from decimal import Decimal

import django

AS_OF = "2026-06-30"
COUNTIES = 4
TEACHERS_PER_COUNTY = 3
UPLOAD_ROWS = 2_500  # above the import's inline limit (2,000): the upload goes to a worker


def migrate() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return {"migrated": True}


def build() -> dict:
    """Build counties whose teachers have approved records; every other one completes its cycle.

    The plan mirrors tests/test_celery_audit.py: four projects make a cycle complete, two leave
    it partial. Return what a correct audit leaves, for the tests to compare against.
    """
    from credits.services import approve_records
    from institutions.choices import Role
    from institutions.tests.factories import (
        CountyFactory,
        PrefectureFactory,
        RegionFactory,
        SchoolFactory,
        UserFactory,
    )
    from projects.choices import Category, Mode, RecordStatus, Tier
    from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
    from trainees.tests.factories import TeacherFactory

    plan = [
        (Category.COMPULSORY_PUBLIC, Mode.CENTRALIZED, 40, 2),
        (Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 40, 4),
        (Category.ELECTIVE, Mode.CENTRALIZED, 40, 1),
        (Category.SCHOOL_BASED, Mode.SCHOOL_BASED, 50, 2),
    ]
    region = RegionFactory()
    prefecture = PrefectureFactory(code="659100", name="甲地区", certificate_code="91")
    UserFactory(username="region", role=Role.REGION_OFFICER, unit=region)
    records, complete, schools = defaultdict(list), 0, []
    for c in range(COUNTIES):
        county = CountyFactory(parent=prefecture, code=f"6591{c + 1:02d}", name=f"甲{c + 1}县")
        school = SchoolFactory(county=county, name=f"甲{c + 1}县第一中学")
        schools.append(school)
        for t in range(TEACHERS_PER_COUNTY):
            teacher = TeacherFactory(school=school, name=f"老师{c}{t}")
            rows = plan if t % 2 == 0 else plan[:2]
            complete += t % 2 == 0
            for category, mode, hours, copies in rows:
                for _ in range(copies):
                    project = TrainingProjectFactory(
                        tier=Tier.REGION,
                        issuing_unit=region,
                        category=category,
                        mode=mode,
                        hours=hours,
                    )
                    records[county].append(
                        TrainingRecordFactory(
                            teacher=teacher,
                            project=project,
                            hours=Decimal(hours),
                            status=RecordStatus.DECLARED,
                        )
                    )
    # Each county's bureau approves its own records (004 五(三), the Xinjiang preset's level).
    for county, declared in records.items():
        officer = UserFactory(
            username=f"county{county.code}", role=Role.COUNTY_OFFICER, unit=county
        )
        approve_records(by=officer, record_ids=[r.pk for r in declared])
    UserFactory(username="school1", role=Role.SCHOOL_ADMIN, school=schools[0])
    teachers = COUNTIES * TEACHERS_PER_COUNTY
    return {"counties": COUNTIES, "teachers": teachers, "complete": complete}


def audit_sync(as_of: str = AS_OF) -> dict:
    """Audit every county in this process, without Celery (the reference result)."""
    from django.core.management import call_command

    call_command("run_audit", sync=True, as_of=as_of, stdout=io.StringIO(), stderr=io.StringIO())
    return {"audited": as_of}


def session(username: str = "school1") -> dict:
    """Log `username` in and return the session cookie a browser would hold."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {"cookie": settings.SESSION_COOKIE_NAME, "value": client.cookies["sessionid"].value}


def upload_csv(path: str, rows: str = str(UPLOAD_ROWS)) -> dict:
    """Write an import file of `rows` rows for school1's teachers (a CSV, as WPS saves one)."""
    from credits.intake.columns import HEADERS
    from trainees.models import Teacher

    teachers = list(Teacher.objects.filter(school__name="甲1县第一中学").order_by("pk"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    day = datetime.date(2025, 3, 5)
    for n in range(int(rows)):
        teacher = teachers[n % len(teachers)]
        code = f"XJ2025RE{n:04d}"  # no such project: each row is checked and reported
        writer.writerow([teacher.id_number, teacher.name, code, 8, 0, "合格", "学员", day])
    with open(path, "w", encoding="utf-8", newline="") as target:
        target.write(buffer.getvalue())
    return {"path": path, "rows": int(rows)}


COMMANDS = {
    "migrate": migrate,
    "build": build,
    "audit_sync": audit_sync,
    "session": session,
    "upload_csv": upload_csv,
}


def main(argv: list[str]) -> None:
    django.setup()
    answer = COMMANDS[argv[0]](*argv[1:])
    sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
