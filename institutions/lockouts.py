"""Login lockouts: the current locks of accounts and lifting one.

django-axes counts failed logins per account and address (`AccessAttempt`, the address as
core.addresses reads it) and refuses a login once AXES_FAILURE_LIMIT failures fall within
AXES_COOLOFF_TIME (settings: 10 in 15 minutes). An officer sees the current locks of the
accounts inside their jurisdiction (`User.objects.restrict(officer, "unlock")`) and may lift
one; every lift is kept as a `LoginUnlock` row (whose account, which address, by whom, when)
and logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from .errors import LockoutNotFound
from .models import LoginUnlock

__all__ = [
    "Lockout",
    "LockoutRule",
    "LoginUnlock",
    "current_lockouts_for",
    "lift_lockout",
    "lockout_rule",
    "recent_unlocks_for",
]

log = logging.getLogger(__name__)


# -- selectors --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lockout:
    """One account locked out at one address, as the lockout page shows it."""

    account: object  # institutions.User
    ip_address: str | None
    failures: int
    last_failure_at: datetime
    unlocks_at: datetime | None  # None: the lock lasts until lifted (no AXES_COOLOFF_TIME)


@dataclass(frozen=True)
class LockoutRule:
    """How many failures lock an account at an address, and for how long (None: until lifted)."""

    failure_limit: int
    cool_off_minutes: int | None


def lockout_rule() -> LockoutRule:
    """Return the lockout rule in force (AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME)."""
    cool_off = _cool_off()
    return LockoutRule(
        failure_limit=get_failure_limit(None, None),
        cool_off_minutes=int(cool_off.total_seconds() // 60) if cool_off is not None else None,
    )


def _unlockable_accounts(user):
    """Return the accounts whose locks `user` may see and lift.

    Superusers' accounts are left to superusers, wherever their unit is: an officer could
    otherwise reopen guessing on the most powerful account.
    """
    from .models import User

    accounts = User.objects.restrict(user, "unlock")
    return accounts if user.is_superuser else accounts.exclude(is_superuser=True)


def _cool_off() -> timedelta | None:
    return get_cool_off(None)


def _current_attempts():
    """AccessAttempt rows still counted (the failures inside the cool-off window)."""
    attempts = AccessAttempt.objects.all()
    if (cool_off := _cool_off()) is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def _locks(attempts):
    """Group counted attempts per account and address, keeping those at or over the limit.

    axes sums an account's failures at one address over its rows (one per browser) and locks
    the pair at AXES_FAILURE_LIMIT; the same sum decides here.
    """
    return (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure_at=Max("attempt_time"))
        .filter(failures__gte=get_failure_limit(None, None))
    )


def current_lockouts_for(user) -> list[Lockout]:
    """Return the current login locks of accounts inside `user`'s jurisdiction, newest first.

    Two queries: the locks (grouped attempts of the scoped accounts) and their accounts.
    """
    accounts = _unlockable_accounts(user)
    locks = list(
        _locks(_current_attempts().filter(username__in=accounts.values("username"))).order_by(
            "-last_failure_at", "username", "ip_address"
        )
    )
    if not locks:
        return []
    related = ("unit", "school", "institution", "teacher_profile__school")
    by_username = accounts.select_related(*related).in_bulk(
        {lock["username"] for lock in locks}, field_name="username"
    )
    cool_off = _cool_off()
    return [
        Lockout(
            account=by_username[lock["username"]],
            ip_address=lock["ip_address"],
            failures=lock["failures"],
            last_failure_at=lock["last_failure_at"],
            unlocks_at=lock["last_failure_at"] + cool_off if cool_off is not None else None,
        )
        for lock in locks
        if lock["username"] in by_username
    ]


def recent_unlocks_for(user, *, limit: int = 20):
    """Return the latest lifts of login locks on accounts inside `user`'s jurisdiction."""
    return LoginUnlock.objects.restrict(user, "view").select_related("account", "lifted_by")[:limit]


# -- services ---------------------------------------------------------------------------------
@transaction.atomic
def lift_lockout(*, username: str, ip_address: str | None, by) -> LoginUnlock:
    """Lift the login lock of `username` at `ip_address` and record who lifted it, and when.

    Raises LockoutNotFound when the account is outside `by`'s jurisdiction or is not locked
    at that address (any more): the two look the same, so a lift reveals nothing about
    accounts elsewhere.
    """
    account = _unlockable_accounts(by).filter(username=username).first()
    if account is None:
        raise LockoutNotFound()
    locks = _locks(_current_attempts().filter(username=username, ip_address=ip_address))
    lock = next(iter(locks.order_by("username")), None)  # one group at most
    if lock is None:
        raise LockoutNotFound()
    # With no address to match, axes' reset clears the account's attempts at every address.
    AxesProxyHandler.reset_attempts(username=username, ip_address=ip_address)
    unlock = LoginUnlock(
        account=account,
        ip_address=ip_address,
        failures=lock["failures"],
        last_failure_at=lock["last_failure_at"],
        lifted_by=by,
    )
    unlock.full_clean()
    unlock.save()
    log.warning(
        "login lock lifted: account=%s address=%s failures=%d by=%s (LoginUnlock %d)",
        account.username,
        ip_address or "-",
        lock["failures"],
        by.username,
        unlock.pk,
    )
    return unlock
