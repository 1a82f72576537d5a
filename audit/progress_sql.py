"""Compile a policy into one PostgreSQL statement that recomputes a county's progress.

The nightly audit must not loop over teachers in Python (issue #7): at provincial scale the
rule engine's ~1 ms a teacher is hours. So the policy's requirement rows, offsets, new-teacher
rule and status thresholds are compiled here into SQL — conditional aggregates over the ledger,
CASE expressions per row, one subquery layer per offset step — and the database computes and
upserts every teacher's CycleProgress and SchoolYearProgress of one county in one statement.

The rule engine (`rules.progress_from_sums`) stays the reference: this module mirrors it line
by line, and the equality tests (audit/tests/test_audit_sql.py, tests/test_celery_audit.py)
compare the two for every teacher under all five presets. Each mirrored rule names the engine
function it follows; the policy citations live there.

Every policy value reaches the SQL as a bound parameter, never as text pasted into the query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from credits import rules
from credits.models import CreditLedgerEntry, CycleProgress, SchoolYearProgress
from institutions.models import School
from trainees.models import Teacher, TeacherGroup


@dataclass
class Params:
    """Collects bound parameters and hands out their placeholders."""

    values: dict = field(default_factory=dict)

    def __call__(self, value) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s"

    def text_array(self, values) -> str:
        return f"{self(sorted(str(v) for v in values))}::text[]"

    def date(self, value: datetime.date) -> str:
        return self(value)  # psycopg2 writes a date as '2024-01-01'::date

    def number(self, value: Decimal) -> str:
        return f"{self(value)}::numeric"


def round_sql(expr: str, spec: rules.PolicySpec) -> str:
    """Return SQL rounding `expr` as `rules.round_credits` does (quantize to the precision)."""
    scale = -spec.precision.as_tuple().exponent
    power = f"1e{scale}"
    if spec.rounding == ROUND_HALF_UP:  # PostgreSQL's round() is half away from zero, too
        return f"round({expr}, {scale})"
    if spec.rounding == ROUND_DOWN:
        return f"trunc({expr}, {scale})"
    if spec.rounding == ROUND_FLOOR:
        return f"round(floor(({expr}) * {power}) / {power}, {scale})"
    if spec.rounding == ROUND_CEILING:
        return f"round(ceil(({expr}) * {power}) / {power}, {scale})"
    if spec.rounding == ROUND_HALF_EVEN:
        scaled = f"(({expr}) * {power})"
        return (
            f"round(CASE WHEN {scaled} - floor({scaled}) = 0.5 "
            f"THEN floor({scaled}) + mod(floor({scaled}), 2) "
            f"ELSE round({scaled}) END / {power}, {scale})"
        )
    raise rules.RuleError("bad_policy", field="rounding", reason="bad_rounding")


@dataclass(frozen=True)
class _Row:
    """One requirement row with the SQL names the statement gives it."""

    row: rules.RequirementRow
    name: str  # column prefix: c0, c1 … for cycle rows, y0, y1 … for year rows
    sums: str  # the yr column holding the credits of the row's categories


class _Compiler:
    def __init__(
        self,
        spec: rules.PolicySpec,
        *,
        as_of: datetime.date,
        at_risk_ratio: Decimal,
        listed_teachers: bool = False,
    ):
        self.spec = spec
        # Only the teachers in %(teacher_ids)s (the incremental nightly run), or all of them.
        self.only = " AND {column} = ANY(%(teacher_ids)s::bigint[])" if listed_teachers else ""
        self.as_of = as_of
        self.ratio = at_risk_ratio
        self.p = Params()
        self.category_sets: dict[frozenset, str] = {}
        self.cycle = [
            _Row(row, f"c{i}", self._sums_column(row.categories))
            for i, row in enumerate(spec.rows_in(rules.Scope.CYCLE))
        ]
        self.year = [
            _Row(row, f"y{i}", self._sums_column(row.categories))
            for i, row in enumerate(spec.rows_in(rules.Scope.YEAR))
        ]
        self.deadlines = [r for r in self.cycle if r.row.counted_until is not None]
        self.main_upper = min(spec.cycle_end, as_of)
        self.scan_upper = max(
            [self.main_upper] + [min(r.row.counted_until, as_of) for r in self.deadlines]  # type: ignore[type-var]
        )
        self.years = [
            (year, *rules.school_year_bounds(year, spec)) for year in rules.cycle_school_years(spec)
        ]

    def _sums_column(self, categories: frozenset) -> str:
        return self.category_sets.setdefault(categories, f"s{len(self.category_sets)}")

    # -- teachers -------------------------------------------------------------------------
    def facts(self) -> str:
        """Each active teacher of the county: hire date, groups, new or not, years owed."""
        p, spec = self.p, self.spec
        through = Teacher.group_tags.through
        group_fk = through._meta.get_field("teachergroup").column
        teacher_fk = through._meta.get_field("teacher").column
        dev = rules.TeacherGroup.DEVELOPMENT_SCHOOL.value
        # rules.is_new_teacher
        hired_new = (
            f"(t.hired_on IS NOT NULL AND t.hired_on >= {p.date(spec.cycle_start)})"
            if spec.new_teacher.is_hired_in_cycle_new
            else "FALSE"
        )
        # rules.owed_school_years: the cycle's years that end on or after the hire
        owes = [
            f"(t.hired_on IS NULL OR t.hired_on <= {p.date(end)})" for _y, _s, end in self.years
        ]
        years_owed = " + ".join(f"({o})::int" for o in owes) or "0"
        first_owed = (
            "CASE "
            + " ".join(
                f"WHEN {o} THEN {p(y)}::text"
                for o, (y, _s, _e) in zip(owes, self.years, strict=True)
            )
            + " END"
            if owes
            else "NULL::text"
        )
        new_group = rules.TeacherGroup.NEW_TEACHER.value
        return f"""
        tagged AS MATERIALIZED (
            SELECT t.id AS teacher_id, t.hired_on,
                COALESCE(g.tags, ARRAY[]::text[])
                || CASE WHEN s.is_teacher_development_school THEN ARRAY[{p(dev)}::text]
                        ELSE ARRAY[]::text[] END AS tags,
                ({years_owed}) AS years_owed,
                ({first_owed}) AS first_owed,
                {hired_new} AS hired_new
            FROM {Teacher._meta.db_table} t
            JOIN {School._meta.db_table} s ON s.id = t.school_id
            LEFT JOIN (
                SELECT tg.{teacher_fk} AS teacher_id, array_agg(g.code::text) AS tags
                FROM {through._meta.db_table} tg
                JOIN {TeacherGroup._meta.db_table} g ON g.id = tg.{group_fk}
                JOIN {Teacher._meta.db_table} gt ON gt.id = tg.{teacher_fk}
                JOIN {School._meta.db_table} gs ON gs.id = gt.school_id
                WHERE gs.county_id = %(county_id)s{self.only.format(column="gt.id")}
                GROUP BY tg.{teacher_fk}
            ) g ON g.teacher_id = t.id
            WHERE s.county_id = %(county_id)s AND t.is_active{self.only.format(column="t.id")}
        ),
        f AS MATERIALIZED (
            SELECT teacher_id, hired_on, years_owed, first_owed, is_new,
                CASE WHEN is_new THEN tags || ARRAY[{p(new_group)}::text] ELSE tags END AS groups
            FROM (SELECT *, ({p(new_group)}::text = ANY(tags) OR hired_new) AS is_new
                  FROM tagged) x
        )"""  # nosec B608 # names from model _meta, aliases made here; values bound

    def applies(self, row: rules.RequirementRow) -> str:
        """rules.row_applies: the teacher is in one of the row's groups and in none exempt."""
        parts = []
        if row.groups:
            parts.append(f"f.groups && {self.p.text_array(row.groups)}")
        if row.exempt_groups:
            parts.append(f"NOT (f.groups && {self.p.text_array(row.exempt_groups)})")
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"

    # -- the ledger -----------------------------------------------------------------------
    def ledger(self) -> str:
        """Credits per teacher and school year: one column per category set rows use."""
        spec = self.spec
        scale = -spec.precision.as_tuple().exponent
        if scale >= CreditLedgerEntry._meta.get_field("credits").decimal_places:
            return self._ledger_in_one_pass()
        return self._ledger_rounded_by_category()

    def _window(self) -> str:
        p = self.p
        return (
            f"l.teacher_id IN (SELECT teacher_id FROM f)"  # nosec B608 # the dates are bound
            f" AND l.occurred_on >= {p.date(self.spec.cycle_start)}"
            f" AND l.occurred_on <= {p.date(self.scan_upper)}"
        )

    def _in_set(self, categories, column="category") -> str:
        return f"{column} = ANY({self.p.text_array(categories)})"

    def _ledger_in_one_pass(self) -> str:
        """One GROUP BY (teacher, school year) when rounding each category's sum changes nothing.

        The ledger holds credits to 2 places and rules.round_credits quantizes to the policy's
        precision (0.01 in every preset): a sum of 2-place numbers is already exact, so the
        per-(year, category) rounding of credits.progress.ledger_sums is the identity. A year
        is listed when it holds credits; a reversal cancels a posting of its own category and
        year, so each category's sum is ≥ 0 and the year's sum is non-zero exactly when some
        category's is.
        """
        p = self.p
        main = (
            f"l.occurred_on <= {p.date(self.main_upper)}"
            if self.scan_upper > self.main_upper
            else None
        )
        # One equality FILTER per category the rows name (cheaper than ANY per row set); the
        # sets' sums are added up from them in the outer SELECT.
        named = sorted({c for categories in self.category_sets for c in categories})
        category_cols = {c: f"k{i}" for i, c in enumerate(named)}
        inner = []
        for category, column in category_cols.items():
            where = " AND ".join(
                part for part in (f"l.category = {p(str(category))}", main) if part
            )
            inner.append(f"SUM(l.credits) FILTER (WHERE {where}) AS {column}")
        for r in self.deadlines:
            bound = min(r.row.counted_until, self.as_of)  # type: ignore[type-var]
            where = f"l.occurred_on <= {p.date(bound)}"
            if r.row.categories:
                where += " AND " + self._in_set(r.row.categories, "l.category")
            inner.append(f"SUM(l.credits) FILTER (WHERE {where}) AS d_{r.name}")
        total = f"SUM(l.credits) FILTER (WHERE {main})" if main else "SUM(l.credits)"
        inner.append(f"{total} AS k_all")
        outer = []
        for categories, column in self.category_sets.items():
            if categories:
                parts = [category_cols[c] for c in sorted(categories)]
                outer.append(
                    f"CASE WHEN {' OR '.join(f'{c} IS NOT NULL' for c in parts)} THEN "
                    f"{' + '.join(f'COALESCE({c}, 0)' for c in parts)} END AS {column}"
                )
            else:
                outer.append(f"k_all AS {column}")
        outer += [f"d_{r.name}" for r in self.deadlines]
        return f"""
        yr AS MATERIALIZED (
            SELECT teacher_id, school_year, {", ".join(outer)},
                COALESCE(k_all <> 0, FALSE) AS has_credits
            FROM (
                SELECT l.teacher_id, l.school_year, {", ".join(inner)}
                FROM {CreditLedgerEntry._meta.db_table} l
                WHERE {self._window()}
                GROUP BY l.teacher_id, l.school_year
            ) sums
        )"""  # nosec B608 # names from model _meta, aliases made here; values bound

    def _ledger_rounded_by_category(self) -> str:
        """Sum per (teacher, school year, category), round each sum, then pivot by year."""
        p, spec = self.p, self.spec
        main = "SUM(l.credits)"
        if self.scan_upper > self.main_upper:
            main += f" FILTER (WHERE l.occurred_on <= {p.date(self.main_upper)})"
        deadline_cols = "".join(
            f", SUM(l.credits) FILTER (WHERE l.occurred_on <= "
            f"{p.date(min(r.row.counted_until, self.as_of))}) AS d_{r.name}"  # type: ignore[type-var]
            for r in self.deadlines
        )
        set_cols = []
        for categories, column in self.category_sets.items():
            if categories:
                set_cols.append(
                    f"SUM(credits) FILTER (WHERE {self._in_set(categories)}) AS {column}"
                )
            else:
                set_cols.append(f"SUM(credits) AS {column}")
        for r in self.deadlines:
            where = f" FILTER (WHERE {self._in_set(r.row.categories)})" if r.row.categories else ""
            set_cols.append(f"SUM(d_{r.name}){where} AS d_{r.name}")
        # rules.round_credits on each (school year, category) sum, as credits.progress.ledger_sums
        return f"""
        cat AS (
            SELECT l.teacher_id, l.school_year, l.category,
                {round_sql(main, spec)} AS credits{deadline_cols}
            FROM {CreditLedgerEntry._meta.db_table} l
            WHERE {self._window()}
            GROUP BY l.teacher_id, l.school_year, l.category
        ),
        yr AS MATERIALIZED (
            SELECT teacher_id, school_year, {", ".join(set_cols)},
                bool_or(credits <> 0) AS has_credits
            FROM cat GROUP BY teacher_id, school_year
        )"""  # nosec B608 # names from model _meta, aliases made here; values bound

    # -- offsets ------------------------------------------------------------------------
    def offset_layers(self, base: str, rows: list[_Row], scope: rules.Scope) -> tuple[str, dict]:
        """rules.apply_offsets as subquery layers: one per (offset rule, target) step.

        Returns the final query and {row name: its counted column}; what a row received is
        counted − earned, so it is not kept (`RowAmounts.offset`). Each layer is
        fenced with OFFSET 0 so PostgreSQL evaluates the previous layer's columns once
        instead of inlining ever-growing expressions.
        """
        by_key = {r.row.key: r for r in rows}
        counted = {r.name: f"e_{r.name}" for r in rows}
        query = base
        layer = 0
        for rule in (o for o in self.spec.offsets if o.scope is scope):
            source = by_key[rule.source_row]
            layer += 1
            # Only the surplus of earned over the minimum moves; a row the teacher does not
            # owe (NULL) gives nothing and takes nothing.
            query = (
                f"SELECT l.*, GREATEST(COALESCE(l.e_{source.name} - l.r_{source.name}, 0), 0)"
                f" AS avail{layer} FROM ({query}) l OFFSET 0"  # nosec B608 # aliases made here
            )
            avail = f"avail{layer}"
            for target_key in rule.target_rows:
                target = by_key[target_key]
                layer += 1
                step = (
                    f"GREATEST(LEAST(COALESCE(l.r_{target.name} - l.{counted[target.name]}, 0), "
                    f"l.{avail}), 0)"
                )
                query = (
                    f"SELECT l.*, l.{counted[target.name]} + {step} AS k{layer}, "
                    f"l.{avail} - {step} AS avail{layer}"
                    f" FROM ({query}) l OFFSET 0"  # nosec B608 # aliases made here
                )
                counted[target.name] = f"k{layer}"
                avail = f"avail{layer}"
        return query, counted

    def array_of(self, columns: list[str]) -> str:
        """The amounts of every row of the scope, in the policy's order (NULL: not owed)."""
        return f"ARRAY[{', '.join(columns)}]::numeric[]" if columns else "ARRAY[]::numeric[]"

    def keys_of(self, rows: list[_Row]) -> str:
        return f"{self.p([r.row.key for r in rows])}::text[]"

    @staticmethod
    def missing(rows: list[_Row], counted: dict) -> str:
        """Any owed row short of its minimum (rules.progress._shortfall > 0); NULL: not owed."""
        return " OR ".join(f"COALESCE(r_{r.name} > {counted[r.name]}, FALSE)" for r in rows)

    @staticmethod
    def total(named: list[tuple[str, str]]) -> str:
        """`values.get("total", sum(values.values()))` over the rows present (not NULL)."""
        summed = " + ".join(f"COALESCE({expr}, 0)" for _key, expr in named) or "0"
        for key, expr in named:
            if key == "total":
                return f"COALESCE({expr}, {summed})"
        return f"({summed})"

    @staticmethod
    def total_or(named: list[tuple[str, str]]) -> str:
        """`values.get("total") or sum(values.values())`: a zero total falls back too."""
        summed = " + ".join(f"COALESCE({expr}, 0)" for _key, expr in named) or "0"
        for key, expr in named:
            if key == "total":
                return f"COALESCE(NULLIF({expr}, 0), {summed})"
        return f"({summed})"

    # -- the cycle ------------------------------------------------------------------------
    def cycle_rows(self) -> str:
        p, spec = self.p, self.spec
        sums = sorted({r.sums for r in self.cycle if r.row.counted_until is None})
        total_cols = "".join(f", SUM({c}) AS {c}" for c in sums)
        total_cols += "".join(f", SUM(d_{r.name}) AS d_{r.name}" for r in self.deadlines)
        columns = []
        rule = spec.new_teacher
        if rule.proration is rules.Proration.PROPORTIONAL:
            per_year = next(r for r in spec.rows_in(rules.Scope.YEAR) if r.key == rule.per_year_row)
            cap = next(r for r in spec.rows_in(rules.Scope.CYCLE) if r.key == rule.cap_row)
            # rules.cycle_minimums: owed = min(yearly figure × years left, cycle figure)
            owed = f"LEAST({p.number(per_year.minimum)} * f.years_owed, {p.number(cap.minimum)})"
        for r in self.cycle:
            applies = self.applies(r.row)
            if r.row.counted_until is None:
                earned = f"COALESCE(ct.{r.sums}, 0)"
            else:  # credits.progress.deadline_sums: the row's sum, rounded once
                earned = f"COALESCE({round_sql(f'ct.d_{r.name}', spec)}, 0)"
            minimum = p.number(r.row.minimum)
            if rule.proration is rules.Proration.PROPORTIONAL and r.row.is_prorated:
                scaled = round_sql(f"{minimum} * {owed} / {p.number(cap.minimum)}", spec)
                minimum = f"CASE WHEN f.is_new THEN {scaled} ELSE {minimum} END"
            columns.append(f"CASE WHEN {applies} THEN {earned} END AS e_{r.name}")
            columns.append(f"CASE WHEN {applies} THEN {minimum} END AS r_{r.name}")
        base = f"""
            SELECT f.teacher_id, f.hired_on, f.is_new{"".join(", " + c for c in columns)}
            FROM f LEFT JOIN (
                SELECT teacher_id{total_cols} FROM yr GROUP BY teacher_id
            ) ct ON ct.teacher_id = f.teacher_id"""  # nosec B608 # aliases made here; values bound
        query, out = self.offset_layers(base, self.cycle, rules.Scope.CYCLE)
        return self._cycle_select(query, out)

    def _cycle_select(self, query: str, out: dict) -> str:
        p, spec = self.p, self.spec
        required = [(r.row.key, f"r_{r.name}") for r in self.cycle]
        counted = [(r.row.key, out[r.name]) for r in self.cycle]
        missing = self.missing(self.cycle, out)
        complete = f"NOT ({missing})" if missing else "TRUE"
        # credits.rules.status.progress_status: time elapsed since the cycle start (or the
        # hire) sets the share of the requirement expected by now; compared cross-multiplied.
        start = f"GREATEST({p.date(spec.cycle_start)}, hired_on)"
        span = f"GREATEST({p.date(spec.cycle_end)} - {start}, 1)"
        elapsed = f"LEAST(GREATEST({p.date(self.as_of)} - {start}, 0), {span})"
        need = f"{self.total_or(required)} * {elapsed}"
        have = f"{self.total_or(counted)} * {span}"
        status = (
            f"CASE WHEN {complete} THEN 'complete' WHEN {have} >= {need} THEN 'on_track' "
            f"WHEN {have} >= {need} * {p.number(self.ratio)} THEN 'at_risk' ELSE 'behind' END"
        )
        return f"""
        cycle_rows AS MATERIALIZED (
            SELECT teacher_id, is_new,
                {status} AS status,
                {self.total(counted)} AS counted_total,
                {self.total(required)} AS required_total,
                {self.keys_of(self.cycle)} AS row_keys,
                {self.array_of([f"e_{r.name}" for r in self.cycle])} AS earned_by_row,
                {self.array_of([expr for _k, expr in counted])} AS counted_by_row,
                {self.array_of([expr for _k, expr in required])} AS required_by_row
            FROM ({query}) final
        )"""  # nosec B608 # aliases made here; values bound

    # -- school years ---------------------------------------------------------------------
    def year_rows(self) -> str | None:
        """rules.progress._years: owed years begun by now, and years holding credits."""
        if not self.year:
            return None  # 峄城、河南、松江不作年度考核: no year rows at all
        p = self.p
        values = ", ".join(
            f"({p(y)}::text, {p.date(start)}, {p.date(end)})" for y, start, end in self.years
        )
        as_of = p.date(self.as_of)

        def by_year(test) -> str:
            """CASE over the cycle's school years of f.school_year; other years are FALSE."""
            if not self.years:
                return "FALSE"
            whens = " ".join(
                f"WHEN {p(y)}::text THEN {test(start, end)}" for y, start, end in self.years
            )
            return f"CASE f.school_year {whens} ELSE FALSE END"

        owed = by_year(lambda _start, end: f"(f.hired_on IS NULL OR f.hired_on <= {p.date(end)})")
        owed_and_begun = by_year(
            lambda start, end: (
                f"({p.date(start)} <= {as_of} "
                f"AND (f.hired_on IS NULL OR f.hired_on <= {p.date(end)}))"
            )
        )
        sums = sorted({r.sums for r in self.year})
        # Listed: years holding credits, and owed years begun by now — the second without a
        # ledger row come from the cycle's years; the two parts do not overlap.
        no_credits = (
            f"""
                UNION ALL
                SELECT f.teacher_id, f.hired_on, f.groups, f.first_owed, y.school_year,
                    {", ".join(f"NULL::numeric AS {c}" for c in sums)}
                FROM f CROSS JOIN (VALUES {values}) AS y(school_year, starts_on, ends_on)
                WHERE y.starts_on <= {as_of}
                  AND (f.hired_on IS NULL OR f.hired_on <= y.ends_on)
                  AND NOT EXISTS (SELECT 1 FROM yr
                                  WHERE yr.teacher_id = f.teacher_id
                                    AND yr.school_year = y.school_year)
            """  # nosec B608 # aliases made here; values bound
            if self.years
            else ""
        )
        listed = f"""
                SELECT f.teacher_id, f.hired_on, f.groups, f.first_owed, f.school_year,
                    {", ".join(f"f.{c}" for c in sums)}
                FROM (SELECT f.teacher_id, f.hired_on, f.groups, f.first_owed, yr.school_year,
                          yr.has_credits, {", ".join(f"yr.{c}" for c in sums)}
                      FROM yr JOIN f ON f.teacher_id = yr.teacher_id) f
                WHERE f.has_credits OR {owed_and_begun}{no_credits}
            """  # nosec B608 # aliases made here; values bound
        columns = []
        for r in self.year:
            present = self.applies(r.row)
            if r.row.window is rules.YearWindow.FIRST_YEAR:
                present = f"({present} AND COALESCE(f.school_year = f.first_owed, FALSE))"
            columns.append(f"CASE WHEN {present} THEN COALESCE(f.{r.sums}, 0) END AS e_{r.name}")
            columns.append(
                f"CASE WHEN {present} AND ({owed}) THEN {p.number(r.row.minimum)} END AS r_{r.name}"
            )
        any_row = " OR ".join(self.applies(r.row) for r in self.year)
        base = f"""
            SELECT f.teacher_id, f.school_year, ({owed}) AS is_owed, {", ".join(columns)}
            FROM ({listed}) f
            WHERE {any_row}"""  # nosec B608 # aliases made here; values bound
        query, out = self.offset_layers(base, self.year, rules.Scope.YEAR)
        missing = self.missing(self.year, out)
        return f"""
        year_rows AS (
            SELECT teacher_id, school_year, is_owed,
                NOT ({missing}) AS is_complete,
                {self.keys_of(self.year)} AS row_keys,
                {self.array_of([f"e_{r.name}" for r in self.year])} AS earned_by_row,
                {self.array_of([out[r.name] for r in self.year])} AS counted_by_row,
                {self.array_of([f"r_{r.name}" for r in self.year])} AS required_by_row
            FROM ({query}) final
        )"""  # nosec B608 # aliases made here; values bound

    # -- the statement --------------------------------------------------------------------
    def statement(self) -> str:
        p, spec = self.p, self.spec
        cycle_table = CycleProgress._meta.db_table
        year_table = SchoolYearProgress._meta.db_table
        ctes = [self.facts(), self.ledger(), self.cycle_rows()]
        year_rows = self.year_rows()
        if year_rows:
            ctes.append(year_rows)
        code = p(spec.code)
        amounts = "row_keys, earned_by_row, counted_by_row, required_by_row"
        cycle_fields = (
            f"status, is_new_teacher, counted_total, required_total, {amounts}, "
            "policy_version, cycle_end"
        )
        # Rows are rewritten only when their figures changed: a rerun writes nothing, and a
        # later night's date alone rewrites nothing either — as_of and computed_at tell when
        # the figures last changed (the county summary tells when the audit last ran).
        ctes.append(f"""
        cycle_write AS (
            INSERT INTO {cycle_table} AS old (teacher_id, policy_code, cycle_start, {cycle_fields},
                as_of, computed_at)
            SELECT teacher_id, {code}, {p.date(spec.cycle_start)}, status, is_new, counted_total,
                required_total, {amounts}, {p(spec.version)}, {p.date(spec.cycle_end)},
                {p.date(self.as_of)}, %(now)s
            FROM cycle_rows
            ON CONFLICT (teacher_id, policy_code, cycle_start) DO UPDATE SET
                {", ".join(f"{c} = EXCLUDED.{c}" for c in _split(cycle_fields))},
                as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at
            WHERE ({", ".join(f"old.{c}" for c in _split(cycle_fields))}) IS DISTINCT FROM
                  ({", ".join(f"EXCLUDED.{c}" for c in _split(cycle_fields))})
        )""")  # nosec B608 # names from model _meta, aliases made here; values bound
        if year_rows:
            year_fields = f"is_owed, is_complete, {amounts}"
            ctes.append(f"""
        year_write AS (
            INSERT INTO {year_table} AS old (teacher_id, policy_code, school_year, {year_fields},
                computed_at)
            SELECT teacher_id, {code}, school_year, {year_fields}, %(now)s FROM year_rows
            ON CONFLICT (teacher_id, policy_code, school_year) DO UPDATE SET
                {", ".join(f"{c} = EXCLUDED.{c}" for c in _split(year_fields))},
                computed_at = EXCLUDED.computed_at
            WHERE ({", ".join(f"old.{c}" for c in _split(year_fields))}) IS DISTINCT FROM
                  ({", ".join(f"EXCLUDED.{c}" for c in _split(year_fields))})
        ),
        year_prune AS (
            -- A year listed before but no longer (its credits withdrawn, the hire date moved):
            -- its row goes, as the engine would not list it (rules.progress._years).
            DELETE FROM {year_table} old USING f
            WHERE old.teacher_id = f.teacher_id AND old.policy_code = {code}
              AND NOT EXISTS (SELECT 1 FROM year_rows y WHERE y.teacher_id = old.teacher_id
                                                          AND y.school_year = old.school_year)
        )""")  # nosec B608 # names from model _meta, aliases made here; values bound
        return (
            "WITH "  # nosec B608 # the statements compiled above
            + ",".join(ctes)
            + "\nSELECT status, COUNT(*) FROM cycle_rows GROUP BY status ORDER BY status"
        )


def _split(fields: str) -> list[str]:
    return [f.strip() for f in fields.split(",")]


def county_progress_sql(
    spec: rules.PolicySpec,
    *,
    as_of: datetime.date,
    at_risk_ratio: Decimal,
    listed_teachers: bool = False,
) -> tuple[str, dict]:
    """Return (SQL, parameters) that upsert one county's progress and count its statuses.

    The caller adds the parameters `county_id` and `now` (and `teacher_ids`, a list, when
    `listed_teachers`: then only those teachers are recomputed); the statement returns one row
    per status with its number of teachers.
    """
    compiler = _Compiler(
        spec, as_of=as_of, at_risk_ratio=at_risk_ratio, listed_teachers=listed_teachers
    )
    sql = compiler.statement()
    return sql, compiler.p.values
