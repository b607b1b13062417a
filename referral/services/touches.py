"""Touch points: every domain reports what happened to a member here; profiles and attribution read them."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from referral.models import Channel, Touch, TouchKind
from referral.services.attribution import guide_at


def query(*, brand_id: int, member_id: int) -> QuerySet[Touch]:
    """A member's timeline."""
    return Touch.filter(brand_id=brand_id, member_id=member_id)


async def record(
    *,
    brand_id: int,
    member_id: int,
    kind: TouchKind,
    at: datetime,
    guide_id: int | None = None,
    store_id: int | None = None,
    channel: Channel | None = None,
    campaign: str | None = None,
    event_ref: str | None = None,
    amount_cents: int = 0,
    other_member_id: int | None = None,
    source: str | None = None,
    attribute: bool = False,
) -> Touch | None:
    """Append a touch. With attribute=True the guide and store are the ones bound to the member at `at`.

    A touch with a `source` is recorded once per (kind, source): a retried report returns None.
    """
    if attribute and guide_id is None:
        bound = await guide_at(brand_id=brand_id, member_id=member_id, at=at)
        if bound is not None:
            guide_id, store_id = bound
    try:
        return await Touch.create(
            brand_id=brand_id, member_id=member_id, kind=kind, occurred_at=at, guide_id=guide_id,
            store_id=store_id, channel=channel, campaign=campaign, event_ref=event_ref,
            amount_cents=amount_cents, other_member_id=other_member_id, source=source,
        )
    except IntegrityError:
        if source is None:
            raise
        return None
