"""Rules the outbox applies to a marketing message at the moment it would go: quiet hours hold it,
and a member who withdrew marketing consent since it was queued is not sent it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reach import quiet_hours
from reach.models import BroadcastRecipient, SkipReason
from referral.models import Member, Message, MessageKind


async def hold(message: Message, *, zone: ZoneInfo, now: datetime) -> datetime | SkipReason | None:
    """None: send it now. A time: hold it until then. A reason: do not send it (recorded on the recipient)."""
    payload = message.payload
    if message.kind not in (MessageKind.BROADCAST, MessageKind.GUIDE_MESSAGE) or not payload.get("marketing"):
        return None
    quiet = payload.get("quiet")
    if quiet and (until := quiet_hours.release(now, zone=zone, quiet_from=quiet[0], quiet_to=quiet[1])):
        return until
    consent = await Member.filter(id=message.member_id).values_list("marketing_consent_at", flat=True)
    if not consent or consent[0] is None:
        if "broadcast_id" not in payload:
            return SkipReason.CONSENT_WITHDRAWN
        await BroadcastRecipient.filter(
            broadcast_id=int(payload["broadcast_id"]), member_id=message.member_id, skip_reason=None
        ).update(skip_reason=SkipReason.CONSENT_WITHDRAWN)
        return SkipReason.CONSENT_WITHDRAWN
    return None
