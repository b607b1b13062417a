"""Checks that must hold on any events database, whatever crashed or raced (see referral.sql.violations)."""

from __future__ import annotations

from referral import sql


async def violations() -> list[str]:
    return await sql.violations(CHECKS)


CHECKS = {
    # Walk-ins are let in at the door and do not take a signed-up seat.
    "sign-ups within capacity": """
        SELECT e.id, e.capacity, e.confirmed_count, COUNT(r.id) AS confirmed
        FROM event e LEFT JOIN registration r ON r.event_id = e.id AND r.status = 'confirmed' AND NOT r.walk_in
        GROUP BY e.id, e.capacity, e.confirmed_count
        HAVING COUNT(r.id) > e.capacity OR COUNT(r.id) <> e.confirmed_count
    """,
    "waitlist position held once": """
        SELECT event_id, waitlist_position, COUNT(*) AS members FROM registration
        WHERE status = 'waitlisted' GROUP BY event_id, waitlist_position HAVING COUNT(*) > 1
    """,
    "checked in without a seat": """
        SELECT id, event_id, status FROM registration WHERE checked_in_at IS NOT NULL AND status <> 'confirmed'
    """,
    "one answer per member": """
        SELECT interaction_id, member_id, COUNT(*) AS answers FROM interaction_answer
        GROUP BY interaction_id, member_id HAVING COUNT(*) > 1
    """,
}
