"""A registration's writes in one statement on PostgreSQL: the member row, the guide binding and the
registration and referral touches as data-modifying CTEs hung on the conditional UPDATE, so that
when the UPDATE matches nothing (registered already, a racing registration won) nothing else is
written. One statement is atomic: no BEGIN, no COMMIT, and the member comes back in its RETURNING.
members.register_stepwise writes the same rows in a transaction, a round trip each (SQLite's
path); tests/referral/test_registration_paths.py compares the two."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from referral.models import BindingReason, Channel, Guide, Member, TouchKind
from referral.services.attribution import binding_join
from referral.sql import Statement


async def write(
    *,
    brand_id: int,
    member_id: int,
    now: datetime,
    values: dict[str, Any],
    guide: Guide | None,
    referrer: Member | None,
) -> Member | None:
    """Register the member with `values` (Member fields); None if they were registered already or
    gone, and nothing written."""
    q = Statement()
    fields = Member._meta.fields_map
    assignments = ", ".join(
        f"{fields[name].source_field or name} = {q.p(fields[name].to_db_value(value, Member))}"
        for name, value in values.items()
    )
    member = (
        f"UPDATE member SET {assignments} WHERE id = {q.p(member_id)} AND brand_id = {q.p(brand_id)} "
        "AND registered_at IS NULL AND deleted_at IS NULL RETURNING *"
    )
    steps = [f"m AS ({member})"]
    if guide is not None:
        steps.append(
            "b AS (INSERT INTO guide_binding (brand_id, member_id, guide_id, store_id, started_at, reason) "
            f"SELECT m.brand_id, m.id, {q.typed(guide.id, 'INT')}, {q.typed(guide.store_id, 'INT')}, "
            f"{q.typed(now, 'TIMESTAMPTZ')}, {q.typed(BindingReason.REGISTRATION.value, 'TEXT')} FROM m)"
        )
    steps.append(
        "t AS (INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, channel, campaign, "
        "amount_cents, other_member_id) "
        f"SELECT m.brand_id, m.id, {q.typed(TouchKind.REGISTRATION.value, 'TEXT')}, m.registered_at, m.guide_id, "
        "m.origin_store_id, m.channel, m.registration_tag, 0, m.referrer_id FROM m ON CONFLICT DO NOTHING)"
    )
    if referrer is not None:
        # Credited to the guide bound to the inviting member now, and that guide's store.
        steps.append(
            "r AS (INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, channel, "
            "amount_cents, other_member_id) "
            f"SELECT m.brand_id, m.referrer_id, {q.typed(TouchKind.REFERRAL.value, 'TEXT')}, m.registered_at, "
            "gb.guide_id, CASE WHEN gb.guide_id IS NOT NULL THEN COALESCE(gb.store_id, "
            "(SELECT store_id FROM guide WHERE id = gb.guide_id)) END, "
            f"{q.typed(Channel.MEMBER_INVITE.value, 'TEXT')}, 0, m.id "
            f"FROM m {binding_join(q, 'gb', brand_id, referrer.id, now)} ON CONFLICT DO NOTHING)"
        )
    rows = await q.rows(f"WITH {', '.join(steps)} SELECT * FROM m")
    # How tortoise itself makes a model of a row it read: each column to its field's Python type.
    return Member._init_from_db(**rows[0]) if rows else None
