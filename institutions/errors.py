"""Errors raised by the institutions services."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


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


class TwoFactorError(InstitutionError):
    """A two-factor (TOTP) step was refused."""

    code = "two_factor_error"


class TwoFactorCodeWrong(TwoFactorError):
    """The 6-digit code does not match the account's authenticator."""

    code = "two_factor_code_wrong"
    message = _("验证码不正确或已过期：请输入身份验证器里当前显示的 6 位数字。")


class TwoFactorThrottled(TwoFactorError):
    """Too many wrong codes in a row: the device refuses codes for a while."""

    code = "two_factor_throttled"
    message = _("验证码连续输错，请 %(seconds)d 秒后再试。")
    status = 429


class TwoFactorNotStarted(TwoFactorError):
    """A code was sent to confirm an authenticator, but none is being set up."""

    code = "two_factor_not_started"
    message = _("尚未开始设置两步验证，请先点击“开启两步验证”。")


class TwoFactorNotEnabled(TwoFactorError):
    """The account has no confirmed authenticator."""

    code = "two_factor_not_enabled"
    message = _("此账号尚未开启两步验证。")


class TwoFactorAlreadyEnabled(TwoFactorError):
    """The account already has a confirmed authenticator."""

    code = "two_factor_already_enabled"
    message = _("此账号已开启两步验证；如需更换手机，请先关闭再重新开启。")
