from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import RestrictedAdmin
from core.errors import DomainError

from .models import Policy, PolicyBonusRate, PolicyRequirement
from .services import create_policy_version, publish_policy


class FrozenUnlessDraftInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_editable

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_editable


class PolicyRequirementInline(FrozenUnlessDraftInline):
    model = PolicyRequirement
    fields = (
        "position",
        "scope",
        "key",
        "label",
        "minimum",
        "categories",
        "groups",
        "exempt_groups",
        "window",
        "counted_until",
        "is_prorated",
        "source",
    )


class PolicyBonusRateInline(FrozenUnlessDraftInline):
    model = PolicyBonusRate
    fields = ("tier", "applies_to", "rate")


@admin.register(Policy)
class PolicyAdmin(RestrictedAdmin):
    """Policies are edited as drafts, published by action, and never changed once published."""

    list_display = (
        "code",
        "version",
        "name",
        "region_name",
        "applies_to_code",
        "status",
        "published_at",
    )
    list_filter = ("status", "unit")
    search_fields = ("code", "name", "region_name")
    inlines = (PolicyRequirementInline, PolicyBonusRateInline)
    actions = ("copy_as_new_version", "publish")
    readonly_fields = ("status", "based_on", "published_at", "published_by")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "version",
                    "name",
                    "region_name",
                    "applies_to_code",
                    "source",
                    "status",
                    "based_on",
                    "published_at",
                    "published_by",
                )
            },
        ),
        (
            _("周期与学年"),
            {"fields": ("unit", "cycle_start", "cycle_end", "year_start_month", "year_start_day")},
        ),
        (
            _("学时折算"),
            {
                "fields": (
                    "hours_per_credit_centralized",
                    "hours_per_credit_online",
                    "hours_per_credit_school_based",
                    "hours_per_day",
                    "precision",
                    "rounding",
                )
            },
        ),
        (
            _("加分与审核"),
            {
                "fields": (
                    "is_grade_bonus_for_lead_instructor",
                    "is_project_approval_required",
                    "grade_quotas",
                )
            },
        ),
        (_("学历提升"), {"fields": ("degree_category", "degree_mode", "is_degree_bonus")}),
        (
            _("认定层级与工作目标"),
            {
                "fields": (
                    "approving_level",
                    "approving_level_source",
                    "target_coverage",
                    "target_completion",
                    "target_satisfaction",
                    "targets_source",
                )
            },
        ),
        (
            _("新任教师"),
            {
                "fields": (
                    "new_teacher_is_hired_in_cycle_new",
                    "new_teacher_proration",
                    "new_teacher_per_year_row",
                    "new_teacher_cap_row",
                    "new_teacher_source",
                )
            },
        ),
        (
            _("其他"),
            {
                "fields": ("categories", "tier_labels", "offsets", "share_checks"),
                "classes": ("collapse",),
            },
        ),
    )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False  # a published policy is frozen; copy it as a new version instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("复制为新版本（草稿）"), permissions=["add"])
    def copy_as_new_version(self, request, queryset):
        for policy in queryset & Policy.objects.restrict(request.user, "add"):
            draft = create_policy_version(policy=policy)
            self.message_user(
                request, _("已创建草稿 %(policy)s，修改后请发布。") % {"policy": draft}
            )

    @admin.action(description=_("发布所选草稿（替换当前生效版本）"), permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        # The list also shows policies that apply from above; only the officer's own publish.
        for policy in queryset & Policy.objects.restrict(request.user, "change"):
            try:
                publish_policy(policy=policy, by=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("已发布 %(n)d 个政策版本。", "已发布 %(n)d 个政策版本。", published)
                % {"n": published},
            )
