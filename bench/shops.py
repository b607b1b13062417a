"""The brand the scale benchmarks load (id 1): its stores, and its guides once their member rows exist."""

from __future__ import annotations

from datetime import datetime

import asyncpg

STORES, GUIDES = 50, 500


async def brand_and_stores(conn: asyncpg.Connection, now: datetime) -> None:
    await conn.execute("INSERT INTO brand (id, slug, name, created_at) VALUES (1, 'bench', 'Bench', $1)", now)
    await conn.copy_records_to_table(
        "store",
        columns=["id", "brand_id", "code", "name", "is_active", "created_at"],
        records=[(i, 1, f"S{i}", f"Store {i}", True, now) for i in range(1, STORES + 1)],
    )


async def guides(conn: asyncpg.Connection, now: datetime) -> None:
    """Guides 1..GUIDES, each the member of the same id, spread over the stores."""
    await conn.copy_records_to_table(
        "guide",
        columns=["id", "brand_id", "member_id", "store_id", "role", "status", "invite_code", "created_at"],
        records=[(g, 1, g, (g - 1) % STORES + 1, "guide", "active", f"GG{g:08d}", now) for g in range(1, GUIDES + 1)],
    )
