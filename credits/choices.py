"""Choices of credit policies; values match the rule engine's enums (credits.rules.types)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    """A policy is edited only as a draft; once published it is frozen (new versions instead)."""

    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("生效中")
    RETIRED = "retired", _("已停用")


class PolicyUnit(models.TextChoices):
    CREDITS = "credits", _("学分")
    HOURS = "hours", _("学时")


class RequirementScope(models.TextChoices):
    CYCLE = "cycle", _("每周期")
    YEAR = "year", _("每学年")


class YearWindow(models.TextChoices):
    EVERY_YEAR = "every_year", _("每个学年")
    FIRST_YEAR = "first_year", _("入职当学年")


class Proration(models.TextChoices):
    NONE = "none", _("不折算")
    PROPORTIONAL = "proportional", _("按剩余学年折算")


class Rounding(models.TextChoices):
    HALF_UP = "ROUND_HALF_UP", _("四舍五入")
    HALF_EVEN = "ROUND_HALF_EVEN", _("银行家舍入")
    DOWN = "ROUND_DOWN", _("截尾")
    FLOOR = "ROUND_FLOOR", _("向下取整")
    CEILING = "ROUND_CEILING", _("向上取整")


class ApprovingLevel(models.TextChoices):
    """The one bureau level that recognises a county's credits (004 五(三) 由地州市或县级教育局认定)."""

    COUNTY = "county", _("县级教育局")
    PREFECTURE = "prefecture", _("地州市教育局")


LEAD_INSTRUCTOR = "lead_instructor"
BONUS_APPLIES_TO = [
    ("pass", _("合格")),
    ("good", _("良好")),
    ("excellent", _("优秀")),
    (LEAD_INSTRUCTOR, _("主讲教师")),
]
