"""The daily path in Chromium at 375 px: a school declares, the county reviews and approves,
the teacher finds the credits in their ledger (issue #5)."""

import pytest

from credits.models import CreditLedgerEntry
from projects.models import TrainingProject, TrainingRecord

from .conftest import fits_phone_width


@pytest.fixture
def browser_world(django_db_serialized_rollback, transactional_db, world):
    """The `world` rows, committed so the live server sees them; restored afterwards."""
    return world


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pass12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_school_county_and_teacher_walk_the_credit_path(
    page, live_server, browser_world, screenshot
):
    """Course declared → approved → teachers enrolled and graded → declared → approved or
    returned with a reason → credits in the teacher's ledger."""
    w = browser_world
    base = live_server.url

    # The school declares a school-based course.
    _login(page, live_server, "s1")
    page.goto(f"{base}/projects/new-course/")
    page.get_by_label("课程名称").fill("听评课校本研修")
    page.get_by_label("学时").fill("20")
    page.get_by_label("开始日期").fill("2025-03-01")
    page.get_by_label("结束日期").fill("2025-06-30")
    page.get_by_role("button", name="提交审核").click()
    assert "课程已提交县级教育局审核" in page.locator("main").inner_text()
    course = TrainingProject.objects.get(name="听评课校本研修")

    # The county approves it.
    _login(page, live_server, "c1")
    page.goto(f"{base}/projects/review/")
    page.get_by_label("选择 听评课校本研修").check()
    page.get_by_role("button", name="审核通过").click()
    assert "已审核通过 1 个项目" in page.locator("main").inner_text()

    # The school enrols two teachers, registers a third record, grades and declares.
    _login(page, live_server, "s1")
    page.goto(f"{base}/projects/{course.pk}/")
    page.get_by_label("张一").check()
    page.get_by_label("张二").check()
    page.get_by_role("button", name="为选中的教师报名").click()
    assert "已为 2 位教师报名" in page.locator("main").inner_text()
    for record in TrainingRecord.objects.filter(project=course):
        page.goto(f"{base}/records/{record.pk}/edit/")
        page.get_by_label("考核等次").select_option("good")
        page.get_by_role("button", name="保存").click()
    page.goto(f"{base}/records/new/")
    page.get_by_label("教师").select_option(label="张一")
    page.get_by_label("培训项目（已审核通过）").select_option(label="国培项目")
    page.get_by_label("参训学时").fill("40")
    page.get_by_label("考核等次").select_option("excellent")
    page.get_by_role("button", name="保存").click()
    assert "已登记：" in page.locator("main").inner_text()
    page.goto(f"{base}/records/?status=draft")
    new = TrainingRecord.objects.filter(project__in=[course, w.projN])
    assert new.count() == 3
    for record in new:
        page.locator(f"input[name=record_ids][value='{record.pk}']").check()
    assert fits_phone_width(page)
    screenshot("school-records-375")
    page.get_by_role("button", name="申报选中的记录").click()
    assert "已向县级教育局申报 3 条记录" in page.locator("main").inner_text()

    # The county approves two and returns one with a reason.
    _login(page, live_server, "c1")
    page.goto(f"{base}/credits/approvals/")
    # 国培 excellent: 40 ÷ 4 = 10, +15% (004 五(二)2); school-based good: 20 ÷ 5 = 4, +5%
    queue = page.locator("main").inner_text()
    assert "国家级 优秀 +15% = 1.50；合计 11.50 学分" in queue
    assert "20 学时 − 0 请假 = 20 学时 ÷ 5 = 4.00 学分；校级 良好 +5% = 0.20" in queue
    screenshot("county-approvals-375")
    declared = list(TrainingRecord.objects.filter(status="declared").order_by("pk"))
    returned = next(r for r in declared if r.teacher == w.T2)
    for record in declared:
        if record != returned:
            page.locator(f"input[name=record_ids][value='{record.pk}']").check()
    page.get_by_role("button", name="认定选中的记录").click()
    assert "已认定 2 条记录" in page.locator("main").inner_text()
    page.locator(f"input[name=record_ids][value='{returned.pk}']").check()
    page.get_by_text("退回…").click()
    page.get_by_label("退回原因（退回时必填）").fill("请补充听课记录")
    page.get_by_role("button", name="退回选中的记录").click()
    assert "已退回 1 条记录" in page.locator("main").inner_text()
    returned.refresh_from_db()
    assert returned.reject_reason == "请补充听课记录"

    # The teacher finds both credits in their ledger.
    _login(page, live_server, "t1")
    page.get_by_role("link", name="我的学分").click()
    ledger = page.locator("main").inner_text()
    assert "国培项目" in ledger
    assert "听评课校本研修" in ledger
    assert CreditLedgerEntry.objects.filter(teacher=w.T1).count() == 2
    assert fits_phone_width(page)
    screenshot("teacher-ledger-375")
