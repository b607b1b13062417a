"""A member's rows in the domains above referral (loyalty, events), as referral reaches them: moved
to the survivor when two members merge, added to a data export, erased with the account. referral
cannot import those domains, so the composition root builds one MemberData (server/wiring.py) and
every service that needs it takes it as an argument: none can run without it and silently skip them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

# (conn, brand_id, absorbed_id, survivor_id): conn is the merge's transaction.
MoveRows = Callable[[BaseDBAsyncClient, int, int, int], Awaitable[None]]
# (brand_id, member_id): sections of the export.
ExportRows = Callable[[int, int], Awaitable[dict[str, Any]]]
# (conn, brand_id, member_id, now): conn is the erasure's transaction.
EraseRows = Callable[[BaseDBAsyncClient, int, int, datetime], Awaitable[None]]


@dataclass(frozen=True)
class MemberData:
    move: tuple[MoveRows, ...]
    export: tuple[ExportRows, ...]
    erase: tuple[EraseRows, ...]
