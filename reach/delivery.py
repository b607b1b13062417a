"""Rules the outbox applies to a marketing message at the moment it would go: quiet hours hold it,
and a member who withdrew marketing consent since it was queued is not sent it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reach import quiet_hours
from reach.models import BroadcastRecipient, SkipReason
from referral.models import Message


async def hold(message: Message, *, zone: ZoneInfo, now: datetime, consented: bool) -> datetime | SkipReason | None:
    """None: send it now. A time: hold it until then. A reason: do not send it (recorded on the
    broadcast's recipient). `consented`: the member's marketing consent as it stands now (the
    outbox reads it with the batch)."""
    payload = message.payload
    if not payload.get("marketing"):
        return None
    quiet = payload.get("quiet")
    if quiet and (until := quiet_hours.release(now, zone=zone, quiet_from=quiet[0], quiet_to=quiet[1])):
        return until
    if consented:
        return None
    if "broadcast_id" in payload:
        await BroadcastRecipient.filter(
            broadcast_id=int(payload["broadcast_id"]), member_id=message.member_id, skip_reason=None
        ).update(skip_reason=SkipReason.CONSENT_WITHDRAWN)
    return SkipReason.CONSENT_WITHDRAWN
