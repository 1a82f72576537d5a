from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    """Provincial and county platforms that call the REST API: their clients and tokens, the
    call log, idempotent replays and their own ids of the records they push."""

    name = "platforms"
    verbose_name = _("接口平台")

    def ready(self):
        from . import schema  # noqa: F401 registers the bearer token's OpenAPI description
