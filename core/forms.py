"""Form fields that belong to no domain."""

from django import forms


class TickedIdsField(forms.TypedMultipleChoiceField):
    """The ids of the rows ticked on a list page.

    Any integer is accepted here: the service finds the rows through restrict() or refuses,
    so a tampered id is answered by the jurisdiction check, not by the form.
    """

    def __init__(self, *, required_message: str, **kwargs):
        super().__init__(coerce=int, choices=(), required=True, **kwargs)
        self.error_messages["required"] = required_message

    def valid_value(self, value):
        return True
