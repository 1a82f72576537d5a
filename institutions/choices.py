"""Choices shared by the models, forms, filters and serializers of institutions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    REGION = "region", _("省级（自治区）")
    PREFECTURE = "prefecture", _("地州市")
    COUNTY = "county", _("县市区")


class SchoolType(models.TextChoices):
    """School types and their one-digit code in the certificate number (004 附件 T)."""

    PRIMARY = "1", _("小学")
    JUNIOR = "2", _("初中")
    SENIOR = "3", _("高中")
    KINDERGARTEN = "4", _("幼儿园")
    SPECIAL = "5", _("特殊教育学校")
    SERVICE = "6", _("教学服务机构")


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class ApprovalLevel(models.TextChoices):
    """The level of the bureau that recognised a training institution."""

    NATIONAL = "national", _("国家级")
    REGION = "region", _("自治区（省）级")
    PREFECTURE = "prefecture", _("地州市级")
    COUNTY = "county", _("县市区级")


class QualificationStatus(models.TextChoices):
    QUALIFIED = "qualified", _("资质有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已撤销")


class Role(models.TextChoices):
    """What an account acts as; each role maps to one Django group (institutions.roles)."""

    TEACHER = "teacher", _("教师")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    COUNTY_OFFICER = "county_officer", _("县级教育局")
    PREFECTURE_OFFICER = "prefecture_officer", _("地州市教育局")
    REGION_OFFICER = "region_officer", _("自治区（省）教育厅")
    INSTITUTION_STAFF = "institution_staff", _("培训机构")


OFFICER_ROLES = frozenset({Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.REGION_OFFICER})
ROLE_UNIT_LEVEL = {
    Role.COUNTY_OFFICER: UnitLevel.COUNTY,
    Role.PREFECTURE_OFFICER: UnitLevel.PREFECTURE,
    Role.REGION_OFFICER: UnitLevel.REGION,
}
