"""Checks that must hold on any referral database (see referral.sql.violations)."""

from __future__ import annotations

from referral import sql


async def violations() -> list[str]:
    return await sql.violations(CHECKS)


CHECKS = {
    "nobody refers themselves": "SELECT id FROM member WHERE referrer_id = id",
    "referrer in the same brand": """
        SELECT m.id, m.brand_id, r.brand_id AS referrer_brand FROM member m JOIN member r ON r.id = m.referrer_id
        WHERE r.brand_id <> m.brand_id
    """,
    # A worker that crashed mid-send leaves a message leased or unknown, never sent twice: the
    # database side of that is one row per news item, and a sent row records when it was sent.
    "outbox news queued once": """
        SELECT brand_id, dedupe_key, COUNT(*) AS messages FROM message
        GROUP BY brand_id, dedupe_key HAVING COUNT(*) > 1
    """,
    "sent message without a send time": "SELECT id FROM message WHERE status = 'sent' AND sent_at IS NULL",
}
