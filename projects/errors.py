"""Errors raised by the projects services."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


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


class ImplausibleRecord(ProjectError):
    """A training record says something its project makes impossible (projects.plausibility).

    `field` is the record's field at fault, as the import and the API name it. The message
    starts with the record when one is named (`record=""` in an import row or API item).
    """

    code = "implausible_record"
    field = ""

    def __str__(self):
        problem = super().__str__()
        if not self.params.get("record"):
            return problem
        return str(_("%(record)s：%(problem)s")) % {
            "record": self.params["record"],
            "problem": problem,
        }


class ImplausibleRecords(ProjectError):
    """Some of a batch of records cannot be true of their projects; each is named."""

    code = "implausible_records"
    message = _("有 %(count)d 条记录与培训项目不符，请更正后再提交：%(details)s")


class HoursAboveProject(ImplausibleRecord):
    """More hours than the project has (004 五(三) 学时由发文单位确定)."""

    code = "hours_above_project"
    field = "hours"
    message = _("参训学时 %(hours)s 超过项目“%(project)s”的学时 %(limit)s，请核对。")


class LeaveAboveHours(ImplausibleRecord):
    """More leave than hours attended (004 五(三) 培训中请假的需扣除)."""

    code = "leave_above_hours"
    field = "leave_hours"
    message = _("请假学时（%(leave)s）不能超过参训学时（%(hours)s）。")


class CompletedBeforeStart(ImplausibleRecord):
    """A completion date before the project began."""

    code = "completed_before_start"
    field = "completed_on"
    message = _("完成日期 %(value)s 早于项目开始日期 %(starts)s，请核对。")


class CompletedAfterEnd(ImplausibleRecord):
    """A completion date after the project ended."""

    code = "completed_after_end"
    field = "completed_on"
    message = _("完成日期 %(value)s 晚于项目结束日期 %(ends)s，请核对。")


class CompletedInFuture(ImplausibleRecord):
    """A completion date still to come: training not finished cannot be registered."""

    code = "completed_in_future"
    field = "completed_on"
    message = _("完成日期 %(value)s 晚于今天（%(today)s），培训完成后才能登记。")


class ProjectOfAnotherSchool(ImplausibleRecord):
    """A school-based project of another school (004 三(三) 校本研修由学校组织)."""

    code = "project_of_another_school"
    field = "project"
    message = _(
        "项目“%(project)s”（%(code)s）是其他学校的校本研修项目，只能登记该校的教师，请核对项目。"
    )
