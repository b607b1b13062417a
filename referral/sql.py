"""Raw SQL for what the ORM cannot say (recursive CTEs, grouped reports, ON CONFLICT DO NOTHING)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from foundation import replica


class Statement:
    """Collects one statement's parameters in the placeholder style of its engine ($n or ?).

    Call p() in the order the placeholders appear in the text: SQLite binds "?" by position.
    """

    def __init__(self, conn: BaseDBAsyncClient | None = None) -> None:
        # Inside foundation.replica.reports(), a fresh replica's connection.
        self.conn = conn or replica.connection()
        self.postgres = self.conn.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def p(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else "?"

    def typed(self, value: Any, pg_type: str) -> str:
        """A parameter in a SELECT list, where PostgreSQL cannot infer its type (INSERT ... SELECT)."""
        return f"CAST({self.p(value)} AS {pg_type})" if self.postgres else self.p(value)

    def among(self, ids: list[int] | list[str], pg_type: str = "BIGINT") -> str:
        """`column <this>`: the column is one of `ids`, as one parameter whatever their number (a
        list of many parameters would make a new statement, and plan, for every length)."""
        if self.postgres:
            return f"= ANY(CAST({self.p(ids)} AS {pg_type}[]))"
        return f"IN (SELECT value FROM json_each({self.p(json.dumps(ids))}))"

    def json_with(self, base: dict[str, Any], extra: Callable[[], dict[str, str]]) -> str:
        """A JSON object: `base` (fixed, one parameter) with the keys `extra()` gives set to SQL text
        expressions (called after `base` takes its parameter, so theirs follow in the text)."""
        fixed = self.typed(json.dumps(base, ensure_ascii=False), "jsonb")
        extra_sql = extra()
        if self.postgres:
            pairs = ", ".join(f"'{key}', {expr}" for key, expr in extra_sql.items())
            return f"({fixed} || jsonb_build_object({pairs}))"
        pairs = ", ".join(f"'$.{key}', {expr}" for key, expr in extra_sql.items())
        return f"json_set({fixed}, {pairs})"

    def within_days(self, later: str, earlier: str, days: int) -> str:
        """SQL true when the instant `later` is at most `days` days after `earlier` (two column
        expressions): SQLite keeps instants as ISO text, which julianday reads."""
        if self.postgres:
            return f"{later} <= {earlier} + interval '{int(days)} days'"
        return f"julianday({later}) <= julianday({earlier}) + {int(days)}"

    def days_between(self, later: str, earlier: str) -> str:
        """The days (fractional) from the instant `earlier` to `later`, two column expressions."""
        if self.postgres:
            return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
        return f"(julianday({later}) - julianday({earlier}))"

    def bucket(self, instant: str, starts: list[Any]) -> str:
        """The index of the bucket an instant falls in, given the buckets' sorted starts: 0 for the
        first, -1 before it (PostgreSQL: width_bucket, a binary search; SQLite: a CASE chain)."""
        if self.postgres:
            return f"(width_bucket({instant}, CAST({self.p(starts)} AS TIMESTAMPTZ[])) - 1)"
        chain = " ".join(f"WHEN {instant} < {self.p(start)} THEN {n - 1}" for n, start in enumerate(starts))
        return f"(CASE {chain} ELSE {len(starts) - 1} END)"

    def new_uuid(self) -> str:
        """A random (version 4) UUID made by the database, one per row."""
        if self.postgres:
            return "gen_random_uuid()"
        hexes = "lower(hex(randomblob({})))"
        return (
            f"({hexes.format(4)} || '-' || {hexes.format(2)} || '-4' || substr({hexes.format(2)}, 2) || '-' || "
            f"substr('89ab', 1 + abs(random()) % 4, 1) || substr({hexes.format(2)}, 2) || '-' || {hexes.format(6)})"
        )

    async def rows(self, sql: str) -> list[dict[str, Any]]:
        return await self.conn.execute_query_dict(sql, self.params)

    async def execute(self, sql: str) -> None:
        await self.conn.execute_query(sql, self.params)


async def violations(checks: dict[str, str]) -> list[str]:
    """Run invariant checks: each query returns the rows that break its rule (none when all is well)."""
    found: list[str] = []
    for name, sql in checks.items():
        rows = await Statement().rows(sql)
        found += [f"{name}: {dict(row)}" for row in rows]
    return found


# Column types for insert_many on PostgreSQL: values travel as one array per column.
_ARRAY_OF = {"jsonb": "text", "uuid": "text"}


async def insert_many(
    conn: BaseDBAsyncClient,
    table: str,
    columns: dict[str, str],
    rows: list[list[Any]],
    tail: str = "",
    returning: str | None = None,
) -> list[dict[str, Any]]:
    """Insert many rows in one statement; `columns` maps each column to its PostgreSQL type, `tail`
    is an ON CONFLICT clause, if any. PostgreSQL gets one array per column (INSERT ... SELECT FROM
    unnest: one round trip, ~10x executemany's speed at 1,000 rows); SQLite an executemany. With
    `returning` (columns), the rows inserted are returned (SQLite: one INSERT per row, in process)."""
    if not rows:
        return []
    names = ", ".join(columns)
    back = f" RETURNING {returning}" if returning else ""
    if conn.capabilities.dialect != "postgres":
        text = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)}){tail}"
        if not returning:
            await conn.execute_many(text, rows)
            return []
        return [row for values in rows for row in await conn.execute_query_dict(text + back, values)]
    arrays = [f"${i}::{_ARRAY_OF.get(t, t)}[]" for i, t in enumerate(columns.values(), start=1)]
    aliases = [f"c{i}" for i in range(len(columns))]
    select = ", ".join(f"u.{a}::{t}" for a, t in zip(aliases, columns.values(), strict=True))
    source = f"unnest({', '.join(arrays)}) AS u({', '.join(aliases)})"
    return await conn.execute_query_dict(
        f"INSERT INTO {table} ({names}) SELECT {select} FROM {source}{tail}{back}",
        [list(column) for column in zip(*rows, strict=True)],
    )
