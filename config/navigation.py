"""The navigation each role sees, derived from what its role may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.permissions import can
from credits.approving import approves_anything
from credits.models import AuditAnomaly, CreditLedgerEntry, ProgressSummary
from institutions.choices import OFFICER_ROLES, Role
from institutions.models import User
from projects.models import TrainingProject, TrainingRecord
from trainees.models import NationalIdDisclosure


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


def navigation_for(user) -> list[NavItem]:
    """Return the menu entries of `user`'s role, in the order they appear."""
    if not user.is_authenticated:
        return []
    entries = [("home", _("首页"), True)]
    if user.role == Role.TEACHER:
        entries.append(("certificates:my_progress", _("学分进度"), True))
        entries.append(("credits:ledger", _("我的学分"), True))
    entries += [
        (
            "credits:overview",
            _("进度总览") if user.role != Role.SCHOOL_ADMIN else _("本校进度"),
            (user.is_officer or user.role == Role.SCHOOL_ADMIN or user.is_superuser)
            and can(user, ProgressSummary, "view"),
        ),
        # One approving level per county's policy (004 五(三)): the other levels have no queue.
        (
            "credits:approval_queue",
            _("学分认定"),
            can(user, TrainingRecord, "approve") and approves_anything(user),
        ),
        ("projects:review_queue", _("项目审核"), can(user, TrainingProject, "review")),
        (
            "records:list",
            _("培训记录"),
            user.role != Role.TEACHER and can(user, TrainingRecord, "view"),
        ),
        (
            "projects:project_list",
            _("培训项目"),
            user.role != Role.TEACHER and can(user, TrainingProject, "view"),
        ),
        (
            "credits:ledger",
            _("学分台账"),
            user.role != Role.TEACHER and can(user, CreditLedgerEntry, "view"),
        ),
        ("credits:anomalies", _("核查异常"), user.is_officer and can(user, AuditAnomaly, "view")),
        (
            "trainees:national_id_log",
            _("身份证查看记录"),
            can(user, NationalIdDisclosure, "view"),
        ),
        ("accounts:lockouts", _("登录锁定"), can(user, User, "unlock")),
        ("credits:calculator", _("学分计算器"), True),
        ("accounts:two_factor", _("两步验证"), user.role != Role.TEACHER or user.is_staff),
        (
            "admin:index",
            _("数据管理"),
            user.is_staff
            and (user.is_superuser or user.role in OFFICER_ROLES | {Role.SCHOOL_ADMIN}),
        ),
    ]
    return [NavItem(label, reverse(name), name) for name, label, shown in entries if shown]
