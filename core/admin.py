"""The admin base class that keeps every admin list and form inside the user's jurisdiction."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class PortalHistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin with its history pages behind the admin's own queryset."""

    def history_view(self, request, object_id, extra_context=None):
        """List an object's versions, only for an object the admin's queryset holds.

        simple_history looks the object up without the admin's queryset and falls back to
        the last version of a deleted row; both would show rows of another jurisdiction.
        """
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show one version read-only; reverting is refused (corrections go through services).

        simple_history saves a POSTed revert form with nothing but the view permission and
        without the services' rules (declared records, the ledger), so a POST is refused
        whenever reverting is off (SIMPLE_HISTORY_REVERT_DISABLED) or the user may not
        change this very object.
        """
        obj = self._object_or_404(request, object_id)
        if not str(version_id).isdigit():
            raise Http404  # simple_history would fail on int() with a 500
        if request.method not in ("GET", "HEAD") and (
            self.revert_disabled(request, obj) or not self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def _object_or_404(self, request, object_id):
        if getattr(self.model._meta, "simple_history_manager_attribute", None) is None:
            raise Http404  # a model without history has no history page
        try:
            return self.get_queryset(request).get(pk=unquote(object_id))
        except (self.model.DoesNotExist, ValueError, TypeError) as error:
            raise Http404 from error


class RestrictedAdmin(PortalHistoryAdmin):
    """Admin whose lists, objects and foreign-key choices go through `restrict()`.

    Superusers see everything (restrict returns all rows for them); an officer with staff
    access sees and changes only what their jurisdiction holds, and picks related rows only
    from inside it.
    """

    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return self.model._default_manager.restrict(request.user, "view")

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or self._within(request, obj, "view")

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
        if "queryset" not in kwargs and hasattr(manager, "restrict"):  # a JurisdictionQuerySet
            kwargs["queryset"] = manager.restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _within(self, request, obj, action):
        return self.model._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()


admin.site.empty_value_display = "—"
