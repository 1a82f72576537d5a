from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import RestrictedAdmin

from .models import Teacher, TeacherGroup


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
