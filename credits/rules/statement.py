"""The credit table printed on a certificate: lines that add up to the total.

A policy's requirement rows overlap on purpose: 必修公共课 is part of 必修课程 (004 五(一)
公共课不少于15学分 inside 必修课程60学分), and an offset counts 必修课程's surplus a second time
toward 选修课程 and 校本课程 (004 五(一) 必修课程学分超出的，可折抵选修课程和校本课程学分).
Printing every row's counted figure therefore gives a table whose rows add up to more than
its total. The statement prints what each disjoint category earned (those add up to the
total), a part row as 其中 under its row, each offset as such, and rows outside the total
(新任教师适岗培训, POLICIES §7.6 单列) after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .types import RequirementRow

ZERO = Decimal(0)


class LineRole(StrEnum):
    """What a line of the statement is, and whether it is part of the sum."""

    CATEGORY = "category"  # summed: the categories partition the total
    PART = "part"  # 其中: inside the category above it, not summed again
    OFFSET = "offset"  # 折抵: a surplus counted toward another row, not summed again
    SEPARATE = "separate"  # outside the total (适岗培训), not summed


@dataclass(frozen=True)
class StatementLine:
    label: str
    credits: Decimal
    role: LineRole

    @property
    def is_summed(self) -> bool:
        return self.role is LineRole.CATEGORY


def statement_lines(
    rows: Sequence[RequirementRow],
    earned: Mapping[str, Decimal],
    offset: Mapping[str, Decimal],
    *,
    sources: Mapping[str, str] | None = None,
    total_key: str = "total",
) -> tuple[StatementLine, ...]:
    """Return the certificate's lines for one scope's rows (cycle or school year).

    `rows` are the rows the teacher owes (in the policy's order), `earned` what each earned
    before offsets, `offset` what each target row received by offset, `sources` the source
    row of each target (from the policy's offset rules). The category lines add up to
    `earned[total_key]` (or, for a policy without a total row, the sum of its rows); if a
    policy's rows overlap otherwise (no preset does that), every row is printed as a part,
    so that nothing claims to add up.
    """
    labels = {row.key: row.label for row in rows}
    total = next((row for row in rows if row.key == total_key), None)
    others = [row for row in rows if row.key != total_key and row.key in earned]
    if total is not None:
        inside = [r for r in others if r.categories <= total.categories]
        separate = [r for r in others if not r.categories <= total.categories]
    else:  # the policy's total is the sum of its rows (audit: counted_total)
        inside, separate = others, []
    tops = [r for r in inside if not any(r.categories < o.categories for o in inside)]
    lines: list[StatementLine] = []
    summed = sum((earned[r.key] for r in tops), ZERO)
    rest = earned[total_key] - summed if total is not None else ZERO
    partitions = _are_disjoint(tops) and rest >= 0
    for top in tops:
        lines.append(
            StatementLine(
                top.label, earned[top.key], LineRole.CATEGORY if partitions else LineRole.PART
            )
        )
        for part in inside:
            if part.categories < top.categories:
                lines.append(StatementLine(f"其中：{part.label}", earned[part.key], LineRole.PART))
    if partitions and rest > 0:  # categories the total counts that no row names
        lines.append(StatementLine("其他", rest, LineRole.CATEGORY))
    sources = sources or {}
    for key, moved in offset.items():
        if moved <= 0 or key not in labels:
            continue
        source = labels.get(sources.get(key, ""), "")
        label = f"{source}超出部分折抵{labels[key]}" if source else f"折抵计入{labels[key]}"
        lines.append(StatementLine(label, moved, LineRole.OFFSET))
    for row in separate:
        lines.append(
            StatementLine(f"{row.label}（单列，不计入总学分）", earned[row.key], LineRole.SEPARATE)
        )
    return tuple(lines)


def offset_sources(offsets, scope) -> dict[str, str]:
    """Return each target row's source row under the policy's offset rules of one scope."""
    sources: dict[str, str] = {}
    for rule in offsets:
        if rule.scope is scope:
            for target in rule.target_rows:
                sources.setdefault(target, rule.source_row)
    return sources


def _are_disjoint(rows: Sequence[RequirementRow]) -> bool:
    seen: set = set()
    for row in rows:
        if seen & row.categories:
            return False
        seen |= row.categories
    return True
