"""Broadcasts: HQ writes a message to a segment for a time; reach/broadcast_queue.py fixes the audience
and queues it when the time comes; the outbox delivers. Everything a broadcast may be refused for
is checked here, before anything is stored."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from loyalty import idempotency
from loyalty.models import CouponTemplate
from reach import personalise, segments
from reach.errors import ReachError, ReachErrorCode as Code
from reach.models import Broadcast, BroadcastStatus
from referral.models import Member, MessageChannel, MessageKind
from referral.services import outbox
from referral.sql import Statement

# A send time a moment ago is "now" (the form took a while), not an error.
GRACE = timedelta(minutes=5)
FURTHEST = timedelta(days=90)
CAP_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Words:
    """A broadcast's title and body in one of the brand's other locales."""

    locale: str
    title: str
    body: str


MAX_TRANSLATIONS = 10


@dataclass(frozen=True)
class Draft:
    name: str
    segment_id: int
    title: str
    body: str
    page: str | None = None
    coupon_template_id: int | None = None
    send_at: datetime | None = None
    quiet_from: int | None = None
    quiet_to: int | None = None
    frequency_cap: int = 2
    holdout_percent: int = 0
    holdout_seed: int | None = None
    conversion_days: int = 14
    translations: tuple[Words, ...] = ()


def message_key(broadcast_id: int, member_id: int) -> str:
    """The outbox dedupe key of a recipient's message: one message per member and broadcast."""
    return f"broadcast:{broadcast_id}:{member_id}"


def message_key_sql(broadcast_id: int, member_column: str) -> str:
    """message_key as SQL text, for the member id in `member_column`."""
    return f"'broadcast:{int(broadcast_id)}:' || CAST({member_column} AS TEXT)"


def broadcast_of(key: str | None) -> int | None:
    """The broadcast a message key (or a touch's source) names; None for anything else."""
    parts = (key or "").split(":")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "broadcast" and parts[1].isdigit() else None


async def create(
    *, brand_id: int, draft: Draft, created_by: str, now: datetime, idempotency_key: str | None = None
) -> Broadcast:
    """Schedule a broadcast; raises the first rule it breaks (nothing is stored then). A retry with
    the same idempotency key answers the first broadcast."""
    idempotency.check(idempotency_key)
    if idempotency_key and (earlier := await _earlier(brand_id, idempotency_key, draft)):
        return earlier
    send_at = _check(draft, now)
    translations = _translations(draft, regional.of(await Brand.get(id=brand_id)))
    segment = await segments.get(brand_id=brand_id, segment_id=draft.segment_id)
    audience = await segments.count(
        scope=segments.Scope(brand_id=brand_id), condition=segments.conditions_of(segment), now=now
    )
    if audience == 0:
        raise ReachError(Code.SEGMENT_EMPTY, "The segment selects nobody now.", "segment_id")
    if draft.coupon_template_id is not None:
        await _check_stock(brand_id, draft.coupon_template_id, audience * (100 - draft.holdout_percent) // 100)
    try:
        return await Broadcast.create(
            brand_id=brand_id,
            name=draft.name.strip(),
            segment_id=segment.id,
            title=draft.title.strip(),
            body=draft.body.strip(),
            translations=translations,
            page=draft.page,
            coupon_template_id=draft.coupon_template_id,
            send_at=send_at,
            quiet_from=draft.quiet_from,
            quiet_to=draft.quiet_to,
            frequency_cap=draft.frequency_cap,
            holdout_percent=draft.holdout_percent,
            holdout_seed=draft.holdout_seed if draft.holdout_seed is not None else secrets.randbelow(2**31),
            conversion_days=draft.conversion_days,
            created_by=created_by,
            idempotency_key=idempotency_key,
            created_at=now,
        )
    except IntegrityError:
        if idempotency_key and (earlier := await _earlier(brand_id, idempotency_key, draft)):
            return earlier
        raise


def _check(draft: Draft, now: datetime) -> datetime:
    def refuse(field: str, message: str) -> None:
        raise ReachError(Code.BROADCAST_INVALID, message, field)

    if not 1 <= len(draft.name.strip()) <= 80 or not draft.name.isprintable():
        refuse("name", "A name of 1-80 printable characters.")
    with_coupon = draft.coupon_template_id is not None
    for words in (Words("", draft.title, draft.body), *draft.translations):
        title, body = ("translations", "translations") if words.locale else ("title", "body")
        if not 1 <= len(words.title.strip()) <= 40 or not words.title.isprintable():
            refuse(title, "A title of 1-40 printable characters.")
        if not 1 <= len(words.body.strip()) <= 500 or not words.body.replace("\n", " ").isprintable():
            refuse(body, "A text of 1-500 characters.")
        personalise.check(words.title, field=title, with_coupon=with_coupon)
        personalise.check(words.body, field=body, with_coupon=with_coupon)
    if draft.page is not None and not (
        1 <= len(draft.page) <= 200 and draft.page.isascii() and draft.page.isprintable() and " " not in draft.page
    ):
        refuse("page", "A mini-program page path of 1-200 characters without spaces.")
    if (draft.quiet_from is None) != (draft.quiet_to is None):
        refuse("quiet_to", "Quiet hours need a start and an end.")
    if draft.quiet_from is not None and not (0 <= draft.quiet_from < 1440 and 0 <= (draft.quiet_to or 0) < 1440):
        refuse("quiet_from", "Quiet hours are times of day, 00:00-23:59.")
    if not 1 <= draft.frequency_cap <= 50:
        refuse("frequency_cap", "The frequency cap is 1-50 broadcasts a week.")
    if not 0 <= draft.holdout_percent <= 50:
        refuse("holdout_percent", "Hold out 0-50% of the audience.")
    if draft.holdout_seed is not None and not 0 <= draft.holdout_seed < 2**31:
        refuse("holdout_seed", "A seed is 0 to 2^31-1.")
    if not 1 <= draft.conversion_days <= 90:
        refuse("conversion_days", "Conversions are counted over 1-90 days.")
    send_at = draft.send_at or now
    if send_at.tzinfo is None:
        refuse("send_at", "A send time needs its offset.")
    if send_at < now - GRACE:
        raise ReachError(Code.SEND_TIME_PASSED, "The send time is in the past.", "send_at")
    if send_at > now + FURTHEST:
        refuse("send_at", "A send time at most 90 days ahead.")
    return max(send_at, now)


def _translations(draft: Draft, region: regional.Regional) -> dict[str, dict[str, str]]:
    """{locale: words}, each locale one the brand offers besides its default (whose words are the
    title and body), once."""
    out: dict[str, dict[str, str]] = {}
    if len(draft.translations) > MAX_TRANSLATIONS:
        raise ReachError(Code.BROADCAST_INVALID, f"At most {MAX_TRANSLATIONS} translations.", "translations")
    for words in draft.translations:
        if words.locale not in region.locales or words.locale == region.default_locale or words.locale in out:
            raise ReachError(
                Code.BROADCAST_INVALID,
                "Translations are for the brand's other locales, one each; title and body are in its default.",
                "translations",
            )
        out[words.locale] = {"title": words.title.strip(), "body": words.body.strip()}
    return out


def words_for(row: Broadcast, locale: str | None) -> tuple[str, str]:
    """The title and body a member of this locale reads."""
    mine = (row.translations or {}).get(locale or "")
    return (mine["title"], mine["body"]) if mine else (row.title, row.body)


async def _check_stock(brand_id: int, template_id: int, wanted: int) -> None:
    template = await CouponTemplate.get_or_none(id=template_id, brand_id=brand_id)
    if template is None:
        raise ReachError(Code.COUPON_TEMPLATE_UNKNOWN, "No such coupon template.", "coupon_template_id")
    if template.total_limit is not None and template.total_limit - template.issued_count < wanted:
        left = template.total_limit - template.issued_count
        raise ReachError(
            Code.COUPON_OUT_OF_STOCK,
            f"{left:,} coupons are left of this template; the audience is {wanted:,}.",
            "coupon_template_id",
        )


async def _earlier(brand_id: int, key: str, draft: Draft) -> Broadcast | None:
    earlier = await Broadcast.get_or_none(brand_id=brand_id, idempotency_key=key)
    if earlier is not None and (earlier.name, earlier.segment_id) != (draft.name.strip(), draft.segment_id):
        raise ReachError(
            Code.IDEMPOTENCY_KEY_REUSED, "This request key was used for another broadcast.", idempotency.FIELD
        )
    return earlier


async def get(*, brand_id: int, broadcast_id: int) -> Broadcast:
    row = await Broadcast.get_or_none(id=broadcast_id, brand_id=brand_id)
    if row is None:
        raise ReachError(Code.BROADCAST_NOT_FOUND, "No such broadcast.", "broadcast_id")
    return row


def listing(*, brand_id: int) -> QuerySet[Broadcast]:
    return Broadcast.filter(brand_id=brand_id)


async def cancel(*, brand_id: int, broadcast_id: int, now: datetime) -> Broadcast:
    """Cancel before it is sent; raises BROADCAST_ALREADY_SENT once its audience is fixed. A
    conditional update: a cancel racing the send either wins whole or loses whole."""
    row = await get(brand_id=brand_id, broadcast_id=broadcast_id)
    if not await Broadcast.filter(id=row.id, status=BroadcastStatus.SCHEDULED).update(
        status=BroadcastStatus.CANCELLED, cancelled_at=now
    ):
        raise ReachError(Code.BROADCAST_ALREADY_SENT, "This broadcast was sent or cancelled already.", "broadcast_id")
    return await Broadcast.get(id=row.id)


async def send_test(*, brand_id: int, broadcast_id: int, member_id: int, now: datetime) -> MessageChannel | None:
    """Send the broadcast now to one member (HQ's own phone), marked as a test: no coupon is issued,
    no audience is fixed, caps and quiet hours do not apply; marketing consent does. Returns the
    channel it went to (None: the inbox only)."""
    row = await get(brand_id=brand_id, broadcast_id=broadcast_id)
    member = await Member.get_or_none(id=member_id, brand_id=brand_id, deleted_at=None, registered_at__isnull=False)
    if member is None:
        raise ReachError(Code.MEMBER_NOT_FOUND, "No such member.", "member_id")
    if member.marketing_consent_at is None:
        raise ReachError(Code.NO_MARKETING_CONSENT, "This member has not agreed to marketing messages.", "member_id")
    template = await CouponTemplate.get_or_none(id=row.coupon_template_id) if row.coupon_template_id else None
    values = (await personal_values(None, [member.id]))[member.id]
    values["coupon"] = template.name if template else ""
    notice = outbox.Notice(
        member_id=member.id,
        params=params_of(row, values, now, locale=member.locale, test=True),
        dedupe_key=f"broadcast-test:{row.id}:{uuid.uuid4().hex[:12]}",
    )
    chosen = await outbox.enqueue_many(
        connections.get("default"),
        brand_id=brand_id,
        kind=MessageKind.BROADCAST,
        notices=[notice],
        now=now,
        send_at=now,
    )
    return next(iter(chosen))


def params_of(
    row: Broadcast, values: dict[str, str], now: datetime, *, locale: str | None, test: bool = False
) -> dict[str, object]:
    """A recipient's notice: the words of their locale with their own values in, and the rest of notice_facts."""
    title, body = words_for(row, locale)
    return {
        "title": ("[TEST] " if test else "") + personalise.fill(title, values),
        "body": personalise.fill(body, values),
        **notice_facts(row, now, test=test),
    }


def notice_facts(row: Broadcast, now: datetime, *, test: bool = False) -> dict[str, object]:
    """What a recipient's notice holds besides its words: what the outbox needs to hold it in quiet
    hours and re-check consent (a test is exempt from both)."""
    params: dict[str, object] = {"sent_at": now.isoformat(), "broadcast_id": row.id}
    if row.page:
        params["page"] = row.page
    if not test:
        params["marketing"] = True
        if row.quiet_from is not None:
            params["quiet"] = [row.quiet_from, row.quiet_to]
    return params


async def personal_values(conn: BaseDBAsyncClient | None, member_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each member's {name}, {guide} and {points}, in one statement for all of them."""
    q = Statement(conn)
    columns = ", ".join(f"{sql} AS {name}" for name, sql in PERSONAL_COLUMNS.items())
    rows = await q.rows(f"SELECT m.id, {columns} FROM member m {PERSONAL_JOINS} WHERE m.id {q.among(member_ids)}")
    return {int(r["id"]): {name: str(r[name]) for name in PERSONAL_COLUMNS} for r in rows}


# Each member's {name}, {guide} and {points} as SQL over `member m` joined as PERSONAL_JOINS.
PERSONAL_COLUMNS = {
    "name": "COALESCE(m.display_name, m.name, '')",
    "guide": "COALESCE(gm.display_name, gm.name, '')",
    "points": "CAST(COALESCE(pa.balance, 0) AS TEXT)",
}
PERSONAL_JOINS = (
    "LEFT JOIN guide g ON g.id = m.guide_id LEFT JOIN member gm ON gm.id = g.member_id "
    "LEFT JOIN points_account pa ON pa.member_id = m.id"
)
