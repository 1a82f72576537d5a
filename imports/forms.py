"""Forms of the Excel import: shape only (a file within the size limit; an upload id)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import FileTooLarge
from .files import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("选择 Excel 文件"),
        help_text=_(".xlsx 或 CSV（UTF-8 或 GBK 编码），不超过 10 MB、50000 行。"),
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,.xlsm,.csv,.xls", "aria-describedby": "file-hint"}
        ),
        error_messages={
            "required": _("请先选择要上传的文件。"),
            "empty": _("上传的文件是空的（0 字节），请检查后重新选择。"),
        },
    )

    def clean_file(self):
        """Refuse a file above the limit by its size alone, before anything reads it."""
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                str(
                    FileTooLarge(
                        size=f"{file.size / 1024 / 1024:.1f}",
                        limit=MAX_UPLOAD_BYTES // 1024 // 1024,
                    )
                ),
                code="too_large",
            )
        return file


class ConfirmForm(forms.Form):
    upload = forms.CharField(max_length=64, widget=forms.HiddenInput)
