"""A store manager's reports count the members who registered in their store."""

from __future__ import annotations

from referral.sql import Statement


def store_members(q: Statement, store_id: int | None) -> str:
    """Only the touches of members who registered in the store (written where it stands in the
    text: SQLite binds its "?" by position)."""
    if store_id is None:
        return ""
    return f" AND t.member_id IN (SELECT id FROM member WHERE origin_store_id = {q.p(store_id)})"
