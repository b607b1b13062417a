"""The subscribe-message consent ledger. WeChat lets a mini-program send a subscribe message only
against an unused acceptance of its template by the user (one popup "accept" is one message;
without one WeChat answers 43101). Every answer is recorded; each acceptance is one credit, and a
WeChat send takes one credit atomically, so two workers never spend the same acceptance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from foundation.tenancy.models import Brand
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import ConsentSource, IdentityProvider, MemberIdentity, SubscribeConsent, SubscribeResult
from referral.sql import Statement

# The client's report and WeChat's push of the same popup answer arrive within moments of each other.
PAIRING_WINDOW = timedelta(minutes=10)
MAX_RESULTS = 10


@dataclass(frozen=True)
class Answer:
    template_id: str
    result: SubscribeResult


async def record(
    *,
    brand_id: int,
    member_id: int,
    answers: Sequence[Answer],
    source: ConsentSource,
    now: datetime,
    request_key: str | None = None,
) -> None:
    """Record the member's answers; raises TEMPLATE_ID_UNKNOWN (nothing recorded) for a template that
    is not one of the brand's. The same answer from the other source within minutes pairs with it."""
    if request_key is not None and not (
        8 <= len(request_key) <= 64 and request_key.isascii() and request_key.isprintable()
    ):
        raise ReferralError(
            Code.IDEMPOTENCY_KEY_INVALID, "The idempotency key must be 8-64 characters.", "idempotency_key"
        )
    if not answers or len(answers) > MAX_RESULTS:
        raise ReferralError(Code.TEMPLATE_ID_UNKNOWN, f"Report 1-{MAX_RESULTS} results at a time.", "results")
    known = set(((await Brand.get(id=brand_id)).wechat_templates or {}).values())
    if any(a.template_id not in known for a in answers):
        raise ReferralError(Code.TEMPLATE_ID_UNKNOWN, "Not one of this brand's subscribe-message templates.", "results")
    other = ConsentSource.PUSH if source is ConsentSource.CLIENT else ConsentSource.CLIENT
    async with in_transaction() as conn:
        for answer in answers:
            partner = (
                await SubscribeConsent.filter(
                    member_id=member_id,
                    template_id=answer.template_id,
                    result=answer.result,
                    source=other,
                    paired=False,
                    created_at__gte=now - PAIRING_WINDOW,
                )
                .using_db(conn)
                .order_by("id")
                .first()
            )
            # Conditional: two reports racing for the same partner cannot both pair with it.
            if partner is not None and await SubscribeConsent.filter(id=partner.id, paired=False).using_db(conn).update(
                paired=True
            ):
                continue
            try:
                async with in_transaction() as row_conn:  # a savepoint: a retried report is not an error
                    await SubscribeConsent.create(
                        brand_id=brand_id,
                        member_id=member_id,
                        template_id=answer.template_id,
                        result=answer.result,
                        source=source,
                        request_key=request_key,
                        created_at=now,
                        using_db=row_conn,
                    )
            except IntegrityError:
                continue
            if answer.result in (SubscribeResult.REJECT, SubscribeResult.BAN):
                await _void_all(conn, member_id, answer.template_id, now)


async def turned_off(*, brand_id: int, member_id: int, template_id: str, now: datetime) -> None:
    """The member turned the template off in the mini-program's settings: its credits are void."""
    await _void_all(None, member_id, template_id, now)


async def _void_all(conn: BaseDBAsyncClient | None, member_id: int, template_id: str, now: datetime) -> None:
    q = SubscribeConsent.filter(
        member_id=member_id, template_id=template_id, result=SubscribeResult.ACCEPT, used_at=None, voided_at=None
    )
    await (q.using_db(conn) if conn else q).update(voided_at=now)


async def available(*, member_id: int) -> dict[str, int]:
    """Unused credits per template id."""
    rows = await SubscribeConsent.filter(
        member_id=member_id, result=SubscribeResult.ACCEPT, used_at=None, voided_at=None
    ).values_list("template_id", flat=True)
    return dict(Counter(str(template_id) for template_id in rows))


async def take(*, member_id: int, template_id: str, message_id: int, now: datetime) -> int | None:
    """Spend one credit for this message; the credit's id, or None when there is none. Atomic: the
    row is claimed by a conditional update (SKIP LOCKED on PostgreSQL), so racing senders never
    spend the same one."""
    q = Statement()
    skip = " FOR UPDATE SKIP LOCKED" if q.postgres else ""
    rows = await q.rows(
        f"UPDATE subscribe_consent SET used_at = {q.p(now)}, message_id = {q.p(message_id)} "
        "WHERE used_at IS NULL AND voided_at IS NULL AND id = (SELECT id FROM subscribe_consent "
        f"WHERE member_id = {q.p(member_id)} AND template_id = {q.p(template_id)} "
        f"AND result = {q.p(SubscribeResult.ACCEPT.value)} AND used_at IS NULL AND voided_at IS NULL "
        f"ORDER BY id LIMIT 1{skip}) RETURNING id"
    )
    return int(rows[0]["id"]) if rows else None


async def give_back(credit_id: int) -> None:
    """The message surely did not reach WeChat (busy, refused connection): the credit is unspent."""
    await SubscribeConsent.filter(id=credit_id).update(used_at=None, message_id=None)


async def void(credit_id: int, *, now: datetime) -> None:
    """WeChat answered 43101: the acceptance was not there (used elsewhere, or never given)."""
    await SubscribeConsent.filter(id=credit_id).update(voided_at=now)


async def member_of_openid(*, brand_id: int, openid: str) -> int | None:
    identity = await MemberIdentity.get_or_none(brand_id=brand_id, provider=IdentityProvider.WECHAT, subject=openid)
    return identity.member_id if identity is not None else None
