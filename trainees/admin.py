from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import RestrictedAdmin

from .models import NationalIdDisclosure, Teacher, TeacherGroup


@admin.register(TeacherGroup)
class TeacherGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")


@admin.register(Teacher)
class TeacherAdmin(RestrictedAdmin):
    list_display = (
        "name",
        "masked_id",
        "gender",
        "school",
        "subject",
        "hired_on",
        "career_stage",
        "is_active",
    )
    list_filter = (
        "gender",
        "subject",
        "career_stage",
        "is_active",
        "group_tags",
        "school__school_type",
    )
    search_fields = ("name", "=id_number", "school__name")
    list_select_related = ("school",)
    autocomplete_fields = ("school", "user")
    filter_horizontal = ("group_tags",)
    date_hierarchy = "hired_on"

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number


@admin.register(NationalIdDisclosure)
class NationalIdDisclosureAdmin(RestrictedAdmin):
    """The log of whole ID numbers shown: read-only, like the page that lists it."""

    list_display = ("disclosed_at", "viewer", "teacher", "masked_id", "channel", "address")
    list_filter = ("channel",)
    search_fields = ("teacher__name", "viewer__username")
    list_select_related = ("viewer", "teacher")
    date_hierarchy = "disclosed_at"
    fields = (
        "disclosed_at",
        "viewer",
        "teacher",
        "masked_id",
        "channel",
        "api_client",
        "path",
        "address",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.teacher.masked_id_number
