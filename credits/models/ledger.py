"""The credit ledger: credits recognised for approved records, append-only."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.choices import Category

from ..querysets import CreditLedgerEntryQuerySet

__all__ = ["CreditLedgerEntry", "EntryType"]


class EntryType(models.TextChoices):
    POSTING = "posting", _("认定")
    REVERSAL = "reversal", _("冲销")


class CreditLedgerEntry(models.Model):
    """Credits one approved record earned, frozen with the policy version that computed them.

    The ledger is append-only: an entry is never edited or deleted. Withdrawing credits posts
    a reversal entry with the negated amounts, so the sum over a teacher's entries is always
    what they hold, and every change keeps who and when.
    """

    teacher = models.ForeignKey(
        "trainees.Teacher",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("教师"),
    )
    record = models.ForeignKey(
        "projects.TrainingRecord",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("培训记录"),
    )
    policy = models.ForeignKey(
        "credits.Policy", on_delete=models.PROTECT, related_name="+", verbose_name=_("学分政策")
    )
    entry_type = models.CharField(
        _("类型"), max_length=16, choices=EntryType.choices, default=EntryType.POSTING
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("冲销的分录"),
    )
    occurred_on = models.DateField(_("完成日期"))
    school_year = models.CharField(_("学年"), max_length=9)
    category = models.CharField(_("课程类别"), max_length=32, choices=Category.choices)
    effective_hours = models.DecimalField(_("有效学时"), max_digits=7, decimal_places=1)
    base = models.DecimalField(_("基础学分"), max_digits=8, decimal_places=2)
    bonus = models.DecimalField(_("加分"), max_digits=8, decimal_places=2)
    credits = models.DecimalField(_("学分"), max_digits=8, decimal_places=2)
    bonus_rate = models.DecimalField(_("加分比例"), max_digits=6, decimal_places=4)
    explanation = models.CharField(_("计算说明"), max_length=300)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("认定人"),
    )
    posted_at = models.DateTimeField(_("认定时间"), db_index=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)

    objects = CreditLedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ("teacher", "occurred_on", "pk")
        verbose_name = verbose_name_plural = _("学分台账")
        constraints = [
            models.CheckConstraint(
                condition=Q(credits=F("base") + F("bonus")),
                name="%(app_label)s_%(class)s_credits_are_base_plus_bonus",
                violation_error_message=_("学分必须等于基础学分加加分。"),
            ),
            models.CheckConstraint(
                condition=Q(entry_type=EntryType.POSTING, reverses__isnull=True, base__gte=0)
                | Q(entry_type=EntryType.REVERSAL, reverses__isnull=False, base__lte=0),
                name="%(app_label)s_%(class)s_postings_positive_reversals_linked",
                violation_error_message=_("认定分录不能为负，冲销分录必须指向被冲销的分录。"),
            ),
        ]
        indexes = [
            # Every progress read sums one teacher's entries within the cycle window by school
            # year and category: with those columns included, PostgreSQL answers from the index
            # alone, without visiting entries scattered over years of postings.
            models.Index(
                fields=["teacher", "occurred_on"],
                include=["school_year", "category", "credits"],
                name="ledger_teacher_date_covering",
            ),
        ]

    def __str__(self):
        return f"{self.teacher} · {self.get_category_display()} · {self.credits}"
