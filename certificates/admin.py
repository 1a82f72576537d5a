from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import RestrictedAdmin
from core.errors import DomainError
from institutions.choices import UnitLevel
from institutions.models import AdministrativeUnit

from .models import BureauSeal, Certificate, CertificateCounter, CertificateNumber
from .seals import checked_seal_png
from .services import revoke_certificate


class ReadOnlyAdmin(RestrictedAdmin):
    """Certificates and numbers are written by services only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = (
        "certificate_number",
        "teacher_name",
        "kind",
        "period",
        "version",
        "status",
        "total_credits",
        "issuing_bureau",
        "issued_on",
    )
    list_filter = ("status", "kind", "period", "issued_on")
    search_fields = ("=number__number", "teacher_name", "school_name", "issuing_bureau")
    list_select_related = ("number",)
    date_hierarchy = "issued_on"
    actions = ("revoke",)
    exclude = ("teacher",)  # the snapshot fields show who it is; the ID number stays masked

    @admin.display(description=_("证书编号"), ordering="number__number")
    def certificate_number(self, obj):
        return obj.number.number

    def has_revoke_permission(self, request):
        return request.user.has_perm("certificates.revoke_certificate")

    @admin.action(description=_("撤销所选证书"), permissions=["revoke"])
    def revoke(self, request, queryset):
        """Ask for a reason, then revoke each selected certificate through the service."""
        reason = (request.POST.get("reason") or "").strip()
        if "confirm" not in request.POST or not reason:
            return TemplateResponse(
                request,
                "certificates/admin/revoke_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("撤销证书"),
                    "certificates": queryset.select_related("number"),
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                    "reason_missing": "confirm" in request.POST,
                },
            )
        revoked = 0
        for certificate in queryset.select_related("number"):
            try:
                revoke_certificate(certificate=certificate, reason=reason, by=request.user)
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                revoked += 1
        if revoked:
            self.message_user(
                request,
                ngettext("已撤销 %(n)d 份证书。", "已撤销 %(n)d 份证书。", revoked)
                % {"n": revoked},
                messages.SUCCESS,
            )
        return None


@admin.register(CertificateNumber)
class CertificateNumberAdmin(ReadOnlyAdmin):
    list_display = ("number", "prefix", "serial", "teacher", "school", "allocated_at")
    list_filter = ("school__school_type",)
    search_fields = ("=number", "prefix", "teacher__name")
    list_select_related = ("teacher", "school")


@admin.register(CertificateCounter)
class CertificateCounterAdmin(admin.ModelAdmin):
    list_display = ("prefix", "last_serial", "updated_at")
    search_fields = ("prefix",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BureauSealForm(forms.ModelForm):
    class Meta:
        model = BureauSeal
        fields = ("unit", "image")
        help_texts = {
            "image": _("PNG 或 JPEG，边长 100-2000 像素，不超过 1 MB；建议透明背景的红色圆章。"),
        }

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.checked_png = checked_seal_png(upload)
        return upload


@admin.register(BureauSeal)
class BureauSealAdmin(RestrictedAdmin):
    """Each county bureau's seal for its certificates; new PDFs print it, old ones keep theirs."""

    form = BureauSealForm
    list_display = ("unit", "uploaded_at")
    list_select_related = ("unit",)

    def has_add_permission(self, request):
        # Only a county bureau has a seal to set (the levels above issue no certificates).
        return super().has_add_permission(request) and (
            request.user.is_superuser or self._own_counties(request).exists()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = self._own_counties(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def _own_counties(request):
        counties = AdministrativeUnit.objects.filter(level=UnitLevel.COUNTY)
        if request.user.is_superuser:
            return counties
        return counties.filter(pk=getattr(request.user, "unit_id", None))

    def save_model(self, request, obj, form, change):
        png = getattr(form, "checked_png", None)
        if png is not None:  # store the re-encoded pixels, never the uploaded bytes
            obj.image.save(f"{obj.unit.code}.png", ContentFile(png), save=False)
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
