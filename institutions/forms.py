"""Shape-only forms of the institutions pages: login codes and lifting a login lock."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class OTPTokenForm(forms.Form):
    """The 6-digit code an authenticator app shows; spaces are ignored."""

    # Named otp_token so that django-axes masks it in what it records of a failed login
    # (AXES_SENSITIVE_PARAMETERS).
    otp_token = forms.CharField(
        label=_("6 位验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "maxlength": "12",
                "autofocus": True,
            }
        ),
    )

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        if len(token) != 6 or not token.isascii() or not token.isdigit():
            raise ValidationError(_("请输入 6 位数字验证码。"), code="invalid")
        return token


class LiftLockoutForm(forms.Form):
    """Which lock to lift: the account and the address it is locked at."""

    username = forms.CharField(max_length=150)
    ip_address = forms.GenericIPAddressField(required=False)
