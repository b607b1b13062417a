"""Diversion and counterfeit signals for HQ.

Diversion (窜货): a claim of a batch bound to a region or store, scanned somewhere else; the claim
row carries the flag, set when it was made. Possible counterfeit: a code already claimed, scanned
again by someone else or somewhere else; the re-scan row carries the flag. Neither blocks anyone:
they are evidence for HQ to look at.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.queryset import QuerySet

from loyalty.models import Claim, CodeBatch, Rescan
from referral.sql import Statement


def diverted_claims(*, brand_id: int, batch_id: int | None = None) -> QuerySet[Claim]:
    claims = Claim.filter(brand_id=brand_id, diverted=True)
    return claims.filter(batch_id=batch_id) if batch_id is not None else claims


def suspicious_scans(*, brand_id: int, batch_id: int | None = None) -> QuerySet[Rescan]:
    scans = Rescan.filter(brand_id=brand_id, suspicious=True)
    return scans.filter(batch_id=batch_id) if batch_id is not None else scans


@dataclass(frozen=True)
class BatchSignal:
    batch: CodeBatch
    claims: int
    diverted: int
    suspicious_scans: int


async def flagged_batches(*, brand_id: int, limit: int) -> list[BatchSignal]:
    """Batches with any flag, the most flagged first."""
    q = Statement()
    rows = await q.rows(
        f"""
        WITH c AS (SELECT batch_id, COUNT(*) AS claims, SUM(CASE WHEN diverted THEN 1 ELSE 0 END) AS diverted
                   FROM claim WHERE brand_id = {q.p(brand_id)} GROUP BY batch_id),
             r AS (SELECT batch_id, COUNT(*) AS suspicious FROM rescan
                   WHERE brand_id = {q.p(brand_id)} AND suspicious GROUP BY batch_id)
        SELECT b.id, COALESCE(c.claims, 0) AS claims, COALESCE(c.diverted, 0) AS diverted,
               COALESCE(r.suspicious, 0) AS suspicious
        FROM code_batch b LEFT JOIN c ON c.batch_id = b.id LEFT JOIN r ON r.batch_id = b.id
        WHERE b.brand_id = {q.p(brand_id)} AND (COALESCE(c.diverted, 0) > 0 OR COALESCE(r.suspicious, 0) > 0)
        ORDER BY COALESCE(c.diverted, 0) + COALESCE(r.suspicious, 0) DESC, b.id
        LIMIT {q.p(limit)}
        """
    )
    batches = {b.id: b for b in await CodeBatch.filter(id__in=[row["id"] for row in rows])}
    return [
        BatchSignal(batch=batches[row["id"]], claims=int(row["claims"]), diverted=int(row["diverted"]),
                    suspicious_scans=int(row["suspicious"]))
        for row in rows
    ]
