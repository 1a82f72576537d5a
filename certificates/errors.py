"""Errors raised by the certificate services, with Chinese messages."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class CertificateError(DomainError):
    """A certificate rule refused the operation."""

    code = "certificate_error"


class CertificateCodeMissing(CertificateError):
    """The teacher's county or prefecture has no two-digit certificate code (004 附件)."""

    code = "certificate_code_missing"
    message = _(
        "教师“%(teacher)s”所在的%(level)s“%(unit)s”（行政区划代码 %(unit_code)s）没有证书编号代码，"
        "无法分配电子证书编号。请先由地（州、市）教育行政部门为其编排两位代码。"
    )


class SchoolTypeCodeInvalid(CertificateError):
    """The teacher's school has no school-type code 1-6 (004 附件 三)."""

    code = "school_type_code_invalid"
    message = _(
        "教师“%(teacher)s”所在学校“%(school)s”的学校类型代码“%(school_type)s”无效，"
        "应为 1-6（小学、初中、高中、幼儿园、特殊教育、教学服务机构）。"
    )


class CertificatePrefixExhausted(CertificateError):
    """Every serial 0001-9999 under one `PP CC T` prefix is used (004 附件 四)."""

    code = "certificate_prefix_exhausted"
    message = _(
        "证书编号前缀 %(prefix)s 的流水号已用完（已用 %(used)s 个，最多 9999 个），"
        "本次还需 %(needed)s 个，未分配任何编号。请联系自治区教育厅确定扩号办法。"
    )
    status = 409


class CertificatePeriodInvalid(CertificateError):
    """The cycle or school year is not written as the certificate kind needs."""

    code = "certificate_period_invalid"
    message = _("%(kind)s的期间“%(period)s”格式不对，应写作%(expected)s。")


class CertificateCreditsInvalid(CertificateError):
    """The credits given for a certificate are negative or not numbers."""

    code = "certificate_credits_invalid"
    message = _("证书学分“%(label)s”的数值“%(credits)s”无效，应为不小于 0、最多两位小数的数字。")


class CertificateNotRevocable(CertificateError):
    """Only a certificate in force can be revoked."""

    code = "certificate_not_revocable"
    message = _(
        "证书 %(number)s（%(period)s，第 %(version)s 版）当前状态为“%(status)s”，不能撤销。"
    )
    status = 409


class CertificateRevokeReasonMissing(CertificateError):
    """A revocation needs a reason."""

    code = "certificate_revoke_reason_missing"
    message = _("撤销证书必须填写原因。")


class CertificateNotPermitted(CertificateError):
    """The user may not act on this certificate."""

    code = "certificate_not_permitted"
    message = _("您无权撤销证书 %(number)s。")
    status = 403


class SchoolYearNotComplete(CertificateError):
    """A yearly proof is issued only for a school year whose requirement is met."""

    code = "school_year_not_complete"
    message = _("%(year)s 学年的学分要求尚未完成，不能出具学年学分证明。")
