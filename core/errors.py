"""The base of every domain error: a business rule refused an operation.

Kept apart from the API's error handling (core.exceptions) so that models and services can
raise domain errors without loading REST framework while apps load.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation; the message is shown to the user as is."""

    code = "domain_error"
    message = _("操作未完成。")
    status = 400

    def __init__(self, **params):
        self.params = params
        super().__init__(self.code)

    def __str__(self):
        return str(self.message) % self.params
