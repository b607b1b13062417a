"""Diversion and counterfeit signals for HQ.

Diversion (窜货): a claim of a batch bound to a region or store, scanned somewhere else; the claim
row carries the flag, set when it was made. Possible counterfeit: a code already claimed, scanned
again by someone else or somewhere else; the re-scan row carries the flag. Neither blocks anyone:
they are evidence for HQ to look at.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

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
        BatchSignal(
            batch=batches[row["id"]],
            claims=int(row["claims"]),
            diverted=int(row["diverted"]),
            suspicious_scans=int(row["suspicious"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class FastClaimer:
    """A member whose claims came faster than a person buys: the busiest run of claims within the
    window, its span and shortest gap, and in how many cities it was scanned."""

    member_id: int
    claims: int
    burst: int
    burst_started_at: datetime
    burst_ended_at: datetime
    shortest_gap_s: float
    cities: int


async def fast_claimers(
    *,
    brand_id: int,
    since: datetime,
    until: datetime,
    burst: int = 10,
    window: timedelta = timedelta(minutes=10),
    limit: int = 50,
) -> list[FastClaimer]:
    """Members with `burst` or more claims within `window` (default: 10 cans in 10 minutes).
    A parent buying a few cans at a time never reaches it."""
    q = Statement()
    candidates = await q.rows(
        f"SELECT member_id FROM claim WHERE brand_id = {q.p(brand_id)} AND claimed_at >= {q.p(since)} "
        f"AND claimed_at < {q.p(until)} GROUP BY member_id HAVING COUNT(*) >= {q.p(burst)}"
    )
    rows = (
        await Claim.filter(
            brand_id=brand_id,
            member_id__in=[row["member_id"] for row in candidates],
            claimed_at__gte=since,
            claimed_at__lt=until,
        )
        .order_by("member_id", "claimed_at")
        .values_list("member_id", "claimed_at", "city")
    )
    found = []
    for member_id, grouped in groupby(rows, key=lambda row: row[0]):
        claims = list(grouped)
        times = [t for _, t, _ in claims]
        first, last = _busiest(times, window)
        if last - first + 1 < burst:
            continue
        gaps = [(b - a).total_seconds() for a, b in zip(times[first:last], times[first + 1 : last + 1], strict=True)]
        found.append(
            FastClaimer(
                member_id=member_id,
                claims=len(times),
                burst=last - first + 1,
                burst_started_at=times[first],
                burst_ended_at=times[last],
                shortest_gap_s=min(gaps) if gaps else 0.0,
                cities=len({city for _, _, city in claims if city}),
            )
        )
    found.sort(key=lambda f: (-f.burst, f.member_id))
    return found[:limit]


def _busiest(times: list[datetime], window: timedelta) -> tuple[int, int]:
    """First and last index of the longest run of sorted times that fits in `window`."""
    best, start = (0, 0), 0
    for end in range(len(times)):
        while times[end] - times[start] > window:
            start += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best


@dataclass(frozen=True)
class WriteOffOutlier:
    """A guide who wrote off many more coupons of their own members than the brand's guides do."""

    guide_id: int
    write_offs: int
    own_members: int
    brand_median: float


async def write_off_outliers(
    *, brand_id: int, since: datetime, until: datetime, factor: float = 3.0, minimum: int = 10
) -> list[WriteOffOutlier]:
    """Guides whose write-offs of coupons held by their own members reach `minimum` and `factor`
    times the median of the brand's guides with any write-off in the period."""
    q = Statement()
    rows = await q.rows(
        f"""
        SELECT c.written_off_by_id AS guide_id, COUNT(*) AS write_offs,
               SUM(CASE WHEN m.guide_id = c.written_off_by_id OR m.origin_guide_id = c.written_off_by_id
                        THEN 1 ELSE 0 END) AS own
        FROM coupon c JOIN member m ON m.id = c.member_id
        WHERE c.brand_id = {q.p(brand_id)} AND c.written_off_by_id IS NOT NULL
          AND c.written_off_at >= {q.p(since)} AND c.written_off_at < {q.p(until)}
        GROUP BY c.written_off_by_id
        """
    )
    if not rows:
        return []
    median = statistics.median(int(row["own"]) for row in rows)
    flagged = [
        WriteOffOutlier(
            guide_id=row["guide_id"],
            write_offs=int(row["write_offs"]),
            own_members=int(row["own"]),
            brand_median=float(median),
        )
        for row in rows
        if int(row["own"]) >= max(minimum, factor * median)
    ]
    return sorted(flagged, key=lambda w: (-w.own_members, w.guide_id))
