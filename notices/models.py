"""In-portal notices: what the portal tells one account (a corrected certificate, a withdrawn
credit), shown under the bell until read."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Notice", "NoticeKind"]


class NoticeKind(models.TextChoices):
    CERTIFICATE_CORRECTED = "certificate_corrected", _("证书已更正")
    CERTIFICATE_REVOKED = "certificate_revoked", _("证书已撤销")
    CREDITS_WITHDRAWN = "credits_withdrawn", _("学分已撤销")
    CREDITS_CORRECTED = "credits_corrected", _("学分已更正")


class NoticeQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Return the notices `user` may see: their own, whatever their role.

        A notice is a letter to one account, not a jurisdiction's record: no officer and no
        superuser reads another account's notices (the events they tell of have their own
        history on the record or the certificate).
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=32, choices=NoticeKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.CharField(_("内容"), max_length=1000)
    # A path inside the portal (never an outside address): where the notice leads.
    link = models.CharField(_("链接"), max_length=200, blank=True)
    # The event the notice tells of, so that telling twice (a task retried) stores it once.
    event_key = models.CharField(_("事件标识"), max_length=100)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = verbose_name_plural = _("站内通知")
        constraints = [
            models.UniqueConstraint(
                fields=("recipient", "event_key"), name="notices_notice_one_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=("recipient", "created_at"),
                condition=Q(read_at__isnull=True),
                name="notices_unread_idx",
            )
        ]

    def __str__(self):
        return self.title
