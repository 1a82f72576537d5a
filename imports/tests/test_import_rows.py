"""Every kind of row error is reported in Chinese with its Excel row and column."""

import datetime

import pytest

from credits.intake.columns import EXAMPLE_ID_NUMBER, EXAMPLE_NAME, EXAMPLE_PROJECT_CODE
from institutions.choices import Role
from projects.choices import RecordStatus, ReviewStatus
from projects.tests.factories import TrainingProjectFactory, TrainingRecordFactory
from trainees.tests.factories import TeacherFactory, make_id_number

from .test_import_support import (
    check,
    errors_of,
    media,  # noqa: F401 a fixture
    record_row,
    xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def admin(world):
    return world.users[Role.SCHOOL_ADMIN]


def _single_error(world, admin, row):
    """Validate a file of one good row (row 2) and `row` (row 3); return row 3's only error."""
    rows = [record_row(world.T2, world.projN), row]
    _upload, summary = check(xlsx(rows), admin)
    assert summary.error_rows == 1, summary.errors
    ((number, column, message),) = errors_of(summary)
    assert number == 3
    return column, message


def test_unknown_id_number_is_named(world, admin):
    """A valid ID number no teacher has is not a teacher of the school."""
    number = make_id_number(serial=777)
    row = record_row(world.T1, world.projR)
    row[0] = number
    column, message = _single_error(world, admin, row)
    assert column == "A"
    assert message == (
        f"身份证号码 {number} 不是您学校的在册教师（系统中没有该教师，或其不在您管理的学校）。"
        "请核对号码，或先登记该教师的信息。"
    )


def test_teacher_of_another_school_reads_like_an_unknown_one(world, admin):
    """李三 teaches at another school: the same message, which reveals nothing about him."""
    column, message = _single_error(world, admin, record_row(world.T3, world.projR))
    assert column == "A"
    assert message.startswith(f"身份证号码 {world.T3.id_number} 不是您学校的在册教师")


def test_wrong_checksum_says_so(world, admin):
    """A mistyped last digit is reported as a checksum error, not as an unknown teacher."""
    row = record_row(world.T1, world.projR)
    last = row[0][-1]
    row[0] = row[0][:-1] + ("1" if last != "1" else "2")
    column, message = _single_error(world, admin, row)
    assert (column, message) == (
        "A",
        f"身份证号码“{row[0]}”有误：身份证号码校验位错误，请核对最后一位。",
    )


def test_name_mismatch_names_both(world, admin):
    """The name is checked against the ID number's teacher."""
    row = record_row(world.T1, world.projR)
    row[1] = "张三丰"
    column, message = _single_error(world, admin, row)
    assert (column, message) == ("B", "姓名“张三丰”与身份证号码登记的教师“张一”不一致，请核对。")


def test_name_with_other_dots_and_spaces_matches():
    """阿依古丽•买买提 typed with another dot or spaces is the same name."""
    from credits.intake.rows import normalize_name

    assert normalize_name("阿依古丽•买买提 ") == normalize_name("阿依古丽·买买提")
    assert normalize_name("阿依古丽．买买提") == normalize_name("阿依古丽·买买提")


def test_unknown_project_code(world, admin):
    """A code no project has is reported on the 项目编号 column."""
    row = record_row(world.T1, world.projR)
    row[2] = "XJ2099XX9999"
    column, message = _single_error(world, admin, row)
    assert (column, message) == (
        "C",
        "项目编号“XJ2099XX9999”不存在，或不是您可以登记的项目。请核对编号（可在培训项目列表中查看）。",
    )


def test_project_of_another_county_reads_like_an_unknown_one(world, admin):
    """乙一县's project is not visible to 甲一县's school: same message as an unknown code."""
    column, message = _single_error(world, admin, record_row(world.T1, world.proj3))
    assert column == "C"
    assert message.startswith(f"项目编号“{world.proj3.code}”不存在，或不是您可以登记的项目")


def test_project_not_yet_approved(world, admin):
    """A visible project still under review cannot take records (004 六(二))."""
    pending = TrainingProjectFactory(
        issuing_unit=world.C1, review_status=ReviewStatus.SUBMITTED, name="待审项目"
    )
    column, message = _single_error(world, admin, record_row(world.T1, pending))
    assert (column, message) == (
        "C",
        f"项目“待审项目”（{pending.code}）尚未通过教育局审核，暂不能登记培训记录。",
    )


def test_leave_above_hours(world, admin):
    column, message = _single_error(
        world, admin, record_row(world.T1, world.projR, hours=8, leave=10)
    )
    assert (column, message) == ("E", "请假学时（10.0）不能超过参训学时（8.0）。")


@pytest.mark.parametrize(
    ("hours", "leave", "column", "message"),
    [
        (-4, 0, "D", "“参训学时”不能为负数，填写的是 -4。"),
        (40, -1, "E", "“请假学时”不能为负数，填写的是 -1。"),
        ("四十", 0, "D", "“参训学时”应填写数字，填写的是“四十”。"),
        (7.25, 0, "D", "“参训学时”最多保留 1 位小数，填写的是 7.25。"),
        (None, 0, "D", "“参训学时”不能为空。"),
        (123456, 0, "D", "“参训学时”的数值 123456 过大，请核对。"),
    ],
)
def test_bad_hours(world, admin, hours, leave, column, message):
    row = record_row(world.T1, world.projR, hours=hours, leave=leave)
    assert _single_error(world, admin, row) == (column, message)


def test_duplicate_row_names_the_first(world, admin):
    """The same teacher and project twice: the second row names the first."""
    rows = [record_row(world.T1, world.projR), record_row(world.T1, world.projR, hours=32)]
    _upload, summary = check(xlsx(rows), admin)
    assert errors_of(summary) == [(3, "A", "与第 2 行重复：同一位教师的同一个项目只能填写一行。")]


@pytest.mark.parametrize(
    ("field", "value", "column", "message"),
    [
        (
            "grade",
            "优良",
            "F",
            "考核等次只能填写 合格、良好、优秀、不合格 或留空，填写的是“优良”。",
        ),
        ("role", "助教", "G", "参训身份只能填写 学员 或 主讲教师（留空按学员），填写的是“助教”。"),
        ("done", "明天", "H", "完成日期“明天”无法识别，请填写日期，如 2025-03-01。"),
        ("done", "2020-01-01", "H", "完成日期 2020-01-01 早于项目开始日期 2025-03-01，请核对。"),
    ],
)
def test_words_outside_the_vocabulary(world, admin, field, value, column, message):
    row = record_row(world.T2, world.projR, **{field: value})
    assert _single_error(world, admin, row) == (column, message)


def test_grade_quota_counts_stored_records_and_the_file(world, admin):
    """004 五(二)2 优秀 ≤ 15% of all the project's trainees, stored ones of other schools too.

    proj1 stores 李三 (another school) as 优秀. The file adds 10 trainees of this school, one
    优秀: 2 of 11 is above 15% (at most 1), though 1 of the school's own 10 would not be.
    """
    world.rec5.grade = "excellent"
    world.rec5.save()
    teachers = [world.T1, world.T2, *(TeacherFactory(school=world.S1) for _ in range(8))]
    grades = ["优秀"] + ["合格"] * 9
    rows = [record_row(t, world.proj1, grade=g) for t, g in zip(teachers, grades, strict=True)]
    _upload, summary = check(xlsx(rows), admin)
    assert errors_of(summary) == [
        (
            2,
            "F",
            "项目“甲一县项目”：考核等次比例超限：本项目共 11 人参加考核，优秀 不得超过 15%"
            "（最多 1 人），现有 2 人。（已计入系统中已有的记录和本文件）",
        )
    ]


def test_grade_quota_allows_what_the_limits_allow(world, admin):
    """With 20 trainees, 3 excellent and 3 good (15% and 30%) pass; a 4th excellent does not."""
    teachers = [TeacherFactory(school=world.S1) for _ in range(20)]
    project = TrainingProjectFactory(issuing_unit=world.C1, name="二十人项目")
    grades = ["优秀"] * 3 + ["良好"] * 3 + ["合格"] * 14
    rows = [record_row(t, project, grade=g) for t, g in zip(teachers, grades, strict=True)]
    _upload, summary = check(xlsx(rows), admin)
    assert (summary.created, summary.errors) == (20, [])
    rows[3][5] = "优秀"  # 4 excellent, still 6 good or better
    _upload, summary = check(xlsx(rows), admin)
    assert [(e.row, e.column) for e in summary.errors] == [(2, "F"), (3, "F"), (4, "F"), (5, "F")]
    assert (
        "共 20 人参加考核，优秀 不得超过 15%（最多 3 人），现有 4 人" in summary.errors[0].message
    )


def test_small_classes_are_left_to_the_institution(world, admin):
    """Below the policy's 10 trainees no quota applies (decisions.md, 原则上)."""
    _upload, summary = check(xlsx([record_row(world.T1, world.proj1, grade="优秀")]), admin)
    assert (summary.updated, summary.errors) == (1, [])


def test_quota_broken_before_the_file_is_not_blamed_on_it(world, admin):
    """Stored grades already over the quota do not block a file that adds no such grade;
    a file that adds one more is refused."""
    for _ in range(9):
        TrainingRecordFactory(
            project=world.proj1,
            teacher__school=world.S3,
            grade="excellent",
            status=RecordStatus.APPROVED,
        )
    teacher = TeacherFactory(school=world.S1)
    _upload, summary = check(xlsx([record_row(teacher, world.proj1, grade="合格")]), admin)
    assert (summary.created, summary.errors) == (1, [])
    _upload, summary = check(xlsx([record_row(teacher, world.proj1, grade="优秀")]), admin)
    assert [(e.row, e.column) for e in summary.errors] == [(2, "F")]


def test_approved_record_cannot_change(world, admin):
    """An approved record's credits are in the ledger: a changed row is an error naming the change."""
    world.rec4.status = RecordStatus.APPROVED
    world.rec4.save()
    row = record_row(world.T1, world.projR, hours=32)
    column, message = _single_error(world, admin, row)
    assert (column, message) == (
        "D",
        "该教师在此项目的记录已认定学分，不能再修改（参训学时 40.0 → 32.0）。如需更正，请联系教育局。",
    )


def test_approved_record_repeated_unchanged_is_fine(world, admin):
    """The same values as an approved record are "unchanged", not an error."""
    world.rec4.status = RecordStatus.APPROVED
    world.rec4.save()
    _upload, summary = check(xlsx([record_row(world.T1, world.projR)]), admin)
    assert (summary.unchanged, summary.errors) == (1, [])


def test_required_cells_left_blank(world, admin):
    """Each blank required cell is its own error."""
    row = [world.T1.id_number, "", "", 40, 0, "", "", ""]
    _upload, summary = check(xlsx([row]), admin)
    assert errors_of(summary) == [
        (2, "B", "“姓名”不能为空。"),
        (2, "C", "“项目编号”不能为空。"),
    ]


def test_template_example_row_left_in_is_named(world, admin):
    """The template's example row is named as such, not as an unknown teacher."""
    row = [
        EXAMPLE_ID_NUMBER,
        EXAMPLE_NAME,
        EXAMPLE_PROJECT_CODE,
        40,
        0,
        "合格",
        "学员",
        "2025-03-05",
    ]
    column, message = _single_error(world, admin, row)
    assert column == "A"
    assert message == "这是模板中的示例行，请删除后再上传。"


def test_one_row_may_have_several_errors_in_column_order(world, admin):
    """All of a row's problems are listed at once, in column order."""
    row = [world.T1.id_number, "王五", world.projR.code, 4, 8, "很好", "学员", "2025-13-01"]
    _upload, summary = check(xlsx([row]), admin)
    assert [(e.row, e.column) for e in summary.errors] == [
        (2, "B"),
        (2, "E"),
        (2, "F"),
        (2, "H"),
    ]


def test_completed_on_defaults_to_the_project_end(world, admin):
    """A blank 完成日期 is the project's end date."""
    row = record_row(world.T2, world.projR, done=None)
    _upload, summary = check(xlsx([row]), admin)
    assert summary.created == 1
    assert world.projR.ends_on == datetime.date(2025, 3, 5)


def test_a_row_differing_from_a_declared_record_is_refused_not_added(world, admin):
    """A row differing from a declared record is neither a new record nor an update: the
    declared record is frozen until the county returns it."""
    TrainingRecordFactory(teacher=world.T2, project=world.projN, status=RecordStatus.DECLARED)
    _upload, summary = check(xlsx([record_row(world.T2, world.projN, hours=30)]), admin)
    assert (summary.created, summary.updated, summary.error_rows) == (0, 0, 1)
    assert errors_of(summary) == [
        (
            2,
            "D",
            "该教师在此项目的记录已申报待审核，考核等次和学时已冻结，不能修改（参训学时 40.0 → 30.0）。"
            "如需更正，请县级教育局先退回。",
        )
    ]


def test_sheet_words_are_the_chinese_labels_of_the_choices():
    """The sheet's fixed vocabulary is exactly the Chinese labels of Grade and RecordRole."""
    from django.utils import translation

    from credits.intake.rows import GRADE_WORDS, ROLE_WORDS
    from projects.choices import Grade, RecordRole

    with translation.override("zh-hans"):
        assert {str(label): value for value, label in Grade.choices} == GRADE_WORDS
        assert {str(label): value for value, label in RecordRole.choices} == ROLE_WORDS


def test_quota_policy_is_the_one_policy_for_county_picks(world):
    """The import's in-memory policy match agrees with selectors.policy_for_county."""
    import dataclasses

    from credits.choices import PolicyStatus
    from credits.intake.planning import QuotaSpecs
    from credits.selectors import policy_for_county, policy_spec
    from credits.services import store_policy
    from institutions.tests.factories import CountyFactory, PrefectureFactory

    tianjin = CountyFactory(parent=PrefectureFactory(code="120100"), code="120116")
    xinjiang = policy_spec(policy_for_county(world.C1))
    store_policy(  # a longer prefix for 甲地区 (6591) wins over 新疆 (65)
        spec=dataclasses.replace(xinjiang, code="jia-2025", name="甲地区政策"),
        applies_to_code="6591",
        status=PolicyStatus.ACTIVE,
    )
    specs = QuotaSpecs()
    assert specs.for_unit(code=world.C1.code, name=world.C1.name).code == "jia-2025"
    assert specs.for_unit(code=world.C3.code, name=world.C3.name).code == xinjiang.code
    for unit in (world.C1, world.C3, world.P1, world.R, tianjin):
        expected = policy_spec(policy_for_county(unit))
        assert specs.for_unit(code=unit.code, name=unit.name) == expected, unit.code


def test_a_unit_without_policy_is_named():
    from credits.errors import PolicyNotFound
    from credits.intake.planning import QuotaSpecs

    with pytest.raises(PolicyNotFound, match="火星县 没有生效的学分政策"):
        QuotaSpecs().for_unit(code="990101", name="火星县")


def test_lower_case_project_code_finds_the_project(world, admin):
    """A code typed in lower case is the project, not "不存在" (#15)."""
    row = record_row(world.T1, world.projR)
    row[2] = world.projR.code.lower()
    _upload, summary = check(xlsx([row]), admin)
    assert summary.error_rows == 0, summary.errors
