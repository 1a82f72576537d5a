"""The navigation each role sees; pages register here as they are built."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from institutions.choices import OFFICER_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


def navigation_for(user) -> list[NavItem]:
    """Return the menu entries of `user`'s role, in the order they appear."""
    if not user.is_authenticated:
        return []
    items = [
        NavItem(_("首页"), reverse("home"), "home"),
        NavItem(_("学分计算器"), reverse("credits:calculator"), "credits:calculator"),
    ]
    if user.is_staff and (user.is_superuser or user.role in OFFICER_ROLES | {Role.SCHOOL_ADMIN}):
        items.append(NavItem(_("数据管理"), reverse("admin:index"), "admin:index"))
    return items
