"""Admin of API clients: register (the token is shown once), rotate, revoke; read the call log."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.admin import RestrictedAdmin

from .models import ApiCallLog, ApiClient
from .services import (
    register_api_client,
    revoke_api_client,
    rotate_api_client_token,
    set_api_client_access,
)
from .tokens import forget_checked_tokens


@admin.register(ApiClient)
class ApiClientAdmin(RestrictedAdmin):
    list_display = (
        "name",
        "unit",
        "access",
        "token_prefix",
        "requests_per_minute",
        "may_read_national_ids",
        "created_at",
        "token_rotated_at",
        "revoked_at",
    )
    list_filter = ("access", "may_read_national_ids")
    search_fields = ("name", "token_prefix", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    fields = ("name", "unit", "access", "may_read_national_ids", "requests_per_minute", "contact")
    actions = ("rotate_tokens", "revoke_clients")

    def get_readonly_fields(self, request, obj=None):
        # The unit is the client's jurisdiction and its account's: fixed once registered.
        return ("unit",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the call log keeps pointing at the client

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "access" in form.changed_data:
                set_api_client_access(client=obj, access=obj.access)
            elif "may_read_national_ids" in form.changed_data:
                forget_checked_tokens()  # the next call of the client reads the new setting
            return
        issued = register_api_client(
            name=obj.name,
            unit=obj.unit,
            access=obj.access,
            by=request.user,
            requests_per_minute=obj.requests_per_minute,
            contact=obj.contact,
            may_read_national_ids=obj.may_read_national_ids,
        )
        obj.pk, obj.user_id = issued.client.pk, issued.client.user_id
        obj._state.adding = False
        self.message_user(
            request,
            _t("接口客户端“%(name)s”的令牌只显示这一次，请立即复制并安全转交：%(token)s")
            % {"name": issued.client.name, "token": issued.token},
            messages.WARNING,
        )

    @admin.action(description=_("更换所选客户端的令牌（新令牌只显示一次）"), permissions=["change"])
    def rotate_tokens(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            issued = rotate_api_client_token(client=client, by=request.user)
            self.message_user(
                request,
                _t("“%(name)s”的新令牌（旧令牌已失效，新令牌只显示这一次）：%(token)s")
                % {"name": client.name, "token": issued.token},
                messages.WARNING,
            )

    @admin.action(description=_("吊销所选客户端（令牌立即失效）"), permissions=["change"])
    def revoke_clients(self, request, queryset):
        for client in queryset:
            revoke_api_client(client=client, by=request.user)
        self.message_user(
            request, _t("已吊销 %(n)d 个接口客户端。") % {"n": queryset.count()}, messages.SUCCESS
        )


@admin.register(ApiCallLog)
class ApiCallLogAdmin(RestrictedAdmin):
    list_display = ("at", "client", "method", "path", "status", "duration_ms")
    list_filter = ("status", "method")
    search_fields = ("path", "client__name")
    list_select_related = ("client",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
