"""Errors raised by the institutions services."""

from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError


class InstitutionError(DomainError):
    """An administrative-unit or account rule refused the operation."""

    code = "institution_error"


class UnknownProvince(InstitutionError):
    """The province code is not in the official code list."""

    code = "unknown_province"
    message = _("行政区划代码表中没有省级代码 %(code)s。")


class AccountScopeMissing(InstitutionError):
    """A role was given without the unit, school or institution it acts for."""

    code = "account_scope_missing"
    message = _("角色“%(role)s”的账号必须指定%(needs)s。")


class LockoutNotFound(InstitutionError):
    """No current login lock of that account at that address lies in the user's jurisdiction."""

    code = "lockout_not_found"
    message = _(
        "没有找到该账号在该地址的登录锁定：可能已自动解除、已被他人解除，或不在您的管辖范围内。"
    )
    status = 404
