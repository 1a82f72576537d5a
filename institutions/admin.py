from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import RestrictedAdmin

from .models import AdministrativeUnit, LoginUnlock, School, TrainingInstitution, User


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(RestrictedAdmin):
    list_display = ("name", "code", "level", "parent", "certificate_code")
    list_filter = ("level",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    readonly_fields = ("path",)
    ordering = ("path",)


@admin.register(School)
class SchoolAdmin(RestrictedAdmin):
    list_display = ("name", "code", "county", "school_type", "ownership", "is_directly_affiliated")
    list_filter = ("school_type", "ownership", "county__parent")
    search_fields = ("name", "code", "county__name")
    list_select_related = ("county",)
    autocomplete_fields = ("county",)


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(RestrictedAdmin):
    list_display = ("name", "unit", "approval_level", "qualification_status", "qualified_until")
    list_filter = ("approval_level", "qualification_status")
    search_fields = ("name", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)


@admin.register(User)
class PortalUserAdmin(UserAdmin, RestrictedAdmin):
    """Accounts, each user seeing only those of their jurisdiction (officers read, not edit)."""

    list_display = (
        "username",
        "get_full_name",
        "role",
        "unit",
        "school",
        "institution",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "last_name", "first_name", "phone")
    list_select_related = ("unit", "school", "institution")
    autocomplete_fields = ("unit", "school", "institution")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("所属单位与角色"), {"fields": ("role", "unit", "school", "institution", "phone")}),
    )

    @admin.display(description=_("姓名"))
    def get_full_name(self, obj):
        return obj.get_full_name()


@admin.register(LoginUnlock)
class LoginUnlockAdmin(RestrictedAdmin):
    """Lifted login locks: read-only, as they are the record of who lifted which."""

    list_display = ("lifted_at", "account", "ip_address", "failures", "lifted_by")
    search_fields = ("account__username", "lifted_by__username", "ip_address")
    list_select_related = ("account", "lifted_by")
    date_hierarchy = "lifted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
