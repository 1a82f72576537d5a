"""Errors raised by the projects services."""

from django.utils.translation import gettext_lazy as _

from config.exceptions import DomainError


class ProjectError(DomainError):
    """A project rule refused the operation."""

    code = "project_error"


class ProjectsNotFound(ProjectError):
    code = "projects_not_found"
    message = _("有 %(count)d 个项目不存在或不在您的管辖范围内。")
    status = 404


class ProjectsNotReviewable(ProjectError):
    code = "projects_not_reviewable"
    message = _("有 %(count)d 个项目不是待审核状态，不能审核。")


class ProjectNotSubmittable(ProjectError):
    code = "project_not_submittable"
    message = _("只有草稿或已退回的项目可以提交审核。")


class ReviewNoteRequired(ProjectError):
    code = "review_note_required"
    message = _("退回项目时请填写审核意见，说明需要修改的地方。")
