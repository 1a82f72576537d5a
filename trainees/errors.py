"""Errors raised by the trainees services."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class TraineeError(DomainError):
    """A rule about teachers refused the operation."""

    code = "trainee_error"


class NationalIdNotPermitted(TraineeError):
    """The account's role may not see whole ID numbers (trainees.view_national_id)."""

    code = "national_id_not_permitted"
    message = _("您的账号无权查看完整身份证号码。")
    status = 403


class TeacherNotFound(TraineeError):
    """No such teacher lies in the account's jurisdiction."""

    code = "teacher_not_found"
    message = _("未找到该教师，或其不在您的管辖范围内。")
    status = 404
