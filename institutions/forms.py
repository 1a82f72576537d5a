"""Shape-only forms of the institutions pages: lifting a login lock."""

from django import forms


class LiftLockoutForm(forms.Form):
    """Which lock to lift: the account and the address it is locked at."""

    username = forms.CharField(max_length=150)
    ip_address = forms.GenericIPAddressField(required=False)
