"""Forms of the trainees app: a teacher's admin form that never carries the whole ID number."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Teacher
from .national_id import normalize_id_number, validate_id_number


class MaskedNationalIdWidget(forms.Widget):
    """Show a masked ID number as text, with a 显示 button that POSTs to the reveal endpoint.

    The button submits the form it sits in (for its CSRF token) to `reveal_url`; the script
    static/js/national_id.js does the same POST in place and puts the whole number in the text.
    """

    reveal_url = ""

    def render(self, name, value, attrs=None, renderer=None):
        element_id = (attrs or {}).get("id") or f"id_{name}"
        text = format_html('<span class="national-id" id="{}">{}</span>', element_id, value or "")
        if not self.reveal_url:
            return text
        return format_html(
            '{} <button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate data-national-id-target="{}" data-failed-label="{}">{}</button>',
            text,
            self.reveal_url,
            element_id,
            _("无法显示，请刷新后重试"),
            _("显示"),
        )

    def value_from_datadict(self, data, files, name):
        return None  # shown, never submitted


class TeacherChangeForm(forms.ModelForm):
    """A teacher's admin form: the ID number masked, and a blank field to correct it.

    The stored number is never put in the page (not even in an input's value). Whoever may
    change the teacher types a whole new number into `new_id_number`; blank means unchanged.
    `may_reveal` (set by the admin for roles with view_national_id) adds the 显示 button.
    """

    may_reveal = False

    national_id = forms.CharField(
        label=_("身份证号码"), required=False, disabled=True, widget=MaskedNationalIdWidget
    )
    new_id_number = forms.CharField(
        label=_("更正身份证号码"),
        required=False,
        max_length=40,
        help_text=_("留空表示不修改。号码登记错误时，在此填写完整的18位新号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Teacher
        fields = [
            "name",
            "national_id",
            "new_id_number",
            "gender",
            "school",
            "subject",
            "hired_on",
            "career_stage",
            "group_tags",
            "user",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["national_id"].initial = self.instance.masked_id_number
        if self.may_reveal and self.instance.pk is not None:
            self.fields["national_id"].widget.reveal_url = reverse(
                "trainees:national_id_reveal", args=[self.instance.pk]
            )

    def clean_new_id_number(self):
        number = normalize_id_number(self.cleaned_data.get("new_id_number") or "")
        if not number:
            return ""
        validate_id_number(number)
        if Teacher.objects.filter(id_number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                Teacher._meta.get_field("id_number").error_messages["unique"], code="unique"
            )
        return number

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_id_number"):
            self.instance.id_number = cleaned["new_id_number"]
        return cleaned
