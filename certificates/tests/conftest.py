"""Fixtures of the certificate tests: the annex's units, a private MEDIA_ROOT, a clean cache."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from institutions.choices import SchoolType
from institutions.tests.factories import CountyFactory, PrefectureFactory, SchoolFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Write certificate PDFs under the test's own directory, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Start each test with no verification requests counted against its address."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def annex(db):
    """The units of the annex's two examples, with their certificate codes (004 附件)."""
    a = SimpleNamespace()
    a.kashgar = PrefectureFactory(code="653100", name="喀什地区", certificate_code="13")
    a.kashgar_city = CountyFactory(
        parent=a.kashgar, code="653101", name="喀什市", certificate_code="01"
    )
    a.turpan = PrefectureFactory(code="650400", name="吐鲁番市", certificate_code="09")
    a.gaochang = CountyFactory(parent=a.turpan, code="650402", name="高昌区", certificate_code="01")
    a.kashgar_junior = SchoolFactory(
        county=a.kashgar_city, name="喀什市第一初级中学", school_type=SchoolType.JUNIOR
    )
    a.gaochang_primary = SchoolFactory(
        county=a.gaochang, name="高昌区企业小学", school_type=SchoolType.PRIMARY
    )
    a.gaochang_junior = SchoolFactory(
        county=a.gaochang, name="高昌区企业初中", school_type=SchoolType.JUNIOR
    )
    a.gaochang_senior = SchoolFactory(
        county=a.gaochang, name="高昌区企业高中", school_type=SchoolType.SENIOR
    )
    return a
