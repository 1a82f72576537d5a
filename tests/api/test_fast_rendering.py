"""The API's own row rendering gives exactly the JSON DRF's field-by-field rendering gives."""

import datetime

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from certificates.api.serializers import CertificateSerializer
from core.api import OutputModelSerializer
from credits.api.selectors import progress_of_teacher
from credits.api.serializers import (
    CreditLedgerEntrySerializer,
    CycleProgressSerializer,
    SchoolYearProgressSerializer,
)
from institutions.api.serializers import AdministrativeUnitSerializer, SchoolSerializer
from projects.api.serializers import TrainingProjectSerializer, TrainingRecordSerializer
from trainees.api.serializers import TeacherSerializer

pytestmark = pytest.mark.django_db

SERIALIZERS = [
    AdministrativeUnitSerializer,
    SchoolSerializer,
    TeacherSerializer,
    TrainingProjectSerializer,
    TrainingRecordSerializer,
    CreditLedgerEntrySerializer,
    CycleProgressSerializer,
    SchoolYearProgressSerializer,
    CertificateSerializer,
]


def _drf(serializer_class, row, context):
    """Render `row` with DRF's own ModelSerializer.to_representation."""
    serializer = serializer_class(context=context)
    return serializers.ModelSerializer.to_representation(serializer, row)


@pytest.mark.parametrize("serializer_class", SERIALIZERS)
@pytest.mark.parametrize("may_view_national_id", [True, False])
def test_every_row_renders_as_drf_renders_it(certified, serializer_class, may_view_national_id):
    # given
    model = serializer_class.Meta.model
    rows = list(model.objects.all())
    assert rows, f"no {model.__name__} to render"
    request = APIRequestFactory().get("/")
    context = {"request": request, "may_view_national_id": may_view_national_id}
    # when
    ours = [serializer_class(row, context=context).data for row in rows]
    # then
    assert ours == [_drf(serializer_class, row, context) for row in rows]
    assert serializer_class.__dict__["_render_plan"], "the class fell back to DRF's rendering"


def test_live_progress_rows_render_as_drf_renders_them(credited):
    """Unsaved rows of a live answer (Decimals of any exponent) render the same way too."""
    answer = progress_of_teacher(
        user=credited.world.superuser,
        teacher_id=credited.world.T3.pk,
        as_of=datetime.date(2025, 6, 30),
    )
    assert answer.source == "live"
    for row in answer.cycles:
        assert CycleProgressSerializer(row).data == _drf(CycleProgressSerializer, row, {})
    for row in answer.years:
        assert SchoolYearProgressSerializer(row).data == _drf(SchoolYearProgressSerializer, row, {})


def test_every_api_serializer_uses_the_fast_rendering():
    for serializer_class in SERIALIZERS:
        assert issubclass(serializer_class, OutputModelSerializer)
