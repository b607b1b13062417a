"""A member's rights over their data: see everything stored about them, and erase their account.

Erasure removes what identifies the person (profile fields, sign-in identities, tags, the invite
code) and keeps the anonymous facts (touches, bindings, the position in the referral tree), so
HQ figures for past periods do not change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import (
    Fingerprint,
    Guide,
    GuideBinding,
    GuideStatus,
    InboundMessage,
    InboxItem,
    Member,
    MemberIdentity,
    MemberTag,
    Message,
    MessageStatus,
    SubscribeConsent,
    Touch,
)
from referral.services import invites, members
from referral.services.member_data import MemberData
from referral.services.profile_fields import PERSONAL_FIELDS


async def export(*, brand_id: int, member_id: int, member_data: MemberData) -> dict[str, Any]:
    """Everything stored about the member, here and in other domains (`member_data`), as plain
    JSON-ready data; raises MEMBER_NOT_FOUND."""
    member = await members.get(brand_id=brand_id, member_id=member_id)
    fields = [
        "id",
        "created_at",
        "registered_at",
        "invite_code",
        "channel",
        "referrer_id",
        "origin_guide_id",
        "origin_store_id",
        "guide_id",
        "locale",
        *PERSONAL_FIELDS,
    ]
    sections: dict[str, Any] = {}
    for export_rows in member_data.export:
        sections.update(await export_rows(brand_id, member.id))
    exported: dict[str, Any] = _plain(
        {
            **sections,
            "member": {f: getattr(member, f) for f in fields},
            "identities": await MemberIdentity.filter(member_id=member.id).values(
                "provider", "subject", "unionid", "created_at"
            ),
            "guideHistory": await GuideBinding.filter(member_id=member.id)
            .order_by("started_at")
            .values("guide_id", "store_id", "started_at", "ended_at", "reason"),
            "touches": await Touch.filter(member_id=member.id)
            .order_by("occurred_at", "id")
            .values(
                "kind", "occurred_at", "guide_id", "store_id", "channel", "campaign", "amount_cents", "other_member_id"
            ),
            "tags": await MemberTag.filter(member_id=member.id).values_list("tag__name", flat=True),
            "inbox": await InboxItem.filter(member_id=member.id)
            .order_by("id")
            .values("kind", "params", "created_at", "read_at"),
            "messagesToBrand": await InboundMessage.filter(member_id=member.id)
            .order_by("id")
            .values("channel", "text", "received_at"),
            "subscribeAnswers": await SubscribeConsent.filter(member_id=member.id)
            .order_by("id")
            .values("template_id", "result", "source", "created_at", "used_at", "voided_at"),
            "invited": await Member.filter(referrer_id=member.id, registered_at__isnull=False).count(),
        }
    )
    return exported


async def erase(*, brand_id: int, member_id: int, now: datetime, member_data: MemberData) -> None:
    """Erase the member's personal data and sign-in identities, here and in other domains
    (`member_data`); raises MEMBER_NOT_FOUND."""
    async with in_transaction() as conn:
        erased = (
            await Member.filter(id=member_id, brand_id=brand_id, deleted_at=None)
            .using_db(conn)
            .update(deleted_at=now, invite_code=invites.new_member_code(), **{f: None for f in PERSONAL_FIELDS})
        )
        if erased != 1:
            raise ReferralError(Code.MEMBER_NOT_FOUND, "No such member.")
        await MemberIdentity.filter(member_id=member_id).using_db(conn).delete()
        # Nothing more is sent to an erased member, and their WeChat/LINE ids go with them.
        await (
            Message.filter(member_id=member_id, status=MessageStatus.PENDING)
            .using_db(conn)
            .update(status=MessageStatus.FAILED, last_error="member erased")
        )
        await Message.filter(member_id=member_id).using_db(conn).update(recipient=None)
        await MemberTag.filter(member_id=member_id).using_db(conn).delete()
        # The inbox holds what the member was told (event titles, coupon names): it goes with them.
        await InboxItem.filter(member_id=member_id).using_db(conn).delete()
        await InboundMessage.filter(member_id=member_id).using_db(conn).delete()
        await SubscribeConsent.filter(member_id=member_id).using_db(conn).delete()
        await Fingerprint.filter(member_id=member_id).using_db(conn).delete()
        # A guide who erases their account leaves: history stays, nobody new is attributed to them.
        await (
            Guide.filter(member_id=member_id)
            .exclude(status=GuideStatus.INACTIVE)
            .using_db(conn)
            .update(status=GuideStatus.INACTIVE, left_at=now)
        )
        for erase_rows in member_data.erase:
            await erase_rows(conn, brand_id, member_id, now)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, str)):
        return value.value
    return value
