"""The bulk push takes plain items as they are and gives odd ones to DRF: the same result."""

import pytest
from rest_framework import serializers

from credits.api.push_views import RecordBulkPushApi

PLAIN = {
    "external_id": "pf-1",
    "id_number": "650102198004067647",
    "name": "贺静敏",
    "project_code": "XJ2025RE0237",
    "hours": 24,
    "leave_hours": 0,
    "grade": "pass",
    "role": "trainee",
    "completed_on": "2025-10-17",
}

ITEMS = [
    PLAIN,
    {
        k: v
        for k, v in PLAIN.items()
        if k in {"external_id", "id_number", "name", "project_code", "hours"}
    },
    {**PLAIN, "hours": "24.5", "leave_hours": 1.5},
    {**PLAIN, "hours": "二十四"},  # text: the import's parser says what is wrong, later
    {**PLAIN, "leave_hours": None, "grade": None, "role": None, "completed_on": None},
    {**PLAIN, "grade": "", "role": "", "completed_on": ""},
    {**PLAIN, "unknown": "ignored"},
    # odd items: DRF trims, converts, refuses
    {**PLAIN, "name": " 贺静敏 "},
    {**PLAIN, "external_id": 123},
    {**PLAIN, "hours": True},
    {**PLAIN, "hours": None},
    {**PLAIN, "hours": "1" * 30},
    {**PLAIN, "name": ""},
    {**PLAIN, "name": "贺\x00静敏"},
    {**PLAIN, "external_id": "x" * 65},
    {**PLAIN, "grade": "x" * 17},
    {k: v for k, v in PLAIN.items() if k != "project_code"},
    ["not", "an", "object"],
    None,
]


def _drf(items):
    """What DRF's own ListSerializer makes of the items: the validated list or the errors."""
    field = RecordBulkPushApi.InputSerializer().fields["records"]
    try:
        return serializers.ListSerializer.to_internal_value(field, items)
    except serializers.ValidationError as exc:
        return exc.detail


def _ours(items):
    serializer = RecordBulkPushApi.InputSerializer(data={"records": items})
    if serializer.is_valid():
        return serializer.validated_data["records"]
    return serializer.errors["records"]


@pytest.mark.parametrize("index", range(len(ITEMS)))
def test_each_item_alone_gives_what_drf_gives(index):
    assert _ours([ITEMS[index]]) == _drf([ITEMS[index]])


def test_a_batch_with_one_odd_item_gives_what_drf_gives():
    items = [PLAIN, {**PLAIN, "name": " 贺静敏 "}, {**PLAIN, "hours": True}]
    assert _ours(items) == _drf(items)


def test_plain_items_are_taken_as_they_are():
    assert _ours([PLAIN] * 3) == [PLAIN] * 3
