"""Database constraints on teachers: one national ID per teacher, 18 characters."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trainees.models import Teacher
from trainees.tests.factories import TeacherFactory, make_id_number


@pytest.mark.django_db
def test_same_id_number_cannot_be_registered_twice():
    """One person, one row: the database refuses a second teacher with the same ID number."""
    # given
    first = TeacherFactory()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        TeacherFactory(id_number=first.id_number)
    assert Teacher.objects.filter(id_number=first.id_number).count() == 1


@pytest.mark.django_db
def test_full_clean_names_the_duplicate_in_chinese():
    """Forms and imports call full_clean, which explains the duplicate in Chinese."""
    first = TeacherFactory()
    duplicate = TeacherFactory.build(id_number=first.id_number, school=first.school)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "一人只登记一次" in str(excinfo.value)


@pytest.mark.django_db
def test_database_rejects_a_short_id_number_even_without_validation():
    """The 18-character rule is a CHECK constraint, not only a form check."""
    teacher = TeacherFactory()
    teacher.id_number = "65010219850615"
    with pytest.raises(IntegrityError), transaction.atomic():
        teacher.save()


@pytest.mark.django_db
def test_bad_checksum_fails_full_clean():
    """A mistyped ID number is caught before it reaches the database."""
    good = make_id_number(serial=5)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    teacher = TeacherFactory.build(id_number=bad)
    with pytest.raises(ValidationError, match="校验位错误"):
        teacher.full_clean(exclude=["school"])


@pytest.mark.django_db
def test_changes_to_a_teacher_are_kept_with_who_and_when():
    """History records every change of a teacher: before and after."""
    teacher = TeacherFactory(name="旧名")
    teacher.name = "新名"
    teacher.save()
    names = [h.name for h in teacher.history.order_by("history_date")]
    assert names == ["旧名", "新名"]
