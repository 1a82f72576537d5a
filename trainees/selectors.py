"""Reads of the trainees app: who may see whole ID numbers, and the log of who saw them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from .filtersets import NationalIdDisclosureFilterSet
from .models import NationalIdDisclosure

VIEW_NATIONAL_ID = "trainees.view_national_id"


def may_view_national_ids(user) -> bool:
    """Return whether `user`'s role may ask for whole ID numbers (inside its jurisdiction).

    The role alone never shows one: pages, the admin and the API show masked numbers, and a
    whole number is shown only on request, through `reveal_national_id`, which logs it.
    """
    return user.is_authenticated and user.has_perm(VIEW_NATIONAL_ID)


def api_client_receives_national_ids(*, user, client) -> bool:
    """Return whether API answers to `client` carry whole ID numbers.

    Only a read-write client whose registration says so (`may_read_national_ids`), acting
    through an account whose role may view them. Browser sessions and read-only clients always
    get masked numbers; a browser user presses 显示 on a page instead.
    """
    return (
        client is not None
        and not client.is_read_only
        and client.may_read_national_ids
        and may_view_national_ids(user)
    )


def national_id_disclosures_for(user, *, filters: Mapping[str, Any]) -> QuerySet:
    """Return the disclosures of whole ID numbers `user` may read, filtered like the log page."""
    queryset = NationalIdDisclosure.objects.restrict(user, "view").select_related(
        "teacher__school", "viewer", "api_client"
    )
    return NationalIdDisclosureFilterSet(filters, queryset).qs
