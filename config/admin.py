"""The admin base class that keeps every admin list and form inside the user's jurisdiction."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from institutions.jurisdiction import JurisdictionQuerySet


class RestrictedAdmin(SimpleHistoryAdmin):
    """Admin whose lists, objects and foreign-key choices go through `restrict()`.

    Superusers see everything (restrict returns all rows for them); an officer with staff
    access sees and changes only what their jurisdiction holds, and picks related rows only
    from inside it.
    """

    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return self.model._default_manager.restrict(request.user, "view")

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self._within(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self._within(request, obj, "delete")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if "queryset" not in kwargs and isinstance(manager.all(), JurisdictionQuerySet):
            kwargs["queryset"] = manager.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _within(self, request, obj, action):
        return self.model._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()


admin.site.empty_value_display = "—"
