"""A realistic Xinjiang demo dataset: the real administrative tree, schools, teachers, projects
and training records of 2024-2026, with one login per role.

Everything is drawn from a fixed random seed, so two fresh databases get the same data, and a
second run on a seeded database changes nothing. Demo only: the passwords are public.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history
from stdnum.cn import ric

from credits.services import post_ledger_entries
from institutions.choices import ApprovalLevel, Ownership, Role, SchoolType, UnitLevel
from institutions.models import AdministrativeUnit, School, TrainingInstitution, User
from institutions.services import create_account, load_administrative_units
from projects.choices import (
    Category,
    Grade,
    Mode,
    RecordRole,
    RecordStatus,
    ReviewStatus,
    Tier,
)
from projects.models import TrainingProject, TrainingRecord
from trainees.choices import CareerStage, Gender, GroupCode, Subject
from trainees.models import Teacher, TeacherGroup

DEMO_PASSWORD = "demo12345"  # noqa: S105 demo data only, printed in the README
DEMO_SEED = 20240901
DEMO_TODAY = datetime.date(2026, 11, 20)  # the demo's records run up to this day
XINJIANG = "65"
SCHOOL_CODE_PREFIX = "9"  # demo schools' 10-digit codes start with 9; real codes never do

# The counties the demo logins act for, and the two of the certificate annex's examples.
DEMO_COUNTY = "650102"  # 乌鲁木齐市天山区
ANNEX_COUNTIES = ("653101", "650402")  # 喀什市, 吐鲁番市高昌区 (004 附件 examples)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    acts_for: str


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建文辉力宇浩凯婷雪琳晨欣怡佳颖瑞博思嘉雨梅蕾燕"
UYGHUR_GIVEN = [
    "阿依古丽",
    "买买提",
    "热依拉",
    "艾力",
    "古丽娜尔",
    "阿不都",
    "努尔",
    "迪丽拜尔",
    "吐尔逊",
    "帕提古丽",
    "麦尔丹",
    "阿迪力",
]
UYGHUR_FAMILY = ["买买提", "艾买提", "吐尔洪", "阿不拉", "热合曼", "依明", "卡德尔", "沙吾提"]

CHINESE_NUMERALS = "〇一二三四五六七八九"
SCHOOL_NAMES = {
    SchoolType.PRIMARY: "第{n}小学",
    SchoolType.JUNIOR: "第{n}初级中学",
    SchoolType.SENIOR: "第{n}高级中学",
    SchoolType.KINDERGARTEN: "第{n}幼儿园",
    SchoolType.SPECIAL: "特殊教育学校",
    SchoolType.SERVICE: "教师发展中心",
}
SUBJECTS_BY_TYPE = {
    SchoolType.KINDERGARTEN: [Subject.PRESCHOOL],
    SchoolType.SPECIAL: [Subject.SPECIAL_EDUCATION, Subject.CHINESE, Subject.MATHEMATICS],
    SchoolType.SERVICE: [Subject.OTHER, Subject.MENTAL_HEALTH, Subject.INFORMATION_TECHNOLOGY],
}
CLASSROOM_SUBJECTS = [
    Subject.CHINESE,
    Subject.CHINESE,
    Subject.MATHEMATICS,
    Subject.MATHEMATICS,
    Subject.ENGLISH,
    Subject.PHYSICS,
    Subject.CHEMISTRY,
    Subject.BIOLOGY,
    Subject.POLITICS,
    Subject.HISTORY,
    Subject.GEOGRAPHY,
    Subject.PHYSICAL_EDUCATION,
    Subject.MUSIC,
    Subject.ART,
    Subject.INFORMATION_TECHNOLOGY,
    Subject.SCIENCE,
]

PROJECT_TOPICS = {
    Category.COMPULSORY_PUBLIC: [
        "师德师风专题培训",
        "教育政策法规研修",
        "心理健康教育培训",
        "国家通用语言文字能力提升",
    ],
    Category.COMPULSORY_PROFESSIONAL: [
        "学科教学能力提升",
        "新课标解读与教学设计",
        "大单元教学实践",
        "作业设计与评价",
    ],
    Category.ELECTIVE: ["教研专题研修", "课题研究方法", "送教下乡指导活动", "信息技术应用能力提升"],
    Category.SCHOOL_BASED: ["校本研修：听评课", "校本研修：集体备课", "校本研修：课例研究"],
}


def demo_logins() -> list[DemoLogin]:
    """Return the demo logins with what each acts for, as printed after seeding."""
    rows = (
        User.objects.filter(username__startswith="demo-")
        .select_related("unit", "school", "institution", "teacher_profile__school")
        .order_by("pk")
    )
    logins = []
    for user in rows:
        acts_for = (
            user.unit or user.school or user.institution or getattr(user, "teacher_profile", None)
        )
        label = Role(user.role).label if user.role else "系统管理员"
        logins.append(DemoLogin(user.username, str(label), str(acts_for or "全部数据")))
    return logins


def seed_demo() -> bool:
    """Build the demo dataset unless it is already there; return whether anything was built."""
    if School.objects.filter(code__startswith=SCHOOL_CODE_PREFIX).exists():
        return False
    with transaction.atomic():
        _Builder(random.Random(DEMO_SEED)).build()  # noqa: S311 demo data, not cryptography
    return True


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.units: dict[str, AdministrativeUnit] = {}

    def build(self) -> None:
        self.units = {u.code: u for u in load_administrative_units(province_code=XINJIANG)}
        admin = User.objects.filter(username="demo-admin").first() or User.objects.create_superuser(
            username="demo-admin", password=DEMO_PASSWORD, last_name="系统", first_name="管理员"
        )
        schools = self._schools()
        institutions = self._institutions()
        teachers = self._teachers(schools, admin)
        projects = self._projects(schools, institutions, admin)
        showcase = self._showcase_teacher(schools, teachers)
        self._records(teachers, projects, admin, showcase)
        self._accounts(schools, institutions, teachers, showcase)
        self._audit(schools, showcase)

    # -- schools and institutions -------------------------------------------------------------
    def _schools(self) -> list[School]:
        counties = [u for u in self.units.values() if u.level == UnitLevel.COUNTY]
        by_prefecture: dict[int, list[AdministrativeUnit]] = {}
        for county in counties:
            by_prefecture.setdefault(county.parent_id, []).append(county)
        chosen = [self.units[DEMO_COUNTY], *(self.units[c] for c in ANNEX_COUNTIES)]
        for prefecture_counties in by_prefecture.values():
            extra = [c for c in prefecture_counties if c not in chosen]
            chosen.extend(self.rng.sample(extra, min(2, len(extra))))
        types = [SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.SENIOR, SchoolType.KINDERGARTEN]
        schools = []
        for index, county in enumerate(chosen):
            if county.code in (DEMO_COUNTY, *ANNEX_COUNTIES):
                county_types = [*types, SchoolType.PRIMARY, SchoolType.JUNIOR]
                if county.code == DEMO_COUNTY:
                    county_types += [SchoolType.SPECIAL, SchoolType.SERVICE]
            else:
                county_types = [types[(index + k) % 4] for k in range(self.rng.choice([1, 2]))]
            numbers: dict[str, int] = {}
            for school_type in county_types:
                numbers[school_type] = numbers.get(school_type, 0) + 1
                number = CHINESE_NUMERALS[numbers[school_type]]
                name = county.name + SCHOOL_NAMES[school_type].format(n=number)
                schools.append(
                    School(
                        name=name,
                        code=f"{SCHOOL_CODE_PREFIX}{county.code}{len(schools) + 1:03d}",
                        county=county,
                        school_type=school_type,
                        ownership=Ownership.PRIVATE
                        if school_type == SchoolType.KINDERGARTEN and index % 3 == 0
                        else Ownership.PUBLIC,
                    )
                )
        return bulk_create_with_history(schools, School)

    def _institutions(self) -> list[TrainingInstitution]:
        region = self.units["650000"]
        rows = [
            ("新疆教育学院", region, ApprovalLevel.REGION),
            ("新疆师范大学教师培训中心", region, ApprovalLevel.NATIONAL),
            ("乌鲁木齐市教育研究中心", self.units["650100"], ApprovalLevel.PREFECTURE),
            ("喀什地区教育学院", self.units["653100"], ApprovalLevel.PREFECTURE),
            ("吐鲁番市教师培训中心", self.units["650400"], ApprovalLevel.PREFECTURE),
            ("天山区教师发展中心", self.units[DEMO_COUNTY], ApprovalLevel.COUNTY),
            ("伊犁州教育研究培训中心", self.units["654000"], ApprovalLevel.PREFECTURE),
        ]
        return bulk_create_with_history(
            [
                TrainingInstitution(
                    name=name,
                    unit=unit,
                    approval_level=level,
                    qualified_until=datetime.date(2028, 12, 31),
                )
                for name, unit, level in rows
            ],
            TrainingInstitution,
        )

    # -- teachers ----------------------------------------------------------------------------
    def _teachers(self, schools: list[School], admin: User) -> list[Teacher]:
        rng = self.rng
        teachers: list[Teacher] = []
        tags: list[tuple[int, str]] = []
        seen_ids: set[str] = set()
        for school in schools:
            size = rng.randint(25, 60) if school.county.code != DEMO_COUNTY else 60
            subjects = SUBJECTS_BY_TYPE.get(school.school_type, CLASSROOM_SUBJECTS)
            for position in range(size):
                hired_on = self._hire_date()
                id_number = self._id_number(school, hired_on, seen_ids)
                gender = Gender.MALE if ric.compact(id_number)[16] in "13579" else Gender.FEMALE
                teachers.append(
                    Teacher(
                        name=self._name(gender),
                        id_number=id_number,
                        gender=gender,
                        school=school,
                        subject=rng.choice(subjects),
                        hired_on=hired_on,
                        career_stage=self._stage(hired_on),
                    )
                )
                index = len(teachers) - 1
                for code in self._groups(school, hired_on, position):
                    tags.append((index, code))
        teachers = bulk_create_with_history(teachers, Teacher, default_user=admin)
        group_ids = dict(TeacherGroup.objects.values_list("code", "pk"))
        through = Teacher.group_tags.through
        through.objects.bulk_create(
            [through(teacher_id=teachers[i].pk, teachergroup_id=group_ids[c]) for i, c in tags]
        )
        return teachers

    def _hire_date(self) -> datetime.date:
        rng = self.rng
        if rng.random() < 0.08:  # new teachers of this cycle (POLICIES §7.6)
            year = rng.choice([2024, 2025])
            return datetime.date(year, 9, 1)
        return datetime.date(rng.randint(1990, 2023), rng.choice([7, 8, 9]), rng.randint(1, 28))

    def _id_number(self, school: School, hired_on: datetime.date, seen: set[str]) -> str:
        rng = self.rng
        while True:
            born = hired_on.year - rng.randint(21, 26)
            birth = datetime.date(born, rng.randint(1, 12), rng.randint(1, 28))
            # Most teachers were born where they teach; the county code is written as printed,
            # even where the county was created after their birth (高昌区 since 2015).
            place = school.county.code if rng.random() < 0.7 else rng.choice(list(self.units))
            body = f"{place}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in seen:
                seen.add(number)
                return number

    def _name(self, gender: str) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return f"{rng.choice(UYGHUR_GIVEN)}·{rng.choice(UYGHUR_FAMILY)}"
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
        return rng.choice(SURNAMES) + given

    def _stage(self, hired_on: datetime.date) -> str:
        years = 2026 - hired_on.year
        if years <= 1:
            return CareerStage.PROBATIONARY
        if years <= 3:
            return CareerStage.NEW
        if years <= 6:
            return CareerStage.YOUNG
        return self.rng.choice([CareerStage.MATURE] * 4 + [CareerStage.BACKBONE])

    def _groups(self, school: School, hired_on: datetime.date, position: int) -> list[str]:
        rng = self.rng
        codes = []
        if position == 0:
            codes.append(GroupCode.PRINCIPAL)
        elif position in (1, 2):
            codes.append(GroupCode.MIDDLE_MANAGER)
        if hired_on >= datetime.date(2024, 1, 1):
            codes.append(GroupCode.NEW_TEACHER)
        if school.school_type == SchoolType.KINDERGARTEN:
            codes.append(GroupCode.KINDERGARTEN)
        if position > 2 and rng.random() < 0.3:
            codes.append(GroupCode.CLASS_TEACHER)
        if rng.random() < 0.1:
            codes.append(GroupCode.BACKBONE)
        return codes

    # -- projects and records ----------------------------------------------------------------
    def _projects(self, schools, institutions, admin) -> list[TrainingProject]:
        rng = self.rng
        region = self.units["650000"]
        prefectures = [u for u in self.units.values() if u.level == UnitLevel.PREFECTURE]
        counties = sorted({s.county for s in schools}, key=lambda c: c.code)
        by_unit = {i.unit_id: i for i in institutions}
        projects: list[TrainingProject] = []

        def add(tier, unit, school, mode, category, hours, starts_on, status=ReviewStatus.APPROVED):
            topic = rng.choice(PROJECT_TOPICS[category])
            owner = school.name if school else (unit.name if unit else "国培计划")
            institution = None
            if mode != Mode.SCHOOL_BASED:
                institution = by_unit.get(unit.pk if unit else None) or institutions[0]
            days = max(1, int(hours) // 8)
            projects.append(
                TrainingProject(
                    code=f"XJ{starts_on:%Y}{tier[:2].upper()}{len(projects) + 1:04d}",
                    name=f"{starts_on.year}年{owner}{topic}",
                    tier=tier,
                    issuing_unit=unit if tier != Tier.SCHOOL else school.county,
                    school=school,
                    institution=institution,
                    mode=mode,
                    category=category,
                    hours=Decimal(hours),
                    starts_on=starts_on,
                    ends_on=starts_on
                    + datetime.timedelta(days=days if mode != Mode.ONLINE else 60),
                    review_status=status,
                    reviewed_by=admin if status == ReviewStatus.APPROVED else None,
                )
            )

        for year in (2024, 2025, 2026):
            add(
                Tier.NATIONAL,
                None,
                None,
                Mode.ONLINE,
                Category.COMPULSORY_PUBLIC,
                50,
                datetime.date(year, 3, 10),
            )
            add(
                Tier.NATIONAL,
                None,
                None,
                Mode.CENTRALIZED,
                Category.COMPULSORY_PROFESSIONAL,
                80,
                datetime.date(year, 7, 8),
            )
            for month, category, mode, hours in (
                (4, Category.COMPULSORY_PUBLIC, Mode.CENTRALIZED, 24),
                (5, Category.COMPULSORY_PROFESSIONAL, Mode.ONLINE, 50),
                (10, Category.COMPULSORY_PROFESSIONAL, Mode.CENTRALIZED, 40),
                (11, Category.ELECTIVE, Mode.ONLINE, 30),
            ):
                add(
                    Tier.REGION, region, None, mode, category, hours, datetime.date(year, month, 12)
                )
            for prefecture in prefectures:
                add(
                    Tier.PREFECTURE,
                    prefecture,
                    None,
                    Mode.CENTRALIZED,
                    Category.COMPULSORY_PROFESSIONAL,
                    32,
                    datetime.date(year, 4, rng.randint(1, 25)),
                )
                add(
                    Tier.PREFECTURE,
                    prefecture,
                    None,
                    Mode.CENTRALIZED,
                    Category.ELECTIVE,
                    16,
                    datetime.date(year, 10, rng.randint(1, 25)),
                )
            for county in counties:
                add(
                    Tier.COUNTY,
                    county,
                    None,
                    Mode.CENTRALIZED,
                    Category.COMPULSORY_PUBLIC,
                    16,
                    datetime.date(year, 8, rng.randint(20, 28)),
                )
                add(
                    Tier.COUNTY,
                    county,
                    None,
                    Mode.CENTRALIZED,
                    Category.ELECTIVE,
                    12,
                    datetime.date(year, 12, rng.randint(1, 20)),
                )
            for school in schools:
                add(
                    Tier.SCHOOL,
                    None,
                    school,
                    Mode.SCHOOL_BASED,
                    Category.SCHOOL_BASED,
                    20,
                    datetime.date(year, 3, 1),
                )
                add(
                    Tier.SCHOOL,
                    None,
                    school,
                    Mode.SCHOOL_BASED,
                    Category.SCHOOL_BASED,
                    10,
                    datetime.date(year, 10, 1),
                )
        # Work left for the bureaus: projects waiting for review, one sent back.
        demo_county = self.units[DEMO_COUNTY]
        add(
            Tier.COUNTY,
            demo_county,
            None,
            Mode.CENTRALIZED,
            Category.ELECTIVE,
            24,
            datetime.date(2026, 11, 2),
            ReviewStatus.SUBMITTED,
        )
        add(
            Tier.COUNTY,
            demo_county,
            None,
            Mode.ONLINE,
            Category.COMPULSORY_PROFESSIONAL,
            30,
            datetime.date(2026, 10, 15),
            ReviewStatus.SUBMITTED,
        )
        add(
            Tier.COUNTY,
            demo_county,
            None,
            Mode.CENTRALIZED,
            Category.ELECTIVE,
            8,
            datetime.date(2026, 9, 20),
            ReviewStatus.REJECTED,
        )
        return bulk_create_with_history(projects, TrainingProject, default_user=admin)

    def _showcase_teacher(self, schools, teachers) -> Teacher:
        """Pick demo-teacher: a junior-secondary teacher of the demo county, in post since 2015."""
        county = self.units[DEMO_COUNTY]
        school = next(
            s for s in schools if s.county_id == county.pk and s.school_type == SchoolType.JUNIOR
        )
        return next(t for t in teachers if t.school_id == school.pk and t.hired_on.year < 2020)

    def _audit(self, schools, showcase) -> None:
        """Run the nightly audit once, so progress, numbers and certificates exist at start.

        Every county gets progress rows and certificate numbers; certificates are issued in
        demo-teacher's school only, which keeps the first `make run` quick (each PDF takes a
        moment); `manage.py run_audit` issues the rest.
        """
        from audit.anomalies import detect_anomalies
        from audit.progress import recompute_county_progress
        from audit.summaries import summarize_county
        from certificates.cycle import has_certificate_codes, issue_cycle_certificates
        from certificates.services import allocate_certificate_numbers
        from credits.selectors import PolicyCache

        cache = PolicyCache()
        for county in sorted({s.county for s in schools}, key=lambda c: c.code):
            recompute_county_progress(county_id=county.pk, as_of=DEMO_TODAY)
            policy, spec = cache.for_county(county)
            detect_anomalies(county_id=county.pk, policy=policy)
            summarize_county(county_id=county.pk, spec=spec, as_of=DEMO_TODAY)
            if has_certificate_codes(county):
                ids = list(
                    Teacher.objects.filter(school__county=county).values_list("pk", flat=True)
                )
                allocate_certificate_numbers(teacher_ids=ids)
            if county.pk == showcase.school.county_id:
                issue_cycle_certificates(county=county, spec=spec, school_id=showcase.school_id)

    def _records(self, teachers, projects, admin, showcase) -> None:
        rng = self.rng
        national = [p for p in projects if p.tier == Tier.NATIONAL]
        region = [p for p in projects if p.tier == Tier.REGION]
        by_unit: dict[int, list[TrainingProject]] = {}
        by_school: dict[int, list[TrainingProject]] = {}
        for p in projects:
            if p.tier == Tier.SCHOOL:
                by_school.setdefault(p.school_id, []).append(p)
            elif p.issuing_unit_id:
                by_unit.setdefault(p.issuing_unit_id, []).append(p)
        today = DEMO_TODAY
        records: list[TrainingRecord] = []
        for teacher in teachers:
            county = teacher.school.county
            pool = (
                rng.sample(national, 2)
                + rng.sample(region, rng.randint(2, 5))
                + by_unit.get(county.parent_id, [])
                + by_unit.get(county.pk, [])
                + by_school.get(teacher.school_id, [])
            )
            diligence = rng.random()
            if teacher is showcase:
                # demo-teacher has attended everything open to them: a complete cycle.
                pool, diligence = pool + national + region, 2.0
            for project in dict.fromkeys(pool):
                if project.starts_on < teacher.hired_on or project.ends_on > today:
                    continue  # records are registered once a project has ended
                if project.tier != Tier.SCHOOL and rng.random() > 0.25 + diligence * 0.5:
                    continue
                records.append(self._record(teacher, project, today))
        self._grade(records)
        records = bulk_create_with_history(
            records, TrainingRecord, batch_size=2000, default_user=admin
        )
        # Approved demo records carry their credits in the ledger, as the approval service
        # would have posted them (004 五(三) 学分认定).
        approved = [r for r in records if r.status == RecordStatus.APPROVED]
        post_ledger_entries(records=approved, by=admin)

    def _record(self, teacher, project, today) -> TrainingRecord:
        rng = self.rng
        leave = Decimal(0)
        if project.mode == Mode.CENTRALIZED and rng.random() < 0.15:
            leave = Decimal(rng.choice([2, 4, 8])).min(project.hours)
        if project.review_status != ReviewStatus.APPROVED or project.ends_on > today:
            status = RecordStatus.DRAFT
        elif project.ends_on >= datetime.date(2026, 9, 1):
            status = rng.choice([RecordStatus.DECLARED] * 3 + [RecordStatus.DRAFT])
        else:
            status = RecordStatus.REJECTED if rng.random() < 0.01 else RecordStatus.APPROVED
        lead = project.tier in (Tier.COUNTY, Tier.PREFECTURE) and rng.random() < 0.01
        return TrainingRecord(
            teacher=teacher,
            project=project,
            hours=project.hours,
            leave_hours=leave,
            role=RecordRole.LEAD_INSTRUCTOR if lead else RecordRole.TRAINEE,
            completed_on=project.ends_on,
            status=status,
            reject_reason="学时证明材料不全，请补充签到表后重新申报。"
            if status == RecordStatus.REJECTED
            else "",
        )

    def _grade(self, records: list[TrainingRecord]) -> None:
        """Grade each project's trainees within the quotas (004 五(二)2 良好以上≤30%，优秀≤15%)."""
        rng = self.rng
        by_project: dict[int, list[TrainingRecord]] = {}
        for record in records:
            by_project.setdefault(record.project_id, []).append(record)
        for project_records in by_project.values():
            rng.shuffle(project_records)
            total = len(project_records)
            excellent = total * 10 // 100
            good = total * 25 // 100 - excellent
            for position, record in enumerate(project_records):
                if record.status == RecordStatus.DRAFT and rng.random() < 0.5:
                    record.grade = ""  # the institution has not entered grades yet
                elif position < excellent:
                    record.grade = Grade.EXCELLENT
                elif position < excellent + good:
                    record.grade = Grade.GOOD
                elif rng.random() < 0.02:
                    record.grade = Grade.FAIL
                    if record.status == RecordStatus.APPROVED:
                        # 004 五(二)1 考核不合格的，不予登记学分: the county sends it back.
                        record.status = RecordStatus.REJECTED
                        record.reject_reason = "考核不合格，不予登记学分。"
                else:
                    record.grade = Grade.PASS

    # -- accounts ----------------------------------------------------------------------------
    def _accounts(self, schools, institutions, teachers, teacher) -> None:
        county = self.units[DEMO_COUNTY]
        school = teacher.school
        accounts = [
            ("demo-school", Role.SCHOOL_ADMIN, "王校办", {"school": school}, True),
            ("demo-county", Role.COUNTY_OFFICER, "李继教", {"unit": county}, True),
            ("demo-prefecture", Role.PREFECTURE_OFFICER, "张继教", {"unit": county.parent}, True),
            ("demo-region", Role.REGION_OFFICER, "赵继教", {"unit": self.units["650000"]}, True),
            (
                "demo-institution",
                Role.INSTITUTION_STAFF,
                "周培训",
                {"institution": institutions[0]},
                False,
            ),
        ]
        for username, role, name, scope, is_staff in accounts:
            create_account(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                full_name=name,
                is_staff=is_staff,
                **scope,
            )
        user = create_account(
            username="demo-teacher",
            password=DEMO_PASSWORD,
            role=Role.TEACHER,
            full_name=teacher.name,
        )
        teacher.user = user
        teacher.save(update_fields=["user", "updated_at"])
