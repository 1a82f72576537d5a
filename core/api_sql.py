"""Run the API's hottest reads from SQL compiled once, as prepared statements on PostgreSQL.

Building and compiling a `restrict()`ed queryset costs more Python than the rest of a request,
and PostgreSQL spends longer planning its teacher → school → county join than running it. A
`CompiledQuery` is made from the queryset once (so `restrict()` stays the one place that
scopes rows) with a placeholder value standing for the per-request one; each request then only
binds its value. On PostgreSQL the statement is PREPAREd once per connection and EXECUTEd, so
after five runs the server reuses a generic plan; other databases run the SQL as is.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

# Stands for the per-request value while a queryset is compiled; no real id is negative.
SLOT = -7_301_999_417
_PLACEHOLDER = re.compile(r"%([%s])")
# For each connection wrapper: its open DB-API connection and the statements prepared on it.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset's SQL and parameters, with the index of the one bound per request, and
    what turns its rows into values (the fields' converters) and into model instances."""

    sql: str
    params: tuple
    slot: int
    name: str
    compiler: Any
    converters: dict
    attnames: list[str] | None  # the model fields in select order, when rows are instances
    annotations: dict[str, int]  # annotation name → column, set on instances as attributes

    def bind(self, value) -> list:
        params = list(self.params)
        params[self.slot] = value
        return params


def compile_query(queryset) -> CompiledQuery | None:
    """Compile `queryset`, filtered on `SLOT` exactly once; None when it can match nothing."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # restrict() gave none(): the account may see no such row
        return None
    slots = [i for i, p in enumerate(params) if type(p) is int and p == SLOT]
    if len(slots) != 1:
        raise ValueError("the queryset must be filtered on SLOT exactly once")
    attnames = None
    info = compiler.klass_info
    fields = info["select_fields"] if info is not None else []
    annotations = dict(compiler.annotation_col_map or {})
    if fields and fields == list(range(len(compiler.select) - len(annotations))):
        # Whole rows of the model, then any annotations: read as ModelIterable reads them.
        attnames = [compiler.select[i][0].target.attname for i in fields]
    return CompiledQuery(
        sql=sql,
        params=tuple(params),
        slot=slots[0],
        name="xft_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20],
        compiler=compiler,
        converters=compiler.get_converters([column for column, *_ in compiler.select]),
        attnames=attnames,
        annotations=annotations,
    )


def fetch_all(query: CompiledQuery, value) -> list[tuple]:
    """Run `query` with `value` in its slot; return its rows as tuples of Python values."""
    with connection.cursor() as cursor:
        cursor.execute(*_statement(cursor, query, value))
        rows = cursor.fetchall()
    if query.converters:
        return [tuple(row) for row in query.compiler.apply_converters(rows, query.converters)]
    return rows


def fetch_instances(query: CompiledQuery, value) -> list:
    """Run `query` (whole rows of its model, and annotations) with `value`; return model
    instances, each annotation set as an attribute."""
    if query.attnames is None:
        raise ValueError("only whole rows of one model can be read as instances")
    model, db = query.compiler.query.model, query.compiler.using
    width = len(query.attnames)
    instances = []
    for row in fetch_all(query, value):
        instance = model.from_db(db, query.attnames, row[:width])
        for name, column in query.annotations.items():
            setattr(instance, name, row[column])
        instances.append(instance)
    return instances


def _statement(cursor, query: CompiledQuery, value) -> tuple[str, list]:
    params = query.bind(value)
    prepared = connection.vendor == "postgresql" and settings.API_PREPARED_STATEMENTS
    if prepared and _prepare(cursor, query):
        return f"EXECUTE {query.name}({', '.join(['%s'] * len(params))})", params
    return query.sql, params


def _prepare(cursor, query: CompiledQuery) -> bool:
    """PREPARE `query` on this connection unless it is; return whether it can be EXECUTEd.

    A prepared statement belongs to the connection and outlives transactions and rollbacks;
    a new connection (CONN_MAX_AGE, a dropped one) starts with none.
    """
    wrapper = connections[DEFAULT_DB_ALIAS]  # the thread's own, not the proxy
    raw = wrapper.connection
    known = _prepared.get(wrapper)
    if known is None or known[0] is not raw:
        known = _prepared[wrapper] = (raw, {})
    statements = known[1]
    if query.name not in statements:
        numbered = iter(range(1, len(query.params) + 1))
        sql = _PLACEHOLDER.sub(lambda m: "%" if m[1] == "%" else f"${next(numbered)}", query.sql)
        try:
            # In a savepoint: a statement PostgreSQL cannot prepare must not break the
            # transaction of the request; it then runs unprepared.
            with transaction.atomic():
                cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [query.name])
                if cursor.fetchone() is None:
                    cursor.execute(f"PREPARE {query.name} AS {sql}")
            statements[query.name] = True
        except DatabaseError:
            statements[query.name] = False
    return statements[query.name]
