"""Which members a broadcast holds out: a bucket 0-9999 from a hash of the seed and the member's
stable id, so the same seed and audience give the same holdout on any machine, any day."""

from __future__ import annotations

import hashlib

BUCKETS = 10_000


def bucket(seed: int, member_id: int) -> int:
    digest = hashlib.blake2b(f"{seed}:{member_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BUCKETS


def held_out(seed: int, member_id: int, percent: int) -> bool:
    return bucket(seed, member_id) < percent * BUCKETS // 100
