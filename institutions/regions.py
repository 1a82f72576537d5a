"""China's current administrative divisions, read from python-stdnum's maintained code list.

python-stdnum ships the official 6-digit codes (with the years each name was valid) to check
the birth place of ID numbers; the portal reads the same list so its administrative tree is
never a hand-typed copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stdnum import numdb

_SPAN = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.+)$")
# Rows that are groupings, not units a bureau runs: "市辖区" (city proper as a code block),
# "县" (a block of counties) and "…直辖县级行政单位" (cities under the region directly; in
# Xinjiang the Production and Construction Corps' cities, which keep their own education system).
_GROUPING_NAMES = ("市辖区", "县", "市区", "郊区")
_DIRECT_SUFFIX = "直辖县级行政单位"

# 004 附件 证书编号: 两位地州市代码 乌鲁木齐市01 伊犁州02 塔城地区03 阿勒泰地区04 克拉玛依市05
# 博州06 昌吉州07 哈密市08 吐鲁番市09 巴州10 阿克苏地区11 克州12 喀什地区13 和田地区14
XINJIANG_PREFECTURE_CERTIFICATE_CODES = {
    "650100": "01",
    "654000": "02",
    "654200": "03",
    "654300": "04",
    "650200": "05",
    "652700": "06",
    "652300": "07",
    "650500": "08",
    "650400": "09",
    "652800": "10",
    "652900": "11",
    "653000": "12",
    "653100": "13",
    "653200": "14",
}
PREFECTURE_CERTIFICATE_CODES = {"65": XINJIANG_PREFECTURE_CERTIFICATE_CODES}


@dataclass
class Division:
    """One current administrative division: its 6-digit code, name and the divisions below."""

    code: str
    name: str
    level: str
    children: list[Division] = field(default_factory=list)


def _current_name(raw: str) -> str | None:
    """Return the name in force today from a "[1983-1998]甲,[2002-]乙" entry, or None if abolished."""
    for part in reversed(raw.split(",")):
        match = _SPAN.match(part)
        if match is None:
            return part
        if not match["end"]:
            return match["name"]
    return None


def current_divisions(province_code: str) -> Division:
    """Return the province with its current prefectures and their current counties.

    In the four municipalities (北京, 天津, 上海, 重庆) districts sit in a "市辖区" block with no
    prefecture between them and the city, so they hang directly under the province.
    """
    entry = next((row for row in numdb.get("cn/loc").prefixes if row[1] == province_code), None)
    if entry is None:
        raise LookupError(province_code)
    _length, _low, _high, props, rows = entry
    province = Division(code=f"{province_code}0000", name=props["province"], level="region")
    parents: dict[str, Division] = {}
    for _length, suffix, _high, row_props, _rows in rows:
        name = _current_name(row_props["county"])
        if name is None or suffix == "0000" or name.endswith(_DIRECT_SUFFIX):
            continue
        code = f"{province_code}{suffix}"
        if suffix.endswith("00"):
            if name in _GROUPING_NAMES:
                parents[suffix[:2]] = province
            else:
                parents[suffix[:2]] = Division(code=code, name=name, level="prefecture")
                province.children.append(parents[suffix[:2]])
        elif suffix[:2] in parents and name not in _GROUPING_NAMES:
            parents[suffix[:2]].children.append(Division(code=code, name=name, level="county"))
    return province
