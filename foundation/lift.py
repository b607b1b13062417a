"""Comparing two groups' outcomes: the difference with its 95% confidence interval, for the share
who converted (Wald, normal approximation) and for a mean per member (Welch). Used where a group is
measured against another: a broadcast against its holdout, event attendees against those who stayed
away."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959964


@dataclass(frozen=True)
class Estimate:
    """A difference (first group minus second) with its 95% confidence interval."""

    difference: float
    low: float
    high: float


def rate_difference(converted: int, members: int, base_converted: int, base_members: int) -> Estimate | None:
    """converted/members - base_converted/base_members; None when a group is empty."""
    if not members or not base_members:
        return None
    p1, p0 = converted / members, base_converted / base_members
    se = math.sqrt(p1 * (1 - p1) / members + p0 * (1 - p0) / base_members)
    return Estimate(p1 - p0, p1 - p0 - Z95 * se, p1 - p0 + Z95 * se)


def mean_difference(
    total: int, squares: int, members: int, base_total: int, base_squares: int, base_members: int
) -> Estimate | None:
    """Difference in the mean per member (from each group's sum and sum of squares); needs 2+ in each."""
    if members < 2 or base_members < 2:
        return None

    def mean_var(s: int, sq: int, n: int) -> tuple[float, float]:
        mean = s / n
        return mean, max(0.0, (sq - s * mean) / (n - 1))

    (m1, v1), (m0, v0) = mean_var(total, squares, members), mean_var(base_total, base_squares, base_members)
    se = math.sqrt(v1 / members + v0 / base_members)
    return Estimate(m1 - m0, m1 - m0 - Z95 * se, m1 - m0 + Z95 * se)
