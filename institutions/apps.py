from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("行政区划与单位")

    def ready(self):
        from .roles import sync_role_groups

        # Role groups are plumbing like Django's own permissions: rebuilt after every migrate
        # so a permission added by any app reaches its roles without a hand-written migration.
        post_migrate.connect(sync_role_groups, dispatch_uid="institutions.sync_role_groups")
