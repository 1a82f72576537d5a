from django.contrib import admin

from core.admin import RestrictedAdmin

from .models import TrainingProject, TrainingRecord


@admin.register(TrainingProject)
class TrainingProjectAdmin(RestrictedAdmin):
    list_display = (
        "code",
        "name",
        "tier",
        "mode",
        "category",
        "hours",
        "starts_on",
        "ends_on",
        "issuing_unit",
        "institution",
        "review_status",
    )
    list_filter = ("review_status", "tier", "mode", "category", "kind")
    search_fields = ("code", "name", "institution__name", "issuing_unit__name")
    list_select_related = ("issuing_unit", "institution")
    autocomplete_fields = ("issuing_unit", "school", "institution")
    readonly_fields = ("reviewed_by", "reviewed_at")
    date_hierarchy = "starts_on"


@admin.register(TrainingRecord)
class TrainingRecordAdmin(RestrictedAdmin):
    list_display = (
        "teacher",
        "project",
        "hours",
        "leave_hours",
        "grade",
        "role",
        "completed_on",
        "status",
    )
    list_filter = ("status", "grade", "role", "project__tier", "project__mode")
    search_fields = ("teacher__name", "=teacher__id_number", "project__name", "project__code")
    list_select_related = ("teacher", "project")
    autocomplete_fields = ("teacher", "project")
    date_hierarchy = "completed_on"
