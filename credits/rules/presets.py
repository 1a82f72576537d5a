"""The five shipped policies, as data. Every figure cites its seed document.

Seeds: 000 Tianjin Binhai, 001 Yicheng, 002 Songjiang, 003 Henan, 004 Xinjiang
(/work/shared/seeds). Readings of what a document leaves open cite POLICIES §7.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleError
from .types import (
    Category,
    Grade,
    GradeQuota,
    Mode,
    NewTeacherRule,
    OffsetRule,
    PolicySpec,
    Proration,
    RequirementRow,
    Scope,
    ShareCheck,
    TeacherGroup,
    Tier,
    Unit,
    YearWindow,
)

C = Category
G = TeacherGroup
ALL_CATEGORIES = tuple(Category)
XINJIANG_CREDIT_CATEGORIES = frozenset(
    {C.COMPULSORY_PUBLIC, C.COMPULSORY_PROFESSIONAL, C.ELECTIVE, C.SCHOOL_BASED}
)
COMPULSORY = frozenset({C.COMPULSORY_PUBLIC, C.COMPULSORY_PROFESSIONAL})


def _same_rate(hours: str) -> dict[Mode, Decimal]:
    return {mode: Decimal(hours) for mode in Mode}


# POLICIES §7.3: no rounding is printed anywhere; 0.01 half up for every preset.
PRECISION = Decimal("0.01")
# POLICIES §7.12 and 000 四(五)1 半天4学时为计量单位: a day is two half-days of 4 h.
HOURS_PER_DAY = Decimal("8")


XINJIANG_2024 = PolicySpec(
    code="xinjiang-2024",
    version=1,
    name="新疆维吾尔自治区第七个五年管理周期中小学和幼儿园教师继续教育规划（2024-2028年）",
    region_name="新疆维吾尔自治区",
    source="004",
    unit=Unit.CREDITS,  # 004 五 学分管理
    cycle_start=date(2024, 1, 1),  # POLICIES §7.1 (004 标题 2024-2028年)
    cycle_end=date(2028, 12, 31),
    year_start_month=9,  # POLICIES §7.2 每学年 = 9月1日至次年8月31日
    year_start_day=1,
    precision=PRECISION,
    rounding=ROUND_HALF_UP,
    hours_per_credit={
        Mode.CENTRALIZED: Decimal("4"),  # 004 五(二)1 集中培训4学时折算为1学分
        Mode.ONLINE: Decimal("5"),  # 004 五(二)1 网络培训…5学时折算为1学分
        Mode.SCHOOL_BASED: Decimal("5"),  # 004 五(二)1 校本研修5学时折算为1学分
    },
    hours_per_day=HOURS_PER_DAY,
    categories=(*sorted(XINJIANG_CREDIT_CATEGORIES), C.INDUCTION),  # 004 三 必修/选修/校本
    tier_labels={
        Tier.NATIONAL: "国家级",
        Tier.REGION: "自治区级",
        Tier.PREFECTURE: "地州市级",
        Tier.COUNTY: "县市区级",
        Tier.SCHOOL: "校级",
    },
    rows=(
        RequirementRow(
            key="total",
            label="周期总学分",
            minimum=Decimal("90"),  # 004 五(一) 周期内所有在职教师必须修满90学分
            scope=Scope.CYCLE,
            source="004 五(一)",
            categories=XINJIANG_CREDIT_CATEGORIES,  # POLICIES §7.6 适岗培训不计入90
            is_prorated=True,
        ),
        RequirementRow(
            key="compulsory",
            label="必修课程",
            minimum=Decimal("60"),  # 004 五(一) 必修课程60学分
            scope=Scope.CYCLE,
            source="004 五(一)",
            categories=COMPULSORY,
            is_prorated=True,
        ),
        RequirementRow(
            key="compulsory_public",
            label="必修公共课",
            minimum=Decimal("15"),  # 004 五(一) 公共课不少于15学分
            scope=Scope.CYCLE,
            source="004 五(一)",
            categories=frozenset({C.COMPULSORY_PUBLIC}),
            is_prorated=True,
        ),
        RequirementRow(
            key="elective",
            label="选修课程",
            minimum=Decimal("10"),  # 004 五(一) 选修课程10学分
            scope=Scope.CYCLE,
            source="004 五(一)",
            categories=frozenset({C.ELECTIVE}),
            is_prorated=True,
        ),
        RequirementRow(
            key="school_based",
            label="校本课程",
            minimum=Decimal("20"),  # 004 五(一) 校本课程20学分
            scope=Scope.CYCLE,
            source="004 五(一)",
            categories=frozenset({C.SCHOOL_BASED}),
            is_prorated=True,
        ),
        RequirementRow(
            key="induction",
            label="新任教师适岗培训",
            minimum=Decimal("30"),  # 004 五(一) 新任教师须完成30学分适岗培训
            scope=Scope.CYCLE,
            source="004 一、五(一)",
            categories=frozenset({C.INDUCTION}),
            groups=frozenset({G.NEW_TEACHER}),  # POLICIES §7.6 单列，不计入90/18
        ),
        RequirementRow(
            key="total",
            label="学年总学分",
            minimum=Decimal("18"),  # 004 六(三) 每年须完成18学分培训
            scope=Scope.YEAR,
            source="004 一、六(三)",
            categories=XINJIANG_CREDIT_CATEGORIES,
        ),
        RequirementRow(
            key="compulsory",
            label="必修课程",
            minimum=Decimal("12"),  # 004 六(三) 必修课程12学分
            scope=Scope.YEAR,
            source="004 六(三)",
            categories=COMPULSORY,
        ),
        # POLICIES §7.5: no yearly public-course minimum (六(三) prints none).
        RequirementRow(
            key="elective",
            label="选修课程",
            minimum=Decimal("2"),  # 004 六(三) 选修课程2学分
            scope=Scope.YEAR,
            source="004 六(三)",
            categories=frozenset({C.ELECTIVE}),
        ),
        RequirementRow(
            key="school_based",
            label="校本课程",
            minimum=Decimal("4"),  # 004 六(三) 校本课程4学分
            scope=Scope.YEAR,
            source="004 六(三)",
            categories=frozenset({C.SCHOOL_BASED}),
        ),
    ),
    offsets=(
        # 004 五(一) 必修课程学分超出的，可折抵选修课程和校本课程学分
        OffsetRule("compulsory", ("elective", "school_based"), Scope.CYCLE, "004 五(一)"),
        # POLICIES §7.5 学年12/2/4同样适用折抵
        OffsetRule("compulsory", ("elective", "school_based"), Scope.YEAR, "POLICIES §7.5"),
    ),
    new_teacher=NewTeacherRule(
        is_hired_in_cycle_new=True,  # POLICIES §7.6 周期开始后入职即为新任教师
        proration=Proration.PROPORTIONAL,  # POLICIES §7.6 每剩余学年18学分，以90为限
        source="POLICIES §7.6",
        per_year_row="total",
        cap_row="total",
    ),
    grade_bonus={
        # 004 五(二)2 参加自治区级及以上教师培训经考核评定为合格、良好、优秀的…5%、10%、15%
        Tier.NATIONAL: {
            Grade.PASS: Decimal("0.05"),
            Grade.GOOD: Decimal("0.10"),
            Grade.EXCELLENT: Decimal("0.15"),
        },
        Tier.REGION: {
            Grade.PASS: Decimal("0.05"),
            Grade.GOOD: Decimal("0.10"),
            Grade.EXCELLENT: Decimal("0.15"),
        },
        # 004 五(二)2 参加地（州、市）级及以下…良好、优秀的…分别奖励5%、10%
        Tier.PREFECTURE: {Grade.GOOD: Decimal("0.05"), Grade.EXCELLENT: Decimal("0.10")},
        Tier.COUNTY: {Grade.GOOD: Decimal("0.05"), Grade.EXCELLENT: Decimal("0.10")},
        Tier.SCHOOL: {Grade.GOOD: Decimal("0.05"), Grade.EXCELLENT: Decimal("0.10")},
    },
    lead_instructor_bonus={
        # 004 五(二)2 主讲教师…自治区级及以上奖励200%，地（州、市）级及以下奖励100%
        Tier.NATIONAL: Decimal("2"),
        Tier.REGION: Decimal("2"),
        Tier.PREFECTURE: Decimal("1"),
        Tier.COUNTY: Decimal("1"),
        Tier.SCHOOL: Decimal("1"),
    },
    is_grade_bonus_for_lead_instructor=False,  # POLICIES §7.4
    is_project_approval_required=True,  # 004 六(二) 未经审核的教师培训项目，不予登记继续教育学分
    degree_category=C.COMPULSORY_PROFESSIONAL,  # POLICIES §7.7 学历提升计入专业课
    # 004 五(二)3 按基础学分折算规定折算; degree class hours are taught in class, so the
    # centralized rate applies unless the record names a mode (POLICIES §7.7, our reading).
    degree_mode=Mode.CENTRALIZED,
    is_degree_bonus=False,  # POLICIES §7.7 不计奖励
    grade_quotas=(
        # 004 五(二)2 原则上，良好以上的不超过30%，其中，优秀的不超过15%; 原则上 leaves classes
        # under 10 trainees to the institution (our reading, docs/decisions.md).
        GradeQuota(
            Grade.GOOD,
            frozenset({Grade.GOOD, Grade.EXCELLENT}),
            Decimal("30"),
            "004 五(二)2",
            min_participants=10,
        ),
        GradeQuota(
            Grade.EXCELLENT,
            frozenset({Grade.EXCELLENT}),
            Decimal("15"),
            "004 五(二)2",
            min_participants=10,
        ),
    ),
)


TIANJIN_BINHAI_6 = PolicySpec(
    code="tianjin-binhai-6",
    version=1,
    name="天津市滨海新区中小学（幼儿园）全员第六周期继续教育规划",
    region_name="天津市滨海新区",
    source="000",
    unit=Unit.CREDITS,  # 000 四(五)1 实行学分制
    # POLICIES §7.1: credit years 2017-2021 follow the 5th cycle 2012-2016 (000 一(一)).
    cycle_start=date(2017, 9, 1),
    cycle_end=date(2022, 8, 31),
    year_start_month=9,  # 000 四(五)1 当年的9月1日至次年8月31日…计算为当年
    year_start_day=1,
    precision=PRECISION,
    rounding=ROUND_HALF_UP,
    hours_per_credit=_same_rate("10"),  # 000 四(五)1 原则上10学时折合1学分 (不分形式)
    hours_per_day=HOURS_PER_DAY,
    categories=ALL_CATEGORIES,  # 000 prints no category split
    tier_labels={
        Tier.NATIONAL: "国家级",
        Tier.REGION: "市级",  # 000 四(二)1 市、区、校三级
        Tier.PREFECTURE: "地市级",
        Tier.COUNTY: "区级",
        Tier.SCHOOL: "校级",
    },
    rows=(
        RequirementRow(
            key="total",
            label="第六周期总学分",
            minimum=Decimal("48"),  # 000 四(五)1 第六周期须完成不少于48学分
            scope=Scope.CYCLE,
            source="000 四(五)1",
        ),
        RequirementRow(
            key="total",
            label="年度全员培训",
            # 000 四(二)1 每年…不少于96学时 ÷ 000 四(五)1 10学时折合1学分 = 9.6 学分
            minimum=Decimal("9.6"),
            scope=Scope.YEAR,
            source="000 四(二)1",
        ),
        RequirementRow(
            key="ethics",
            label="新入职教师职业道德教育",
            # 000 四(一) 对新入职教师进行不少于16学时的职业道德教育 ÷ 10 = 1.6 学分
            minimum=Decimal("1.6"),
            scope=Scope.YEAR,
            source="000 四(一)",
            categories=frozenset({C.ETHICS}),
            groups=frozenset({G.NEW_TEACHER}),
            window=YearWindow.FIRST_YEAR,  # POLICIES §7.8 入职当年，计入总学分
        ),
    ),
    new_teacher=NewTeacherRule(
        is_hired_in_cycle_new=True,  # POLICIES §7.6 reading, applied to 000 四(一) 新入职教师
        proration=Proration.NONE,  # 000 prints no proration; 48 stays whole
        source="000 四(一)",
    ),
    is_project_approval_required=True,  # 000 四(五)2 统一登记制度
)


def _yicheng_row(
    key: str,
    label: str,
    hours: str,
    source: str,
    group: TeacherGroup | None = None,
    exempt: frozenset[TeacherGroup] = frozenset(),
) -> RequirementRow:
    return RequirementRow(
        key=key,
        label=label,
        minimum=Decimal(hours),
        scope=Scope.CYCLE,
        source=source,
        categories=frozenset({Category(key)}),
        groups=frozenset() if group is None else frozenset({group}),
        exempt_groups=exempt,
    )


YICHENG_2019 = PolicySpec(
    code="yicheng-2019",
    version=1,
    name="峄城区教师培训发展三年规划（2019年—2021年）",
    region_name="山东省枣庄市峄城区",
    source="001",
    unit=Unit.HOURS,  # 001 四 only class hours 学时 are printed
    cycle_start=date(2019, 1, 1),  # 001 序言 2019年—2021年; POLICIES §7.1
    cycle_end=date(2021, 12, 31),
    year_start_month=9,  # POLICIES §7.2 display only: no yearly figure
    year_start_day=1,
    precision=PRECISION,
    rounding=ROUND_HALF_UP,
    hours_per_credit=_same_rate("1"),  # hours policy: a record counts its own hours
    hours_per_day=HOURS_PER_DAY,
    categories=(
        C.ETHICS,
        C.SCHOOL_BASED,
        C.FULL_STAFF,
        C.ONLINE_COURSE,
        C.IT_CAPABILITY,
        C.CLOUD_CLASSROOM,
        C.PRINCIPAL_QUALIFICATION,
        C.PRINCIPAL_IMPROVEMENT,
        C.PRINCIPAL_ADVANCED,
        C.MIDDLE_MANAGER,
        C.INDUCTION,
        C.YOUNG_BACKBONE,
        C.FAMOUS_TEACHER,
        C.WEAK_SUBJECT,
        C.KINDERGARTEN,
        C.CLASS_TEACHER,
    ),
    tier_labels={
        Tier.NATIONAL: "国家级",
        Tier.REGION: "省级",
        Tier.PREFECTURE: "市级",
        Tier.COUNTY: "区级",
        Tier.SCHOOL: "校级",
    },
    rows=(
        # 001 四(一) 3年内组织教师全员培训不少于36个学时 (师德)
        _yicheng_row("ethics", "师德培训", "36", "001 四(一)"),
        # 001 四(二) 3年组织教师校本培训达到72个学时; POLICIES §7.11 入职培训的78学时不计入
        _yicheng_row("school_based", "校本培训", "72", "001 四(二)"),
        # 001 四(三) 3年组织教师全员培训不低于36个学时
        _yicheng_row("full_staff", "全员培训", "36", "001 四(三)"),
        # 001 四(四)一是 3年内…不少于72个学时的网络课程学习
        _yicheng_row("online_course", "网络课程", "72", "001 四(四)一是"),
        # 001 四(四)二是 3年组织信息化提升重点培育对象培训不少于48个学时
        _yicheng_row("it_capability", "信息化能力", "48", "001 四(四)二是", G.IT_KEY_TARGET),
        # 001 四(四)三是 3年组织重点培育对象培训不少于24个学时
        _yicheng_row("cloud_classroom", "开放性云课堂", "24", "001 四(四)三是", G.IT_KEY_TARGET),
        # 001 四(五)一是 校长任职资格…3年…不少于90个学时; POLICIES §7.11 已持证者免
        _yicheng_row(
            "principal_qualification",
            "校长任职资格",
            "90",
            "001 四(五)一是",
            G.PRINCIPAL,
            frozenset({G.PRINCIPAL_CERTIFIED}),
        ),
        # 001 四(五)二是 在职校长提高…3年…不少于90个学时
        _yicheng_row("principal_improvement", "在职校长提高", "90", "001 四(五)二是", G.PRINCIPAL),
        # 001 四(五)三是 骨干校长高级研修…3年…不少于90个学时
        _yicheng_row(
            "principal_advanced", "骨干校长高级研修", "90", "001 四(五)三是", G.BACKBONE_PRINCIPAL
        ),
        # 001 四(五)四是 3年组织学校中层干部培训不少于48个学时
        _yicheng_row("middle_manager", "中层干部", "48", "001 四(五)四是", G.MIDDLE_MANAGER),
        # 001 四(六)一是 封闭式培训一周共计42个学时，在学校分散培训78个学时，总计120个学时
        _yicheng_row("induction", "新教师入职培训", "120", "001 四(六)一是", G.NEW_TEACHER),
        # 001 四(六)二是 青年骨干教师…3年…不少于48个学时
        _yicheng_row("young_backbone", "青年骨干教师", "48", "001 四(六)二是", G.YOUNG_BACKBONE),
        # 001 四(六)三是 名优教师…相关人员3年培训不少于36个学时
        _yicheng_row("famous_teacher", "名优教师", "36", "001 四(六)三是", G.FAMOUS_TEACHER),
        # 001 四(六)四是 薄弱学科教师…3年培训不少于18个学时
        _yicheng_row("weak_subject", "薄弱学科教师", "18", "001 四(六)四是", G.WEAK_SUBJECT),
        # 001 四(六)五是 幼儿教师…3年培训不少于48个学时
        _yicheng_row("kindergarten", "幼儿教师", "48", "001 四(六)五是", G.KINDERGARTEN),
        # 001 四(六)六是 班主任…3年培训不少于48个学时
        _yicheng_row("class_teacher", "班主任", "48", "001 四(六)六是", G.CLASS_TEACHER),
    ),
    new_teacher=NewTeacherRule(
        is_hired_in_cycle_new=True,  # POLICIES §7.6
        proration=Proration.NONE,  # 001 prints three-year totals only
        source="POLICIES §7.6",
    ),
    is_project_approval_required=True,  # 001 五(一) 培训项目立项和参训人员的选派
)


SONGJIANG_13 = PolicySpec(
    code="songjiang-13",
    version=1,
    name="松江区“十三五”中小学、幼儿园、中等职业学校教师培训工作实施意见（试行稿）",
    region_name="上海市松江区",
    source="002",
    unit=Unit.HOURS,  # 002 三(二)6 学时
    cycle_start=date(2016, 1, 1),  # POLICIES §7.1 十三五 = 2016-2020
    cycle_end=date(2020, 12, 31),
    year_start_month=9,  # POLICIES §7.2 display only: no yearly figure
    year_start_day=1,
    precision=PRECISION,
    rounding=ROUND_HALF_UP,
    hours_per_credit=_same_rate("1"),  # hours policy; 002 prints no hours-per-credit
    hours_per_day=HOURS_PER_DAY,
    categories=ALL_CATEGORIES,  # 002 三(一)1 course families are display tags only
    tier_labels={
        Tier.NATIONAL: "国家级",
        Tier.REGION: "市级",
        Tier.PREFECTURE: "地市级",
        Tier.COUNTY: "区级",
        Tier.SCHOOL: "校级",
    },
    rows=(
        RequirementRow(
            key="it_capability",
            label="信息技术应用能力提升",
            # 002 三(二)6 至2017年底每位教师、校长、教研员完成不少于50学时培训
            minimum=Decimal("50"),
            scope=Scope.CYCLE,
            source="002 三(二)6",
            categories=frozenset({C.IT_CAPABILITY}),
            counted_until=date(2017, 12, 31),  # POLICIES §7.9 唯一的个人定量要求
        ),
    ),
    new_teacher=NewTeacherRule(
        is_hired_in_cycle_new=True,  # POLICIES §7.6 reading; no new-teacher row in 002
        proration=Proration.NONE,
        source="POLICIES §7.6",
    ),
    is_project_approval_required=True,  # 002 三(三)10 先课程申报，再组班报名和学分申报
    share_checks=(
        ShareCheck(
            key="school_based_share",
            groups=frozenset({G.DEVELOPMENT_SCHOOL}),
            categories=frozenset({C.SCHOOL_BASED}),
            # 002 三(一)2 市教师专业发展校每位在职教师…比例各为17%和83%; POLICIES §7.9 仅提示
            expected_percent=Decimal("83"),
            source="002 三(一)2",
        ),
    ),
)


HENAN_2021 = PolicySpec(
    code="henan-2021",
    version=1,
    name="河南省全面深化新时代中小学教师培训体系改革实施意见（豫教师〔2021〕66号）",
    region_name="河南省",
    source="003",
    unit=Unit.HOURS,  # 003 二(五) 五年一周期360学时
    cycle_start=date(2021, 1, 1),  # POLICIES §7.1 发文年起五年
    cycle_end=date(2025, 12, 31),
    year_start_month=9,  # POLICIES §7.2 display only: no yearly figure
    year_start_day=1,
    precision=PRECISION,
    rounding=ROUND_HALF_UP,
    # 003 二(四) 教师线上研修、专家线上指导等按规定计入教师继续教育学时 (POLICIES §7.10 1:1)
    hours_per_credit=_same_rate("1"),
    hours_per_day=HOURS_PER_DAY,
    categories=ALL_CATEGORIES,
    tier_labels={
        Tier.NATIONAL: "国家级",
        Tier.REGION: "省级",  # 003 二(五) 五级教师培训
        Tier.PREFECTURE: "市级",
        Tier.COUNTY: "县级",
        Tier.SCHOOL: "校级",
    },
    rows=(
        RequirementRow(
            key="total",
            label="周期总学时",
            # 003 二(五) 实行五年一周期360学时继续教育制度; POLICIES §7.10 全体教师适用
            minimum=Decimal("360"),
            scope=Scope.CYCLE,
            source="003 二(五)",
        ),
    ),
    new_teacher=NewTeacherRule(
        is_hired_in_cycle_new=True,  # POLICIES §7.6 reading; no new-teacher row in 003
        proration=Proration.NONE,
        source="POLICIES §7.6",
    ),
    is_project_approval_required=True,  # 003 二(三) 建立…分层分类培训项目库
)


PRESETS: dict[str, PolicySpec] = {
    spec.code: spec
    for spec in (XINJIANG_2024, TIANJIN_BINHAI_6, YICHENG_2019, SONGJIANG_13, HENAN_2021)
}
PRESET_CODES: tuple[str, ...] = tuple(PRESETS)


def get_preset(code: str) -> PolicySpec:
    """Return the preset policy `code`, or raise `unknown_policy`."""
    try:
        return PRESETS[code]
    except (KeyError, TypeError):
        raise RuleError("unknown_policy", code=str(code), allowed=list(PRESET_CODES)) from None
