"""Writes of the trainees app: showing a whole ID number, and the log that records it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .choices import DisclosureChannel
from .errors import NationalIdNotPermitted, TeacherNotFound
from .models import NationalIdDisclosure, Teacher
from .selectors import may_view_national_ids

PATH_LENGTH = NationalIdDisclosure._meta.get_field("path").max_length


@dataclass(frozen=True)
class RevealedNationalId:
    """A teacher's whole ID number, shown once, and the log row that records the showing."""

    teacher: Teacher
    id_number: str
    disclosure: NationalIdDisclosure


@transaction.atomic
def reveal_national_id(
    *,
    teacher_id: int,
    by,
    channel: str = DisclosureChannel.PAGE,
    path: str = "",
    address: str | None = None,
) -> RevealedNationalId:
    """Return one teacher's whole ID number to `by`, and log who saw whose, when and where.

    Refused (NationalIdNotPermitted) unless `by`'s role has trainees.view_national_id, before
    anything is looked up; a teacher outside `by`'s jurisdiction is TeacherNotFound, as is a
    teacher who does not exist. Nothing is logged when nothing is shown.
    """
    if not may_view_national_ids(by):
        raise NationalIdNotPermitted()
    teacher = (
        Teacher.objects.restrict(by, "view").select_related("school").filter(pk=teacher_id).first()
    )
    if teacher is None:
        raise TeacherNotFound()
    disclosure = NationalIdDisclosure(
        teacher=teacher, viewer=by, channel=channel, path=path[:PATH_LENGTH], address=address
    )
    disclosure.full_clean()
    disclosure.save()
    return RevealedNationalId(teacher=teacher, id_number=teacher.id_number, disclosure=disclosure)


def record_national_id_disclosures(
    *,
    teacher_ids: Sequence[int],
    by,
    channel: str,
    api_client=None,
    path: str = "",
    address: str | None = None,
) -> int:
    """Log that `by` was sent the whole ID numbers of `teacher_ids`; return how many rows.

    One row per teacher, written with one INSERT: an API page of up to 1,000 teachers costs
    one query. The caller has already shown the numbers from a restricted queryset, so the
    ids are trusted here.
    """
    disclosed_at = timezone.now()
    rows = [
        NationalIdDisclosure(
            teacher_id=teacher_id,
            viewer=by,
            api_client=api_client,
            channel=channel,
            path=path[:PATH_LENGTH],
            address=address,
            disclosed_at=disclosed_at,
        )
        for teacher_id in dict.fromkeys(teacher_ids)
    ]
    NationalIdDisclosure.objects.bulk_create(rows)
    return len(rows)
