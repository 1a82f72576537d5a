"""The django-import-export Resource of training records writes ID numbers masked on export."""

import pytest

from imports.resources import TrainingRecordResource
from institutions.choices import Role

pytestmark = pytest.mark.django_db


def test_exported_records_carry_masked_id_numbers_of_the_users_teachers_only(world):
    # given
    school_admin = world.users[Role.SCHOOL_ADMIN]
    resource = TrainingRecordResource(user=school_admin)
    # when
    dataset = resource.export(queryset=resource.get_queryset())
    # then
    numbers = dataset["身份证号码"]
    assert sorted(numbers) == sorted(
        [world.T1.masked_id_number, world.T2.masked_id_number, world.T1.masked_id_number]
    )
    for teacher in (world.T1, world.T2, world.T3):
        assert teacher.id_number not in dataset.csv


def test_import_still_finds_teachers_by_the_whole_number(world):
    """Masking is about output: the Resource's import reads whole numbers as before."""
    import tablib

    school_admin = world.users[Role.SCHOOL_ADMIN]
    headers = ["身份证号码", "项目编号", "参训学时", "请假学时", "考核等次", "完成日期"]
    dataset = tablib.Dataset(headers=headers)
    dataset.append([world.T2.id_number, world.projR.code, "12", "0", "合格", world.projR.ends_on])
    result = TrainingRecordResource(user=school_admin).import_data(dataset, dry_run=True)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 1
