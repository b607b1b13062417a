"""Coupons: templates with limits, issue to members, write-off by a guide in store, cancellation.

Every limit is a conditional UPDATE inside one transaction, so no two requests can both win:
the template's issued_count stays within total_limit, the member's holding count within
per_member_limit, and a coupon changes from ISSUED exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from loyalty import idempotency
from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code
from loyalty.models import Coupon, CouponHolding, CouponKind, CouponStatus, CouponTemplate, EntryKind
from loyalty.services import points, policy as policies
from referral import codes
from referral.models import MessageKind, Store, TouchKind
from referral.services import members, outbox, touches
from referral.sql import Statement

COUPON_PREFIX = "C"


def templates(*, brand_id: int, for_sale_only: bool, search: str | None = None) -> QuerySet[CouponTemplate]:
    """The brand's coupon templates: every one (HQ), or the points shop (those members may buy)."""
    q = CouponTemplate.filter(brand_id=brand_id)
    if for_sale_only:
        q = q.filter(points_price__isnull=False)
    term = (search or "").strip()
    return q.filter(name__icontains=term) if term else q


def mine(*, brand_id: int, member_id: int) -> QuerySet[Coupon]:
    return Coupon.filter(brand_id=brand_id, member_id=member_id)


async def create_template(
    *,
    brand_id: int,
    name: str,
    kind: CouponKind,
    valid_days: int,
    value_cents: int = 0,
    total_limit: int | None = None,
    per_member_limit: int = 1,
    store_ids: list[int] | None = None,
    points_price: int | None = None,
) -> CouponTemplate:
    """A coupon template; raises TEMPLATE_INVALID naming the field."""
    name = (name or "").strip()
    checks = [
        (1 <= len(name) <= 80, "name", "A name of 1-80 characters."),
        (1 <= valid_days <= 3650, "valid_days", "Valid for 1 to 3650 days."),
        (0 <= value_cents <= 10**9, "value_cents", "Value must be 0 or more."),
        (total_limit is None or total_limit >= 1, "total_limit", "A total limit must be at least 1."),
        (1 <= per_member_limit <= 1000, "per_member_limit", "Per member: 1 to 1000."),
        (points_price is None or 1 <= points_price <= 10**9, "points_price", "A points price must be at least 1."),
    ]
    for ok, field, message in checks:
        if not ok:
            raise LoyaltyError(Code.TEMPLATE_INVALID, message, field)
    store_ids = sorted(set(store_ids or []))
    if store_ids and await Store.filter(id__in=store_ids, brand_id=brand_id).count() != len(store_ids):
        raise LoyaltyError(Code.TEMPLATE_INVALID, "Every store must belong to the brand.", "store_ids")
    return await CouponTemplate.create(
        brand_id=brand_id,
        name=name,
        kind=kind,
        value_cents=value_cents,
        valid_days=valid_days,
        total_limit=total_limit,
        per_member_limit=per_member_limit,
        store_ids=store_ids,
        points_price=points_price,
    )


async def issue(
    *, brand_id: int, template_id: int, member_id: int, now: datetime, idempotency_key: str | None = None
) -> Coupon:
    """Issue one coupon; raises TEMPLATE_NOT_FOUND, MEMBER_NOT_FOUND, COUPON_LIMIT_REACHED,
    COUPON_MEMBER_LIMIT_REACHED or IDEMPOTENCY_KEY_INVALID/REUSED. A retry with the same idempotency
    key returns the first coupon."""
    idempotency.check(idempotency_key)
    template = await _template(brand_id, template_id)
    if idempotency_key and (earlier := await _issued_by_hq(brand_id, template.id, member_id, idempotency_key)):
        return earlier
    await members.get(brand_id=brand_id, member_id=member_id)
    try:
        async with in_transaction() as conn:
            return await issue_within(conn, template, member_id=member_id, now=now, idempotency_key=idempotency_key)
    except IntegrityError:
        # A racing retry of the same request committed first (the limits' UPDATEs rolled back with us).
        if idempotency_key and (earlier := await _issued_by_hq(brand_id, template.id, member_id, idempotency_key)):
            return earlier
        raise


async def buy(
    *, brand_id: int, template_id: int, member_id: int, now: datetime, idempotency_key: str | None = None
) -> Coupon:
    """A member pays points for a coupon: both or neither happen. Raises COUPON_NOT_FOR_SALE,
    INSUFFICIENT_POINTS, the limits' errors and IDEMPOTENCY_KEY_INVALID/REUSED; a retry with the same
    key returns the first coupon."""
    idempotency.check(idempotency_key)
    template = await _template(brand_id, template_id)
    if template.points_price is None:
        raise LoyaltyError(Code.COUPON_NOT_FOR_SALE, "This coupon cannot be bought with points.", "template_id")
    if idempotency_key and (earlier := await _bought(brand_id, template.id, member_id, idempotency_key)):
        return earlier
    try:
        async with in_transaction() as conn:
            coupon = await issue_within(
                conn,
                template,
                member_id=member_id,
                now=now,
                idempotency_key=idempotency_key,
                points_cost=template.points_price,
            )
            accounts = await points.lock(conn, brand_id=brand_id, member_ids=[member_id])
            await points.deduct(
                conn,
                accounts[member_id],
                template.points_price,
                now=now,
                kind=EntryKind.SPEND,
                allow_debt=False,
                coupon_id=coupon.id,
                note=template.name,
            )
            return coupon
    except IntegrityError:
        if idempotency_key and (earlier := await _bought(brand_id, template.id, member_id, idempotency_key)):
            return earlier
        if idempotency_key and await Coupon.exists(template_id=template.id, idempotency_key=idempotency_key):
            # Someone else's request: never hand their coupon to this member.
            raise LoyaltyError(
                Code.IDEMPOTENCY_KEY_INVALID, "This idempotency key was already used.", idempotency.FIELD
            ) from None
        raise


async def issued_counts(template_ids: Sequence[int]) -> dict[int, int]:
    """Coupons issued per template, counted from the coupons (cancelled ones included)."""
    if not template_ids:
        return {}
    rows = (
        await Coupon.filter(template_id__in=list(template_ids))
        .group_by("template_id")
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )
    found = dict(rows)
    return {t: found.get(t, 0) for t in template_ids}


async def issued(templates: Sequence[CouponTemplate]) -> dict[int, int]:
    """Coupons issued per template id. A limited template is counted on its row (issue_within); the
    others from their coupons, in one query for all of them."""
    counted = await issued_counts([t.id for t in templates if t.total_limit is None])
    return {t.id: t.issued_count if t.total_limit is not None else counted[t.id] for t in templates}


async def issue_within(
    conn: BaseDBAsyncClient,
    template: CouponTemplate,
    *,
    member_id: int,
    now: datetime,
    idempotency_key: str | None = None,
    points_cost: int = 0,
    campaign_id: int | None = None,
    notify: bool = True,
) -> Coupon:
    """Issue inside the caller's transaction (`campaign_id`: the rule issuing it, credited in reports;
    `notify` False when the caller's own message tells the member, as a broadcast's does).
    Raises COUPON_LIMIT_REACHED or COUPON_MEMBER_LIMIT_REACHED
    after its own writes: the caller rolls back (a campaign does so to a savepoint and goes on)."""
    # Only a limited template is counted on its row: that UPDATE locks the row until commit, so
    # counting an unlimited one (a BOGO gift on every first purchase) would queue every such claim
    # behind one row on launch day. Unlimited templates are counted from their coupons instead.
    if template.total_limit is not None:
        counted = (
            await CouponTemplate.filter(issued_count__lt=F("total_limit"), id=template.id)
            .using_db(conn)
            .update(issued_count=F("issued_count") + 1)
        )
        if counted != 1:
            raise LoyaltyError(Code.COUPON_LIMIT_REACHED, "All of these coupons have been given out.", "template_id")
    q = Statement(conn)
    await q.execute(
        f"INSERT INTO coupon_holding (template_id, member_id, count) VALUES ({q.p(template.id)}, {q.p(member_id)}, 0) "
        "ON CONFLICT (template_id, member_id) DO NOTHING"
    )
    held = (
        await CouponHolding.filter(template_id=template.id, member_id=member_id, count__lt=template.per_member_limit)
        .using_db(conn)
        .update(count=F("count") + 1)
    )
    if held != 1:
        raise LoyaltyError(Code.COUPON_MEMBER_LIMIT_REACHED, "This member already has as many as allowed.", "member_id")
    coupon = await Coupon.create(
        brand_id=template.brand_id,
        template_id=template.id,
        member_id=member_id,
        code=codes.new(COUPON_PREFIX, 10),
        issued_at=now,
        expires_at=now + timedelta(days=template.valid_days),
        idempotency_key=idempotency_key,
        points_cost=points_cost,
        campaign_id=campaign_id,
        using_db=conn,
    )
    await touches.record(
        brand_id=template.brand_id,
        member_id=member_id,
        kind=TouchKind.COUPON_ISSUED,
        at=now,
        attribute=True,
        source=f"coupon:{coupon.id}",
        campaign_id=campaign_id,
        conn=conn,
    )
    if not notify:
        return coupon
    await outbox.enqueue(
        brand_id=template.brand_id,
        member_id=member_id,
        kind=MessageKind.COUPON_ISSUED,
        now=now,
        dedupe_key=f"coupon:{coupon.id}",
        conn=conn,
        params={
            "coupon": template.name,
            "expires_at": coupon.expires_at.isoformat(),
            "page": "pages/coupons/index",
        },
    )
    return coupon


async def _template(brand_id: int, template_id: int) -> CouponTemplate:
    template = await CouponTemplate.get_or_none(id=template_id, brand_id=brand_id)
    if template is None:
        raise LoyaltyError(Code.TEMPLATE_NOT_FOUND, "No such coupon template.", "template_id")
    return template


async def _issued_by_hq(brand_id: int, template_id: int, member_id: int, key: str) -> Coupon | None:
    """HQ's earlier issue under this key (HQ's keys are the brand's), if it was for the same coupon
    and member; raises IDEMPOTENCY_KEY_REUSED if it was for others."""
    earlier = await Coupon.filter(brand_id=brand_id, idempotency_key=key, points_cost=0).order_by("id").first()
    if earlier is not None and (earlier.template_id, earlier.member_id) != (template_id, member_id):
        raise idempotency.reused()
    return earlier


async def _bought(brand_id: int, template_id: int, member_id: int, key: str) -> Coupon | None:
    """This member's earlier purchase under this key; raises IDEMPOTENCY_KEY_REUSED if it bought
    another coupon."""
    earlier = (
        await Coupon.filter(brand_id=brand_id, member_id=member_id, idempotency_key=key, points_cost__gt=0)
        .order_by("id")
        .first()
    )
    if earlier is not None and earlier.template_id != template_id:
        raise idempotency.reused()
    return earlier


async def cancel(*, brand_id: int, coupon_id: int, now: datetime) -> Coupon:
    """HQ withdraws an unused coupon; points paid for it go back to the member (a new lot).
    Raises COUPON_NOT_FOUND or COUPON_ALREADY_WRITTEN_OFF."""
    coupon = await Coupon.get_or_none(id=coupon_id, brand_id=brand_id)
    if coupon is None:
        raise LoyaltyError(Code.COUPON_NOT_FOUND, "No such coupon.", "coupon_id")
    async with in_transaction() as conn:
        if await cancel_within(conn, coupon, now=now):
            return await Coupon.filter(id=coupon.id).using_db(conn).get()
    current = await Coupon.get(id=coupon.id)
    if current.status is CouponStatus.WRITTEN_OFF:
        raise LoyaltyError(Code.COUPON_ALREADY_WRITTEN_OFF, "A used coupon cannot be cancelled.", "coupon_id")
    return current  # already cancelled: cancelling again changes nothing


async def cancel_within(conn: BaseDBAsyncClient, coupon: Coupon, *, now: datetime) -> bool:
    """Cancel an ISSUED coupon inside the caller's transaction and refund its points; False if it was
    not ISSUED any more (used or cancelled already)."""
    changed = (
        await Coupon.filter(id=coupon.id, status=CouponStatus.ISSUED)
        .using_db(conn)
        .update(status=CouponStatus.CANCELLED, cancelled_at=now)
    )
    if changed and coupon.points_cost:
        policy = await policies.get(brand_id=coupon.brand_id)
        accounts = await points.lock(conn, brand_id=coupon.brand_id, member_ids=[coupon.member_id])
        await points.earn(
            conn,
            accounts[coupon.member_id],
            coupon.points_cost,
            now=now,
            valid_days=policy.points_valid_days,
            kind=EntryKind.REFUND,
            coupon_id=coupon.id,
            note="coupon cancelled",
        )
    return changed == 1
