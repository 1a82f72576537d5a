"""National ID numbers (居民身份证号码) of teachers, checked with python-stdnum's cn.ric.

The checksum and the birth date are errors; an unknown birth-place code is only a warning,
because python-stdnum's full validate() also rejects real numbers whose county code was
created after the holder's birth (高昌区 650402 exists since 2015, yet numbers issued there
to people born earlier are valid and in use).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

ID_LENGTH = 18
MASK_KEEP_START = 6  # the birth-place code (县级行政区划代码)
MASK_KEEP_END = 4  # the serial number and the check digit


def normalize_id_number(value: str) -> str:
    """Fold full-width digits and a lower-case x, and drop spaces ("６５０１ ... x" → "6501...X")."""
    folded = unicodedata.normalize("NFKC", str(value))
    return "".join(folded.split()).upper()


def validate_id_number(value: str) -> None:
    """Raise ValidationError (in Chinese) unless `value` is a well-formed 18-character ID number."""
    number = normalize_id_number(value)
    if len(number) != ID_LENGTH:
        raise ValidationError(
            _("身份证号码应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(number)}
        )
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise ValidationError(_("身份证号码只能包含数字，最后一位可以是X。"), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号码校验位错误，请核对最后一位。"), code="id_checksum")
    try:
        born_on = ric.get_birth_date(number)
    except stdnum_errors.InvalidComponent:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date") from None
    if born_on > datetime.date.today() or born_on.year < 1900:  # noqa: DTZ011 a birth date has no zone
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="id_birth_date")


def id_number_warnings(value: str) -> list[str]:
    """Return warnings that do not block saving (an unknown or since-renamed birth-place code)."""
    number = normalize_id_number(value)
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        return [
            _("身份证号码前6位地区代码 %(code)s 在出生年份尚未启用或未知，请核对。")
            % {"code": number[:6]}
        ]
    return []


def birth_date_of(value: str) -> datetime.date:
    """Return the birth date encoded in a valid ID number."""
    return ric.get_birth_date(normalize_id_number(value))


def is_male(value: str) -> bool:
    """Return whether the 17th digit (odd for men) marks the holder as male."""
    return int(normalize_id_number(value)[16]) % 2 == 1


def mask_id_number(value: str) -> str:
    """Hide the birth date: keep the 6-digit birth-place code and the last four characters.

    `650102198506151234` → `650102********1234`, as pages, forms, the admin, exports and the API
    show it unless a role with `trainees.view_national_id` asks for the whole number. Anything
    but an 18-character number (never stored; the database refuses it) is hidden entirely.
    """
    if len(value) != ID_LENGTH:
        return "*" * len(value)
    hidden = ID_LENGTH - MASK_KEEP_START - MASK_KEEP_END
    return f"{value[:MASK_KEEP_START]}{'*' * hidden}{value[-MASK_KEEP_END:]}"
