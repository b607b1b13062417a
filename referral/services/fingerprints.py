"""Self-referral rings: members who invite each other from one device, one network address or
one phone number. Evidence for HQ; nothing here blocks a member."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from referral.models import FingerprintKind
from referral.sql import Statement


async def record(*, brand_id: int, member_id: int, seen: Sequence[tuple[FingerprintKind, str]], now: datetime) -> None:
    """Note that the member was seen with these (kind, keyed digest) pairs; one statement."""
    if not seen:
        return
    q = Statement()
    values = ", ".join(
        f"({q.p(brand_id)}, {q.p(member_id)}, {q.p(kind.value)}, {q.p(digest)}, {q.p(now)}, {q.p(now)})"
        for kind, digest in seen
    )
    await q.execute(
        "INSERT INTO member_fingerprint (brand_id, member_id, kind, digest, first_seen_at, last_seen_at) "
        f"VALUES {values} ON CONFLICT (member_id, kind, digest) DO UPDATE SET last_seen_at = excluded.last_seen_at"
    )


@dataclass(frozen=True)
class Ring:
    shared_by: str  # "device", "phone" or "ip"
    fingerprint: str  # a short label to tell rings apart; not the value itself
    member_ids: tuple[int, ...]
    invitations: int


async def rings(*, brand_id: int, limit: int) -> list[Ring]:
    """Groups of members linked by invitations and sharing one fingerprint; largest first. Device
    and phone rings come before address-only ones, which are weaker evidence."""
    q = Statement()
    rows = await q.rows(
        f"""
        SELECT 'phone' AS kind, m.phone AS digest, m.id AS member_id, m.referrer_id AS referrer_id
        FROM member m JOIN member r ON r.id = m.referrer_id
        WHERE m.brand_id = {q.p(brand_id)} AND m.phone IS NOT NULL AND m.phone = r.phone AND m.deleted_at IS NULL
        UNION ALL
        SELECT f.kind, f.digest, m.id, m.referrer_id
        FROM member m
        JOIN member_fingerprint f ON f.member_id = m.id
        JOIN member_fingerprint g ON g.member_id = m.referrer_id AND g.kind = f.kind AND g.digest = f.digest
        WHERE m.brand_id = {q.p(brand_id)} AND m.deleted_at IS NULL
        """
    )
    groups: dict[tuple[str, str], tuple[set[int], set[tuple[int, int]]]] = {}
    for row in rows:
        members, pairs = groups.setdefault((row["kind"], row["digest"]), (set(), set()))
        members.update((row["member_id"], row["referrer_id"]))
        pairs.add((row["referrer_id"], row["member_id"]))
    strength = {"device": 0, "phone": 0, "ip": 1}
    found = [
        Ring(
            shared_by=kind,
            fingerprint=hashlib.blake2s(digest.encode(), digest_size=4).hexdigest(),
            member_ids=tuple(sorted(members)),
            invitations=len(pairs),
        )
        for (kind, digest), (members, pairs) in groups.items()
    ]
    found.sort(key=lambda r: (strength[r.shared_by], -len(r.member_ids), r.fingerprint))
    return found[:limit]
