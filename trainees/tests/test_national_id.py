"""National ID numbers: checksum and birth date are errors, an unknown region only a warning."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from trainees.national_id import (
    id_number_warnings,
    is_male,
    mask_id_number,
    normalize_id_number,
    validate_id_number,
)
from trainees.tests.factories import make_id_number

VALID = make_id_number("650102", datetime.date(1985, 6, 15), 123)


def test_valid_number_passes():
    """A well-formed number with the right check digit is accepted without warnings."""
    validate_id_number(VALID)
    assert id_number_warnings(VALID) == []


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "校验位错误"),
        (VALID[:17], "应为18位，当前为17位"),
        (VALID + "1", "应为18位，当前为19位"),
        ("65010219851A151234", "只能包含数字"),
        (make_id_number("650102", datetime.date(1985, 6, 15))[:10] + "1332" + "0010", None),
    ],
)
def test_bad_numbers_are_rejected_with_a_chinese_message(number, message):
    """Wrong length, letters, a wrong check digit or an impossible date are errors."""
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    if message:
        assert message in excinfo.value.messages[0]


def test_impossible_birth_date_is_rejected():
    """A month 13 in the birth date is an error even when the check digit matches."""
    body = "65010219851301001"
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(ValidationError, match="出生日期无效"):
        validate_id_number(number)


def test_future_birth_date_is_rejected():
    """A birth date after today cannot be real."""
    body = "65010220991231001"
    with pytest.raises(ValidationError, match="出生日期无效"):
        validate_id_number(body + ric.calc_check_digit(body + "0"))


def test_county_younger_than_holder_is_a_warning_not_an_error():
    """高昌区 (650402) exists since 2015; a number issued there to someone born in 1985 is real.

    python-stdnum's full validate() rejects it, so the portal checks checksum and date itself
    and reports the region only as a warning.
    """
    number = make_id_number("650402", datetime.date(1985, 3, 1), 7)
    assert not ric.is_valid(number)  # the library's own verdict
    validate_id_number(number)  # ours: accepted
    warnings = id_number_warnings(number)
    assert len(warnings) == 1
    assert "650402" in warnings[0]


def test_full_width_digits_and_lower_case_x_are_folded():
    """Numbers typed with a Chinese input method (full-width, lower-case x) are normalized."""
    assert (
        normalize_id_number("６５０１０２ １９８５０６１５１２３x")
        == "650102198506151234"[:17] + "X"
    )
    validate_id_number(VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９")))


def test_mask_hides_the_birth_date():
    """The birth-place code and the last four stay; the eight birth-date digits are hidden."""
    assert mask_id_number("650102198506151234") == "650102********1234"
    assert mask_id_number("65010219850615123X") == "650102********123X"


@pytest.mark.parametrize("value", ["", "6501021985", "6501021985061512345"])
def test_mask_hides_anything_but_an_eighteen_character_number_entirely(value):
    """A value of another length is not a number the mask understands: nothing of it shows."""
    assert mask_id_number(value) == "*" * len(value)


def test_seventeenth_digit_gives_gender():
    """An odd 17th digit marks a man."""
    assert is_male(make_id_number(serial=1))
    assert not is_male(make_id_number(serial=2))
