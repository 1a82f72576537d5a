"""A credit corrected in Chromium at 375 px, through to the superseding certificate that
verifies: the county withdraws one record and corrects another, the night's audit issues
version 2, the teacher is told under the bell, and the old QR code leads to the new one."""

import datetime
from decimal import Decimal

import pytest

from audit.county import audit_county
from certificates.models import Certificate
from certificates.selectors import verification_path_for
from credits.services import approve_records
from institutions.choices import Role, SchoolType
from institutions.tests.factories import (
    CountyFactory,
    PrefectureFactory,
    RegionFactory,
    SchoolFactory,
    UserFactory,
)
from projects.choices import Category, Grade, Mode, RecordStatus, Tier
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory

from .conftest import fits_phone_width

AS_OF = datetime.date(2026, 11, 20)


@pytest.fixture
def corrected_world(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    region = RegionFactory()
    prefecture = PrefectureFactory(code="653100", parent=region, name="喀什地区")
    prefecture.certificate_code = "13"
    prefecture.save()
    county = CountyFactory(parent=prefecture, code="653101", name="喀什市")
    county.certificate_code = "01"
    county.save()
    school = SchoolFactory(county=county, school_type=SchoolType.JUNIOR, name="喀什市第二中学")
    user = UserFactory(role=Role.TEACHER, username="t-corr")
    teacher = TeacherFactory(
        school=school, user=user, name="古丽", hired_on=datetime.date(2010, 9, 1)
    )
    officer = UserFactory(role=Role.COUNTY_OFFICER, unit=county, username="c-corr")
    records = {}
    for key, name, mode, category, hours, day in [
        ("public", "师德师风专题", Mode.CENTRALIZED, Category.COMPULSORY_PUBLIC, 80, (2024, 10, 8)),
        (
            "professional",
            "学科教学能力提升",
            Mode.CENTRALIZED,
            Category.COMPULSORY_PROFESSIONAL,
            200,
            (2025, 3, 3),
        ),
        ("elective", "信息技术应用", Mode.ONLINE, Category.ELECTIVE, 75, (2025, 11, 3)),
        ("school", "校本教研", Mode.SCHOOL_BASED, Category.SCHOOL_BASED, 125, (2026, 5, 11)),
    ]:
        day = datetime.date(*day)
        project = TrainingProjectFactory(
            name=name,
            tier=Tier.COUNTY,
            issuing_unit=county,
            mode=mode,
            category=category,
            # The professional course ran 240 h; the school registered 200 at first.
            hours=Decimal(240 if key == "professional" else hours),
            starts_on=day - datetime.timedelta(days=4),
            ends_on=day,
        )
        records[key] = TrainingRecordFactory(
            teacher=teacher,
            project=project,
            hours=Decimal(hours),
            grade=Grade.PASS,
            completed_on=day,
            status=RecordStatus.DECLARED,
        )
    approve_records(by=officer, record_ids=[r.pk for r in records.values()])
    audit_county(county_id=county.pk, as_of=AS_OF)
    return {"county": county, "teacher": teacher, "records": records}


def _login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def test_a_correction_runs_through_to_a_superseding_certificate_that_verifies(
    page, live_server, corrected_world, screenshot
):
    w = corrected_world
    base = live_server.url
    (first,) = Certificate.objects.filter(teacher=w["teacher"])

    # The county withdraws the elective record: no reason, no withdrawal.
    _login(page, base, "c-corr")
    page.goto(f"{base}/records/{w['records']['elective'].pk}/")
    assert "更正或撤销认定" in page.locator("main").inner_text()
    page.get_by_label("撤销原因").fill("与国家平台学时重复登记")
    page.get_by_role("button", name="撤销认定").click()
    assert "已撤销 1 条记录的学分" in page.locator("main").inner_text()

    # … and corrects the hours of another, with the reason.
    page.goto(f"{base}/records/{w['records']['professional'].pk}/")
    page.get_by_role("link", name="更正认定").click()
    page.get_by_label("参训学时").fill("240")
    page.get_by_label("更正原因").fill("考勤核对：实际参训 240 学时")
    assert fits_phone_width(page)
    screenshot("correction-375")
    page.get_by_role("button", name="保存更正").click()
    main = page.locator("main").inner_text()
    assert "已更正：学分由 50.00 改为 60.00" in main
    assert "考勤核对：实际参训 240 学时" in main  # in the record's ledger and history

    # The night's audit issues version 2 and supersedes version 1.
    audit_county(county_id=w["county"].pk, as_of=AS_OF)
    first.refresh_from_db()
    second = Certificate.objects.get(teacher=w["teacher"], version=2)
    assert first.superseded_by_id == second.pk

    # The teacher is told under the bell, on the phone.
    _login(page, base, "t-corr")
    bell = page.locator("a.bell")
    assert bell.locator(".count").inner_text() == "3"  # withdrawn, corrected, reissued
    bell.click()
    notices = page.locator("main").inner_text()
    assert "您的继续教育学分证书已更正" in notices
    assert "第 2 版" in notices
    assert fits_phone_width(page)
    screenshot("notices-375")
    page.locator("li.notice", has_text="证书已更正").get_by_role("button", name="查看").click()
    assert "第2版" in page.locator("main").inner_text().replace(" ", "")

    # The old QR code says it was replaced and leads to version 2, which verifies.
    page.goto(f"{base}{verification_path_for(first)}")
    assert "已被更正" in page.locator("main").inner_text()
    screenshot("verify-superseded-375")
    page.get_by_role("link", name="查看现行的第 2 版").click()
    main = page.locator("main").inner_text()
    assert "证书有效" in main
    assert "第 2 版 · 有效" in main
