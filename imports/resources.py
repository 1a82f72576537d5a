"""django-import-export Resources of training records.

`TrainingRecordResource` is the library's ordinary row-by-row import of the same sheet the
Excel import reads (Chinese headers; teacher by ID number, project by code). `bench_import`
times it against the Excel import (`imports.steps`), which checks whole files with set-based lookups and bulk
writes; the Resource stays the reference for what "the default" costs.
"""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from projects.choices import Grade, RecordRole
from projects.models import TrainingProject, TrainingRecord
from trainees.models import Teacher
from trainees.national_id import mask_id_number


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Resolve a foreign key only among the rows the importing user may act on.

    The resource sets `user` (the instance loader calls widgets without kwargs); the rows come
    through `restrict()` (STYLE §7).
    """

    def __init__(self, model, field, *, action: str, approved_only: bool = False):
        super().__init__(model, field)
        self.action = action
        self.approved_only = approved_only
        self.user = None

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = self.model.objects.restrict(self.user, self.action)
        return queryset.approved() if self.approved_only else queryset


class TeacherByIdNumberWidget(ScopedForeignKeyWidget):
    """Find a teacher by whole ID number on import; write the number masked on export.

    An exported file leaves the portal and its log of who saw whose number (#14), so it carries
    the masked form (650102********1234), as pages and the API do by default.
    """

    def __init__(self, *, action: str):
        super().__init__(Teacher, "id_number", action=action)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else mask_id_number(value.id_number)


class ChoiceLabelWidget(widgets.Widget):
    """Read a choice by its Chinese label (合格 → pass); write it back as the label."""

    def __init__(self, choices, default: str = ""):
        super().__init__()
        self.values = {str(label): value for value, label in choices}
        self.labels = {value: str(label) for value, label in choices}
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return self.default
        if text not in self.values:
            raise ValueError(
                _("“%(value)s”不在可选范围内：%(allowed)s")
                % {"value": text, "allowed": "、".join(self.values)}
            )
        return self.values[text]

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "")


class TrainingRecordResource(resources.ModelResource):
    """Training records keyed by (teacher ID number, project code), with Chinese headers."""

    teacher = fields.Field(
        attribute="teacher",
        column_name="身份证号码",
        widget=TeacherByIdNumberWidget(action="change"),
    )
    project = fields.Field(
        attribute="project",
        column_name="项目编号",
        widget=ScopedForeignKeyWidget(TrainingProject, "code", action="view", approved_only=True),
    )
    hours = fields.Field(attribute="hours", column_name="参训学时", widget=widgets.DecimalWidget())
    leave_hours = fields.Field(
        attribute="leave_hours", column_name="请假学时", widget=widgets.DecimalWidget()
    )
    grade = fields.Field(
        attribute="grade", column_name="考核等次", widget=ChoiceLabelWidget(Grade.choices)
    )
    role = fields.Field(
        attribute="role",
        column_name="参训身份",
        widget=ChoiceLabelWidget(RecordRole.choices, default=RecordRole.TRAINEE),
    )
    completed_on = fields.Field(
        attribute="completed_on", column_name="完成日期", widget=widgets.DateWidget()
    )

    class Meta:
        model = TrainingRecord
        import_id_fields = ("teacher", "project")
        fields = ("teacher", "project", "hours", "leave_hours", "grade", "role", "completed_on")

    def __init__(self, *, user, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        for name in ("teacher", "project"):
            self.fields[name].widget.user = user

    def get_queryset(self):
        """Return the records the user may change; others are never matched or updated."""
        return TrainingRecord.objects.restrict(self.user, "change")
