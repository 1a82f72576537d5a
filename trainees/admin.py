"""Admin of teachers and of the log of whole ID numbers shown; ID numbers stay masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from core.addresses import client_address
from core.admin import RestrictedAdmin

from .choices import DisclosureChannel
from .forms import TeacherChangeForm
from .models import NationalIdDisclosure, Teacher, TeacherGroup
from .national_id import mask_id_number
from .selectors import may_view_national_ids
from .services import record_national_id_disclosures

# Fields of a teacher (and of its history) that hold an ID number.
NATIONAL_ID_FIELDS = frozenset({"id_number"})


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """simple_history's change list of a version, with ID numbers masked on both sides."""

    def prepare_delta_change_value(self, change, value):
        if change.field in NATIONAL_ID_FIELDS and isinstance(value, str):
            return mask_id_number(value)
        return super().prepare_delta_change_value(change, value)


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

    class Media:
        js = ("js/national_id.js",)

    def get_search_results(self, request, queryset, search_term):
        """Search by name, school or a whole ID number; a match on a whole number is logged.

        Finding a teacher by a whole number confirms that number, so guessing the masked
        birth date one search at a time would show it without a trace. A match therefore
        counts as a showing (显示) for the roles that may see numbers, and matches nothing
        for the others.
        """
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().upper()
        if not (len(term) == 18 and term[:17].isdigit()):
            return results, may_have_duplicates
        if not may_view_national_ids(request.user):
            return results.exclude(id_number=term), may_have_duplicates
        matched = list(results.filter(id_number=term).values_list("pk", flat=True))
        if matched:
            record_national_id_disclosures(
                teacher_ids=matched,
                by=request.user,
                channel=DisclosureChannel.ADMIN,
                path=request.get_full_path(),
                address=client_address(request),
            )
        return results, may_have_duplicates

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Use the masked form for an existing teacher; a new one is typed in whole."""
        if obj is not None:
            kwargs["form"] = TeacherChangeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.may_reveal = may_view_national_ids(request.user)  # a class made for this call
        return form

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            fields = [f for f in fields if f != "new_id_number"]
        return fields

    def save_model(self, request, obj, form, change):
        if change and form.cleaned_data.get("new_id_number"):
            obj._change_reason = "更正身份证号码"
        super().save_model(request, obj, form, change)

    def lookup_allowed(self, lookup, value, request=None):
        """Refuse list filters on the ID number (`?id_number__startswith=6501021985`).

        Django allows lookups on any field of the model itself; one on the ID number would let
        an officer guess a whole number digit by digit from whether the teacher stays listed,
        without the 显示 button and its log. The search box keeps its exact match (=id_number).
        """
        if lookup.split("__", 1)[0] in NATIONAL_ID_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryContextHelper(self.model, historical_record)

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("身份证号码"))
    def national_id(self, obj):
        """The masked number where the whole form is read-only (view permission only)."""
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
