"""Raw SQL for what the ORM cannot say (recursive CTEs, grouped reports, ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


class Statement:
    """Collects one statement's parameters in the placeholder style of its engine ($n or ?).

    Call p() in the order the placeholders appear in the text: SQLite binds "?" by position.
    """

    def __init__(self, conn: BaseDBAsyncClient | None = None) -> None:
        self.conn = conn or connections.get("default")
        self.postgres = self.conn.capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def p(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else "?"

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


async def insert_many(
    conn: BaseDBAsyncClient, table: str, columns: tuple[str, ...], rows: list[list[Any]], tail: str = ""
) -> None:
    """One INSERT run for many rows (executemany); `tail` is an ON CONFLICT clause, if any."""
    if not rows:
        return
    postgres = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, len(columns) + 1))
    await conn.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}){tail}", rows)
