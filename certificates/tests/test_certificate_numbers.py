"""Certificate numbers `PP CC T NNNN`: one person, one number, from a locked counter (004 附件)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from certificates.errors import (
    CertificateCodeMissing,
    CertificatePrefixExhausted,
    SchoolTypeCodeInvalid,
)
from certificates.models import CertificateCounter, CertificateNumber
from certificates.numbers import build_prefix, format_number, is_well_formed, parse_number
from certificates.services import allocate_certificate_number, allocate_certificate_numbers
from institutions.choices import SchoolType
from institutions.tests.factories import CountyFactory, PrefectureFactory, SchoolFactory
from trainees.tests.factories import TeacherFactory

# -- the shape of a number (pure) ---------------------------------------------------------------


def test_number_is_prefecture_county_school_type_and_four_digit_serial():
    """9 digits: PP CC T NNNN, the serial zero-padded to four (004 附件 一至四)."""
    prefix = build_prefix(prefecture_code="13", county_code="01", school_type="2")
    assert prefix == "13012"
    assert format_number(prefix, 1) == "130120001"
    assert format_number(prefix, 9999) == "130129999"
    parts = parse_number("090130042")
    assert (parts.prefecture_code, parts.county_code, parts.school_type, parts.serial) == (
        "09",
        "01",
        "3",
        42,
    )
    assert parts.prefix == "09013"


@pytest.mark.parametrize("serial", [0, 10000, -1])
def test_serial_outside_0001_9999_is_refused(serial):
    """Serials run 0001-9999 within a prefix (004 附件 四)."""
    with pytest.raises(ValueError, match="serial"):
        format_number("13012", serial)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"prefecture_code": "", "county_code": "01", "school_type": "2"}, "prefecture"),
        ({"prefecture_code": "13", "county_code": "1", "school_type": "2"}, "county"),
        ({"prefecture_code": "13", "county_code": "01", "school_type": "7"}, "school type"),
    ],
)
def test_malformed_parts_make_no_prefix(parts, message):
    """Codes are two digits and the school type is 1-6 (004 附件 一、二、三)."""
    with pytest.raises(ValueError, match=message):
        build_prefix(**parts)


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("130120001", True),
        ("13012000", False),  # the annex's misprinted 8-digit bound
        ("130120000", False),  # serial 0000 is never issued
        ("130170001", False),  # school type 7 does not exist
        ("13012000a", False),
        ("", False),
    ],
)
def test_well_formed_numbers(number, ok):
    """A number is 9 digits with a school type 1-6 and a serial from 0001."""
    assert is_well_formed(number) is ok


# -- allocation ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_kashgar_city_junior_teacher_gets_13012_numbers(annex):
    """A junior teacher in 喀什市 gets 130120001-130129999 (004 附件 例1)."""
    # given
    first, second = TeacherFactory.create_batch(2, school=annex.kashgar_junior)
    # when
    numbers = [allocate_certificate_number(teacher=t) for t in (first, second)]
    # then
    assert [n.number for n in numbers] == ["130120001", "130120002"]
    assert numbers[0].prefix == "13012"
    assert numbers[0].serial == 1
    assert numbers[0].school == annex.kashgar_junior
    assert numbers[0].allocated_at is not None
    assert CertificateCounter.objects.get(prefix="13012").last_serial == 2


@pytest.mark.django_db
def test_gaochang_enterprise_school_numbers_follow_each_school_type(annex):
    """高昌区: primary 09011NNNN, junior 09012NNNN, senior 09013NNNN (004 附件 例2)."""
    # given
    primary = TeacherFactory(school=annex.gaochang_primary)
    junior = TeacherFactory(school=annex.gaochang_junior)
    senior = TeacherFactory(school=annex.gaochang_senior)
    # when
    allocated = allocate_certificate_numbers(teacher_ids=[senior.pk, primary.pk, junior.pk])
    # then
    assert allocated == 3
    numbers = dict(CertificateNumber.objects.values_list("teacher_id", "number"))
    assert numbers == {primary.pk: "090110001", junior.pk: "090120001", senior.pk: "090130001"}


@pytest.mark.django_db
def test_allocation_is_idempotent(annex):
    """A teacher who has a number gets the same one back, and no serial is used up."""
    # given
    teacher = TeacherFactory(school=annex.kashgar_junior)
    first = allocate_certificate_number(teacher=teacher)
    # when
    again = allocate_certificate_number(teacher=teacher)
    allocated = allocate_certificate_numbers(teacher_ids=[teacher.pk, teacher.pk])
    # then
    assert again.pk == first.pk
    assert again.number == "130120001"
    assert allocated == 0
    assert CertificateNumber.objects.count() == 1
    assert CertificateCounter.objects.get(prefix="13012").last_serial == 1


@pytest.mark.django_db
def test_teacher_who_moves_keeps_the_number_of_first_issue(annex):
    """一人一证，一人一号: after a move the number and its prefix stay (rules.md §4)."""
    # given
    teacher = TeacherFactory(school=annex.kashgar_junior)
    number = allocate_certificate_number(teacher=teacher)
    # when
    teacher.school = annex.gaochang_senior
    teacher.save()
    after = allocate_certificate_number(teacher=teacher)
    # then
    assert after.pk == number.pk
    assert after.number == "130120001"
    assert after.school == annex.kashgar_junior  # where it was first issued
    assert not CertificateCounter.objects.filter(prefix="09013").exists()


@pytest.mark.django_db
def test_teacher_without_a_number_who_moves_gets_the_new_schools_prefix(annex):
    """A number not yet allocated follows the school the teacher is at when it is allocated."""
    # given
    teacher = TeacherFactory(school=annex.kashgar_junior)
    teacher.school = annex.gaochang_primary
    teacher.save()
    # when
    number = allocate_certificate_number(teacher=teacher)
    # then
    assert number.number == "090110001"


@pytest.mark.django_db
def test_bulk_allocation_skips_numbered_teachers_and_counts_in_teacher_order(annex):
    """The nightly bulk call allocates only for those without a number, in a fixed query count."""
    # given
    numbered = TeacherFactory(school=annex.kashgar_junior)
    allocate_certificate_number(teacher=numbered)
    kashgar = TeacherFactory.create_batch(3, school=annex.kashgar_junior)
    gaochang = TeacherFactory.create_batch(2, school=annex.gaochang_junior)
    ids = [t.pk for t in [*gaochang, *kashgar, numbered]]
    # when
    allocated = allocate_certificate_numbers(teacher_ids=ids)
    # then
    assert allocated == 5
    numbers = dict(CertificateNumber.objects.values_list("teacher_id", "number"))
    assert [numbers[t.pk] for t in kashgar] == ["130120002", "130120003", "130120004"]
    assert [numbers[t.pk] for t in gaochang] == ["090120001", "090120002"]
    assert CertificateCounter.objects.get(prefix="13012").last_serial == 4
    assert CertificateNumber.history.filter(number="130120004").count() == 1


@pytest.mark.django_db
def test_bulk_allocation_runs_in_a_fixed_number_of_queries(annex, django_assert_max_num_queries):
    """Ten teachers or sixty across two prefixes: the same handful of queries."""
    # given
    few = [t.pk for t in TeacherFactory.create_batch(10, school=annex.kashgar_junior)]
    many = [
        t.pk
        for school in (annex.gaochang_primary, annex.gaochang_senior)
        for t in TeacherFactory.create_batch(30, school=school)
    ]
    # when / then
    with django_assert_max_num_queries(12):
        assert allocate_certificate_numbers(teacher_ids=few) == 10
    with django_assert_max_num_queries(12):
        assert allocate_certificate_numbers(teacher_ids=many) == 60


@pytest.mark.django_db
def test_full_prefix_fails_naming_it_and_writes_nothing(annex):
    """Serial 9999 is the last; the next allocation raises and leaves no trace (004 附件 四)."""
    # given
    CertificateCounter.objects.create(prefix="13012", last_serial=9998)
    last, too_many = TeacherFactory.create_batch(2, school=annex.kashgar_junior)
    # when
    assert allocate_certificate_number(teacher=last).number == "130129999"
    with pytest.raises(CertificatePrefixExhausted, match="13012") as raised:
        allocate_certificate_number(teacher=too_many)
    # then
    assert "流水号已用完" in str(raised.value)
    assert not CertificateNumber.objects.filter(teacher=too_many).exists()
    assert CertificateCounter.objects.get(prefix="13012").last_serial == 9999
    assert CertificateNumber.history.filter(teacher_id=too_many.pk).count() == 0


@pytest.mark.django_db
def test_bulk_allocation_over_the_limit_allocates_nothing_at_all(annex):
    """All or nothing: one full prefix rolls back the other prefixes' numbers too."""
    # given
    CertificateCounter.objects.create(prefix="13012", last_serial=9998)
    elsewhere = TeacherFactory(school=annex.gaochang_primary)
    kashgar = TeacherFactory.create_batch(2, school=annex.kashgar_junior)
    # when
    with pytest.raises(CertificatePrefixExhausted, match="13012"):
        allocate_certificate_numbers(teacher_ids=[elsewhere.pk, *(t.pk for t in kashgar)])
    # then
    assert CertificateNumber.objects.count() == 0
    assert CertificateCounter.objects.get(prefix="13012").last_serial == 9998
    assert not CertificateCounter.objects.filter(prefix="09011").exists()


@pytest.mark.django_db
def test_county_without_certificate_code_is_refused_in_chinese(annex):
    """A county the prefecture has not coded yet gets no number, and the message says which."""
    # given
    county = CountyFactory(parent=annex.kashgar, code="653199", name="新设县", certificate_code="")
    teacher = TeacherFactory(school=SchoolFactory(county=county), name="王芳")
    # when
    with pytest.raises(CertificateCodeMissing) as raised:
        allocate_certificate_number(teacher=teacher)
    # then
    message = str(raised.value)
    assert "王芳" in message
    assert "新设县" in message
    assert "653199" in message
    assert "没有证书编号代码" in message
    assert CertificateNumber.objects.count() == 0


@pytest.mark.django_db
def test_prefecture_without_certificate_code_is_refused_in_chinese():
    """Regions whose rules print no numbering (e.g. Tianjin) have no PP code: no number."""
    # given
    prefecture = PrefectureFactory(code="120100", name="天津市市辖区", certificate_code="")
    county = CountyFactory(parent=prefecture, code="120116", name="滨海新区", certificate_code="01")
    teacher = TeacherFactory(school=SchoolFactory(county=county))
    # when / then
    with pytest.raises(CertificateCodeMissing, match="天津市市辖区"):
        allocate_certificate_number(teacher=teacher)


@pytest.mark.django_db
def test_school_type_outside_1_to_6_is_refused(annex):
    """The fifth digit is the school type 1-6; anything else cannot be numbered."""
    # given
    school = SchoolFactory(county=annex.kashgar_city, school_type=SchoolType.JUNIOR)
    school.school_type = "9"  # bypassing the choices, as a raw import could
    school.save()
    teacher = TeacherFactory(school=school)
    # when / then
    with pytest.raises(SchoolTypeCodeInvalid, match="“9”"):
        allocate_certificate_number(teacher=teacher)


# -- concurrency (PostgreSQL) -------------------------------------------------------------------

CHILD = """
import os, sys, time
from pathlib import Path

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()
from django.conf import settings

from certificates.services import allocate_certificate_number, allocate_certificate_numbers
from trainees.models import Teacher

assert settings.DATABASES["default"]["NAME"].startswith("test_"), "never the real database"
mode, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
go = Path(sys.argv[3])
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
if mode == "bulk":
    for start in range(0, len(ids), 7):
        allocate_certificate_numbers(teacher_ids=ids[start : start + 7])
else:
    for teacher_id in ids:
        allocate_certificate_number(teacher=Teacher.objects.get(pk=teacher_id))
"""


def _child_env() -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": "0"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_processes_allocate_unique_numbers_without_gaps(annex, tmp_path):
    """Six processes allocating at once for overlapping teachers: no duplicate, no gap.

    Committed data (transaction=True) so the child processes see the teachers; they connect
    to the same test database by name.
    """
    # given: 90 teachers over three prefixes; every teacher is asked for by two processes
    schools = [annex.kashgar_junior, annex.gaochang_primary, annex.gaochang_senior]
    ids = [t.pk for school in schools for t in TeacherFactory.create_batch(30, school=school)]
    halves = [ids[0::2], ids[1::2]]
    jobs = [
        ("single", halves[0]),
        ("bulk", halves[0][::-1]),
        ("single", halves[1][::-1]),
        ("bulk", halves[1]),
        ("single", ids[::3]),
        ("bulk", ids[::-1]),
    ]
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, mode, ",".join(map(str, job_ids)), str(go)],
            cwd=settings.BASE_DIR,
            env=_child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode, job_ids in jobs
    ]
    time.sleep(3)  # let every child finish starting Django, so they really run at once
    # when
    Path(go).touch()
    results = [child.communicate(timeout=120) for child in children]
    # then
    for child, (_out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
    rows = list(CertificateNumber.objects.values_list("teacher_id", "prefix", "serial", "number"))
    assert sorted(r[0] for r in rows) == sorted(ids)  # each teacher exactly once
    assert len({r[3] for r in rows}) == len(rows)  # numbers unique
    for prefix in ("13012", "09011", "09013"):
        serials = sorted(r[2] for r in rows if r[1] == prefix)
        assert serials == list(range(1, 31)), prefix  # exactly 1..N: no gap
        assert CertificateCounter.objects.get(prefix=prefix).last_serial == 30
