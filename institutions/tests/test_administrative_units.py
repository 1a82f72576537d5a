"""The administrative tree comes from python-stdnum's code list, with the annex's codes."""

import pytest
from django.db import IntegrityError, transaction

from institutions.errors import UnknownProvince
from institutions.models import AdministrativeUnit
from institutions.regions import current_divisions
from institutions.services import load_administrative_units


def test_xinjiang_has_its_fourteen_prefectures_and_current_counties():
    """The 14 prefectures of 004 附件, with counties as they stand today."""
    xinjiang = current_divisions("65")
    names = {p.name for p in xinjiang.children}
    assert len(names) == 14
    assert {"喀什地区", "吐鲁番市", "伊犁哈萨克自治州", "和田地区"} <= names
    turpan = next(p for p in xinjiang.children if p.code == "650400")
    assert [c.name for c in turpan.children] == ["高昌区", "鄯善县", "托克逊县"]
    counties = {c.name for p in xinjiang.children for c in p.children}
    assert "沙湾市" in counties  # 2021: 沙湾县 became 沙湾市
    assert "沙湾县" not in counties
    assert "市辖区" not in counties
    assert "石河子市" not in counties  # a corps city, not one of the 14 prefectures


@pytest.mark.django_db
def test_loading_assigns_the_annex_prefecture_codes_and_county_order():
    """喀什地区 is 13 and 喀什市 its first county 01; 吐鲁番市 09 and 高昌区 01 (004 附件)."""
    # when
    load_administrative_units(province_code="65")
    # then
    codes = dict(AdministrativeUnit.objects.values_list("code", "certificate_code"))
    assert codes["653100"] == "13"
    assert codes["653101"] == "01"
    assert codes["650400"] == "09"
    assert codes["650402"] == "01"
    assert codes["650100"] == "01"
    assert codes["653200"] == "14"
    gaochang = AdministrativeUnit.objects.get(code="650402")
    assert gaochang.path == "650000/650400/650402/"
    assert gaochang.parent.name == "吐鲁番市"


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    """Loading the tree again matches units by code and writes no new rows."""
    load_administrative_units(province_code="65")
    before = list(AdministrativeUnit.objects.values_list("pk", "code", "path", "certificate_code"))
    load_administrative_units(province_code="65")
    after = list(AdministrativeUnit.objects.values_list("pk", "code", "path", "certificate_code"))
    assert before == after
    assert len(after) == 1 + 14 + 98


@pytest.mark.django_db
def test_other_provinces_load_too():
    """Policies are data: Tianjin's tree loads the same way, without certificate codes."""
    units = load_administrative_units(province_code="12")
    assert any(u.name == "滨海新区" for u in units)


@pytest.mark.django_db
def test_unknown_province_is_a_clear_error():
    """A province code that is not in the list is refused in Chinese."""
    with pytest.raises(UnknownProvince, match="没有省级代码 99"):
        load_administrative_units(province_code="99")


@pytest.mark.django_db
def test_only_a_region_may_lack_a_parent():
    """A prefecture without a parent is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(code="659900", name="无上级", level="prefecture")
