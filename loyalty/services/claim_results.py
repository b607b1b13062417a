"""What a claim answers, whichever path made it (claims: step by step; claim_call: in one call)."""

from __future__ import annotations

from dataclasses import dataclass, field

from loyalty.models import Claim, CodeBatch
from loyalty.services.campaigns import Granted


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    batch: CodeBatch
    # What this claim gave the member who scanned: the item's points plus campaign rewards.
    points_earned: int
    balance: int
    rewards: list[Granted] = field(default_factory=list)
    # True when this answers a retry of an earlier request with the same idempotency key.
    replayed: bool = False
