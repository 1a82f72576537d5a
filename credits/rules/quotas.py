"""Grade quotas: how many of one project's trainees may be graded good or excellent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .errors import RuleError
from .serialization import parse_word
from .types import Grade, PolicySpec


def check_grade_quota(
    spec: PolicySpec, grades: Iterable[Grade | str], *, participants: int | None = None
) -> None:
    """Raise `grade_quota_exceeded` when one project's trainee grades break a quota.

    `grades` are the grades of every assessed trainee of one project (lead instructors
    are not graded). 004 五(二)2 原则上，良好以上的不超过30%，其中，优秀的不超过15%:
    a count is allowed while count × 100 ≤ total × limit, so `allowed` is the floor of
    total × limit ÷ 100. Quotas are checked in spec order; the first broken one raises.
    `participants` is the project's number of trainees (参训人数) when not all are graded yet,
    so grades can be entered in several sittings against the same base.
    """
    # Counted by word first: a large project has thousands of trainees but only a few grades.
    graded: Counter[Grade] = Counter()
    for word, number in Counter(grades).items():
        graded[parse_word(word, Grade, "grade")] += number
    total = max(graded.total(), participants or 0)
    for quota in spec.grade_quotas:
        if total < quota.min_participants:
            continue  # 原则上: small classes are left to the institution
        count = sum(number for grade, number in graded.items() if grade in quota.grades)
        if count * 100 > total * quota.limit_percent:
            raise RuleError(
                "grade_quota_exceeded",
                grade=str(quota.grade),
                limit_percent=str(quota.limit_percent),
                total=total,
                count=count,
                allowed=int(total * quota.limit_percent // 100),
            )
