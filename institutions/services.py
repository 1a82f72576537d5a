"""Writes of the institutions app: the administrative tree and accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .choices import ROLE_UNIT_LEVEL, Role, UnitLevel
from .errors import AccountScopeMissing, UnknownProvince
from .models import AdministrativeUnit, School, TrainingInstitution, User
from .regions import PREFECTURE_CERTIFICATE_CODES, current_divisions
from .roles import group_name


@transaction.atomic
def load_administrative_units(*, province_code: str) -> list[AdministrativeUnit]:
    """Create or update a province, its prefectures and counties from the official code list.

    Counties get their two-digit certificate code in county order within the prefecture, and
    prefectures the code the province's annex assigns (004 附件: 由地州市教育局按县市区顺序编码).
    Returns every unit of the province. Safe to run again: units are matched by code.
    """
    try:
        province = current_divisions(province_code)
    except LookupError:
        raise UnknownProvince(code=province_code) from None
    prefecture_codes = PREFECTURE_CERTIFICATE_CODES.get(province_code, {})
    units = [
        _upsert_unit(code=province.code, name=province.name, level=UnitLevel.REGION, parent=None)
    ]
    _load_children(province, units[0], units, prefecture_codes)
    return units


def _load_children(division, parent, units, prefecture_codes) -> None:
    counties = [child for child in division.children if child.level == UnitLevel.COUNTY]
    for order, county in enumerate(counties, start=1):
        units.append(
            _upsert_unit(
                code=county.code,
                name=county.name,
                level=UnitLevel.COUNTY,
                parent=parent,
                certificate_code=f"{order:02d}",
            )
        )
    for prefecture in division.children:
        if prefecture.level == UnitLevel.PREFECTURE:
            unit = _upsert_unit(
                code=prefecture.code,
                name=prefecture.name,
                level=UnitLevel.PREFECTURE,
                parent=parent,
                certificate_code=prefecture_codes.get(prefecture.code, ""),
            )
            units.append(unit)
            _load_children(prefecture, unit, units, prefecture_codes)


def _upsert_unit(*, code, name, level, parent, certificate_code="") -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code).first() or AdministrativeUnit(code=code)
    changed = (unit.name, unit.level, unit.parent_id, unit.certificate_code) != (
        name,
        level,
        parent.pk if parent else None,
        certificate_code,
    )
    if unit.pk is None or changed:
        unit.name, unit.level, unit.parent, unit.certificate_code = (
            name,
            level,
            parent,
            certificate_code,
        )
        unit.full_clean(validate_unique=False)
        unit.save()
    return unit


@transaction.atomic
def create_account(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    unit: AdministrativeUnit | None = None,
    school: School | None = None,
    institution: TrainingInstitution | None = None,
    is_staff: bool = False,
) -> User:
    """Create an account acting for a unit, school or institution in `role`.

    The role's Django group carries its model permissions; the unit, school or institution
    bounds its jurisdiction. A teacher account is linked from the teacher's own record.
    """
    _check_scope(role=role, unit=unit, school=school, institution=institution)
    user = User(
        username=username,
        role=role,
        last_name=full_name[:1],
        first_name=full_name[1:],
        unit=unit,
        school=school,
        institution=institution,
        is_staff=is_staff,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set([Group.objects.get(name=group_name(role))])
    return user


def _check_scope(*, role, unit, school, institution) -> None:
    label = Role(role).label
    if role in ROLE_UNIT_LEVEL and (unit is None or unit.level != ROLE_UNIT_LEVEL[role]):
        raise AccountScopeMissing(role=label, needs=UnitLevel(ROLE_UNIT_LEVEL[role]).label)
    if role == Role.SCHOOL_ADMIN and school is None:
        raise AccountScopeMissing(role=label, needs=School._meta.verbose_name)
    if role == Role.INSTITUTION_STAFF and institution is None:
        raise AccountScopeMissing(role=label, needs=TrainingInstitution._meta.verbose_name)
