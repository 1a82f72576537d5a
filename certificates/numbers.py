"""E-certificate numbers `PP CC T NNNN` (004 附件 中小学和幼儿园教师继续教育电子证书编号规则).

Pure Python: no Django, no database. The services decide who gets which serial; this module
only knows the shape of a number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NUMBER_LENGTH = 9  # 004 附件 电子证书编号为9位
PREFIX_LENGTH = 5  # PP CC T
FIRST_SERIAL = 1  # 004 附件 四、6-9位为教师流水顺序代码 (0001-9999)
MAX_SERIAL = 9999
SCHOOL_TYPE_CODES = frozenset(
    "123456"
)  # 004 附件 三、小学1 初中2 高中3 幼儿园4 特殊教育5 教学服务机构6

_TWO_DIGITS = re.compile(r"^\d{2}$")
_NUMBER = re.compile(r"^\d{9}$")


@dataclass(frozen=True)
class NumberParts:
    """The four parts of a certificate number."""

    prefecture_code: str
    county_code: str
    school_type: str
    serial: int

    @property
    def prefix(self) -> str:
        """Return the five-digit prefix `PP CC T` the serial runs within."""
        return f"{self.prefecture_code}{self.county_code}{self.school_type}"


def build_prefix(*, prefecture_code: str, county_code: str, school_type: str) -> str:
    """Return the prefix `PP CC T`; raise ValueError if a part is malformed."""
    if not _TWO_DIGITS.match(prefecture_code or ""):
        raise ValueError(f"prefecture code must be 2 digits, got {prefecture_code!r}")
    if not _TWO_DIGITS.match(county_code or ""):
        raise ValueError(f"county code must be 2 digits, got {county_code!r}")
    if school_type not in SCHOOL_TYPE_CODES:
        raise ValueError(f"school type must be one of 1-6, got {school_type!r}")
    return f"{prefecture_code}{county_code}{school_type}"


def format_number(prefix: str, serial: int) -> str:
    """Return the 9-digit number for a serial within a prefix: ("13012", 1) → "130120001"."""
    if len(prefix) != PREFIX_LENGTH or not prefix.isdigit():
        raise ValueError(f"prefix must be 5 digits, got {prefix!r}")
    if not FIRST_SERIAL <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be within {FIRST_SERIAL}-{MAX_SERIAL}, got {serial}")
    return f"{prefix}{serial:04d}"


def is_well_formed(number: str) -> bool:
    """Return whether `number` has the shape of a certificate number (9 digits, serial ≥ 1)."""
    return (
        bool(_NUMBER.match(number or ""))
        and number[4] in SCHOOL_TYPE_CODES
        and number[5:] != "0000"
    )


def parse_number(number: str) -> NumberParts:
    """Split a certificate number into its parts; raise ValueError if it is malformed."""
    if not is_well_formed(number):
        raise ValueError(f"not a certificate number: {number!r}")
    return NumberParts(number[:2], number[2:4], number[4], int(number[5:]))


def normalize_number(value: str) -> str:
    """Fold full-width digits and drop spaces and hyphens ("１３０１２ 0001" → "130120001")."""
    folded = unicodedata.normalize("NFKC", str(value))
    return "".join(ch for ch in folded if not ch.isspace() and ch != "-")
