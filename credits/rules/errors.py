"""Rule errors and warnings: a code plus parameters, never human text.

The package has no gettext, so `RuleError` carries only a machine code and named
parameters. The Django side (`credits/errors.py`) maps each code to a Chinese message
with `%(name)s` placeholders. Every code the engine can raise is listed here with its
parameters; `ERROR_CODES` holds the same set so a test can check the mapping is complete.

Error codes and their params
----------------------------
``unknown_policy``
    code (str): the policy code asked for; allowed (list[str]): the preset codes.
``unknown_word``
    field (str): payload or spec field (``tier``, ``mode``, ``category``, ``grade``,
    ``role``, ``kind``, ``groups``, ``unit`` …); value (str): the word given;
    allowed (list[str]): the accepted words, sorted. For ``category`` the list is the
    policy's own categories (a Xinjiang record cannot be ``ethics``).
    record_id (str, optional): the record, when the word came from a record.
``negative_hours``
    record_id (str); field (str): ``hours``, ``leave_hours`` or ``days``;
    hours (str): the value given.
``out_of_range``
    field (str): ``hours``, ``leave_hours``, ``days``, ``date``, ``as_of``, ``hired_on``;
    value (str): the value given (shown, at most 50 characters); minimum (str);
    maximum (str); record_id (str, optional).
``too_many_records``
    count (int): the records in the payload; limit (int): the most the simulator takes.
``overflow``
    no parameters: a computed figure left the range Decimal arithmetic can hold (a policy
    whose rates make credits astronomically large).
``leave_above_hours``
    record_id (str); hours (str); leave_hours (str).
``missing_field``
    field (str): the missing key (``records``, ``id``, ``grade``, ``tier``,
    ``deadline_sums.it_capability`` …); record_id (str, optional); record_index (int,
    optional: the record's position when its ``id`` itself is missing).
``bad_date``
    field (str); value (str): the text that is not an ISO date ``YYYY-MM-DD`` (or not a
    valid month/day); record_id (str, optional).
``bad_number``
    field (str); value (str): not a finite decimal number; record_id (str, optional).
``grade_quota_exceeded``
    grade (str): the quota's grade word (``good`` = good or better, ``excellent``);
    limit_percent (str): e.g. ``"30"``; total (int): trainees graded in the project;
    count (int): trainees at that grade or better; allowed (int): the largest count
    the quota permits (floor of total × limit ÷ 100).
``bad_payload``
    field (str): where the shape is wrong; expected (str): ``object``, ``list``,
    ``boolean``, ``string``, ``id`` (a non-empty string of at most 64 characters, or an
    integer) or ``unique``; record_id (str, optional).

Every error about one record of a simulator payload also carries record_index (int): the
record's position in ``records``, from 0. Values quoted in params (``value``, ``hours`` …)
are shown as JSON would write them, cut to 50 characters: never a Python repr.
``bad_policy``
    field (str): the spec field that breaks an invariant; reason (str): a short
    machine word (``not_positive``, ``unknown_row``, ``duplicate_row``,
    ``cycle_order``, ``missing_tier``, ``missing_mode``, ``not_in_categories``,
    ``bad_rounding``, ``bad_scope``, ``unsupported_schema``).

Warning codes (`RuleWarning`, returned in progress, never raised)
-----------------------------------------------------------------
``share_mismatch``
    key (str): the share check's key; expected_percent (str); actual_percent (str);
    total (str): all hours/credits counted in the cycle.
"""

from __future__ import annotations

ERROR_CODES = frozenset(
    {
        "unknown_policy",
        "unknown_word",
        "negative_hours",
        "leave_above_hours",
        "missing_field",
        "bad_date",
        "bad_number",
        "grade_quota_exceeded",
        "bad_payload",
        "bad_policy",
        "out_of_range",
        "too_many_records",
        "overflow",
    }
)

WARNING_CODES = frozenset({"share_mismatch"})


class RuleError(Exception):
    """A credit rule refused its input; `code` and `params` say why, in no language."""

    def __init__(self, code: str, /, **params: object) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"undocumented rule error code: {code}")
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:
        return f"{self.code} {self.params!r}"
