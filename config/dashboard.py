"""What each role's home page shows: who the user acts for, a few counts and next steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from institutions.choices import OFFICER_ROLES, Role
from institutions.models import School
from projects.choices import RecordStatus, ReviewStatus
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher


@dataclass(frozen=True)
class Stat:
    label: str
    value: int


@dataclass(frozen=True)
class HomeSummary:
    role: str
    acting_for: str
    stats: list[Stat] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def acting_for(user) -> str:
    """Return the name of the unit, school, institution or teacher the account acts for."""
    if user.role in OFFICER_ROLES and user.unit_id:
        return user.unit.name
    if user.role == Role.SCHOOL_ADMIN and user.school_id:
        return user.school.name
    if user.role == Role.INSTITUTION_STAFF and user.institution_id:
        return user.institution.name
    if user.role == Role.TEACHER and hasattr(user, "teacher_profile"):
        return f"{user.teacher_profile.school.name} · {user.teacher_profile.name}"
    return _("系统管理员") if user.is_superuser else _("未分配单位")


def home_summary_for(user) -> HomeSummary:
    """Return the counts and next steps of `user`'s home page, inside their jurisdiction."""
    role = Role(user.role).label if user.role else _("系统管理员")
    records = TrainingRecord.objects.restrict(user)
    if user.role == Role.TEACHER:
        return HomeSummary(
            role=role,
            acting_for=acting_for(user),
            stats=[
                Stat(_("培训记录"), records.count()),
                Stat(_("已认定记录"), records.filter(status=RecordStatus.APPROVED).count()),
                Stat(_("审核中记录"), records.filter(status=RecordStatus.DECLARED).count()),
            ],
            next_steps=[
                _(
                    "在“学分进度”页查看本周期和每个学年已获得、还差的学分；"
                    "完成本周期学分后，电子证书也在该页下载。"
                )
            ],
        )
    if user.role == Role.INSTITUTION_STAFF:
        return HomeSummary(
            role=role,
            acting_for=acting_for(user),
            stats=[
                Stat(_("承训项目"), TrainingProject.objects.restrict(user).count()),
                Stat(_("学员记录"), records.count()),
                Stat(_("待录入等次"), records.filter(grade="").count()),
            ],
            next_steps=[_("请为已结业学员录入参训学时、请假学时和考核等次。")],
        )
    projects = TrainingProject.objects.restrict(user, "change")
    stats = [
        Stat(_("学校"), School.objects.restrict(user).count()),
        Stat(_("教师"), Teacher.objects.restrict(user).count()),
        Stat(_("培训记录"), records.count()),
        Stat(_("待审核记录"), records.filter(status=RecordStatus.DECLARED).count()),
    ]
    if user.role == Role.SCHOOL_ADMIN:
        steps = [_("登记本校教师的培训记录，核对后向县级教育局申报学分。")]
        stats[3] = Stat(_("待申报记录"), records.filter(status=RecordStatus.DRAFT).count())
        stats.pop(0)
    else:
        stats.append(
            Stat(_("待审核项目"), projects.filter(review_status=ReviewStatus.SUBMITTED).count())
        )
        steps = [_("审核辖区内提交的培训项目和学校申报的学分记录。")]
    return HomeSummary(role=role, acting_for=acting_for(user), stats=stats, next_steps=steps)
