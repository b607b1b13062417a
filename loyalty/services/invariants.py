"""Checks that must hold on any loyalty database, whatever crashed or raced: each returns the
violations it finds (empty when all is well). Used by tests and by `scrm check-invariants`."""

from __future__ import annotations

from referral import sql


async def violations() -> list[str]:
    return await sql.violations(CHECKS)


CHECKS = {
    # Backed by a unique constraint; checked anyway, because a checker trusts nothing.
    "code claimed at most once": """
        SELECT batch_id, serial, COUNT(*) AS claims FROM claim GROUP BY batch_id, serial HAVING COUNT(*) > 1
    """,
    "claim of a revoked batch after revocation": """
        SELECT c.id, c.batch_id FROM claim c JOIN code_batch b ON b.id = c.batch_id
        WHERE b.revoked_at IS NOT NULL AND c.claimed_at > b.revoked_at
    """,
    # The balance is the sum of the ledger, the debt the sum of its debt changes, and what is left
    # of the lots is exactly the balance.
    "balance equals ledger": """
        SELECT a.member_id, a.balance, a.debt, COALESCE(SUM(e.points), 0) AS ledger,
               COALESCE(SUM(e.debt_change), 0) AS ledger_debt, COALESCE(SUM(e.remaining), 0) AS lots
        FROM points_account a LEFT JOIN points_entry e ON e.member_id = a.member_id
        GROUP BY a.member_id, a.balance, a.debt
        HAVING a.balance <> COALESCE(SUM(e.points), 0) OR a.debt <> COALESCE(SUM(e.debt_change), 0)
            OR a.balance <> COALESCE(SUM(e.remaining), 0)
    """,
    "ledger without account": """
        SELECT DISTINCT e.member_id FROM points_entry e
        LEFT JOIN points_account a ON a.member_id = e.member_id WHERE a.id IS NULL
    """,
    "coupons within template limit": """
        SELECT t.id, t.total_limit, t.issued_count, COUNT(c.id) AS coupons
        FROM coupon_template t LEFT JOIN coupon c ON c.template_id = t.id
        GROUP BY t.id, t.total_limit, t.issued_count
        HAVING t.total_limit IS NOT NULL AND (COUNT(c.id) <> t.issued_count OR t.issued_count > t.total_limit)
    """,
    "coupons within member limit": """
        SELECT c.template_id, c.member_id, COUNT(*) AS coupons, t.per_member_limit
        FROM coupon c JOIN coupon_template t ON t.id = c.template_id
        GROUP BY c.template_id, c.member_id, t.per_member_limit
        HAVING COUNT(*) > t.per_member_limit
    """,
    "reward once per claim": """
        SELECT campaign_id, claim_id, beneficiary, COUNT(*) AS n FROM reward
        GROUP BY campaign_id, claim_id, beneficiary HAVING COUNT(*) > 1
    """,
    "reversed claim keeps live rewards": """
        SELECT r.id, r.claim_id FROM reward r JOIN claim c ON c.id = r.claim_id
        WHERE c.reversed_at IS NOT NULL AND r.reversed_at IS NULL
    """,
}
