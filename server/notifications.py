"""The outbox worker: lease due messages, send them through WeChat or LINE, record what happened.
The guarantees per channel are in referral/services/outbox.py."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from foundation.integrations.clients import Integrations
from foundation.integrations.line_push import PushOutcome
from foundation.integrations.wechat import SendOutcome
from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from reach import broadcast_queue, delivery, journeys
from reach.models import SkipReason
from referral.models import Member, Message, MessageChannel
from referral.notices import catalogue
from referral.services import consent, outbox
from server.pacing import Pacer, Paces, SharedPacer

log = logging.getLogger("scrm.notifications")
PLAN_EVERY = timedelta(seconds=10)


class Deliverer:
    def __init__(
        self,
        integrations: Integrations,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        rates: Mapping[MessageChannel, float] | None = None,
        pacers: Mapping[MessageChannel, Paces] | None = None,
        concurrency: int = 8,
    ) -> None:
        """`rates`: pushes per second per channel (settings.outbox_rate_*), for all workers together
        when they share Redis, else per worker; unpaced when left out. `concurrency`: messages in
        flight at once."""
        self._concurrency = concurrency
        self._wechat = integrations.wechat
        self._line = integrations.line_push
        self._clock = clock
        self._planned_at: datetime | None = None
        redis = integrations.redis

        def pacer(channel: MessageChannel, rate: float) -> Paces:
            return SharedPacer(redis, f"scrm:pace:{channel.value}", rate) if redis is not None else Pacer(rate)

        self._pacers = dict(pacers or {channel: pacer(channel, rate) for channel, rate in (rates or {}).items()})

    async def run_once(self, *, limit: int = 50) -> Counter[str]:
        """Queue due broadcasts and move journeys on (see _plan), then deliver what is due now; returns
        how many messages ended in each state."""
        done: Counter[str] = Counter()
        await self._plan()
        messages = await outbox.lease_due(now=self._clock(), limit=limit)
        brands = {b.id: b for b in await Brand.filter(id__in={m.brand_id for m in messages})}
        members = {
            row["id"]: row
            for row in await Member.filter(id__in={m.member_id for m in messages}).values(
                "id", "locale", "marketing_consent_at"
            )
        }
        gate = asyncio.Semaphore(self._concurrency)

        async def one(message: Message) -> None:
            member = members.get(message.member_id) or {}
            async with gate:
                done[await self._one(message, brands[message.brand_id], member)] += 1

        # Side by side: the pace (Pacer) sets when each request starts, not a round trip's length.
        await asyncio.gather(*(one(message) for message in messages))
        return done

    async def _plan(self) -> None:
        """Queue the broadcasts that are due and move journeys on: at most every PLAN_EVERY of the
        clock, not before every batch of a long delivery backlog (each journey's trigger is a query)."""
        now = self._clock()
        if self._planned_at is not None and now - self._planned_at < PLAN_EVERY:
            return
        self._planned_at = now
        await broadcast_queue.run_due(now=now, line=self._line)
        await journeys.run(now=now)

    async def _one(self, message: Message, brand: Brand, member: dict[str, Any]) -> str:
        settings = regional.of(brand)
        words = catalogue.for_push(
            message.kind,
            message.payload,
            locale=settings.locale_for(member.get("locale")),
            zone=settings.zone,
            event_link_base=settings.event_link_base,
        )
        consented = member.get("marketing_consent_at") is not None
        held = await delivery.hold(message, zone=settings.zone, now=self._clock(), consented=consented)
        if isinstance(held, SkipReason):
            await outbox.skipped(message, reason=f"not sent: {held.value}")
            return "skipped"
        if held is not None:
            await outbox.defer(message, until=held, reason="quiet hours")
            return "held"
        return await self._deliver(message, brand, words)

    async def _pace(self, channel: MessageChannel) -> None:
        if (pacer := self._pacers.get(channel)) is not None:
            await pacer.wait()

    async def run_forever(self, *, interval_s: float = 5.0) -> None:
        while True:
            done = await self.run_once()
            if done:
                log.info("delivered: %s", dict(done))
            await asyncio.sleep(0 if sum(done.values()) else interval_s)

    async def _deliver(self, message: Message, brand: Brand, words: catalogue.Push) -> str:
        if message.channel is MessageChannel.LINE:
            return await self._push_line(message, brand, words)
        return await self._push_wechat(message, brand, words)

    async def _push_line(self, message: Message, brand: Brand, words: catalogue.Push) -> str:
        now = self._clock()
        if not brand.line_channel_access_token:
            await outbox.failed(message, error="brand has no LINE channel access token")
            return "failed"
        await self._pace(MessageChannel.LINE)
        outcome, reason = await self._line.push(
            access_token=brand.line_channel_access_token,
            to=message.recipient or "",
            text=words.text,
            retry_key=str(message.retry_key),
        )
        if outcome is PushOutcome.SENT:
            await outbox.sent(message, now=now)
            return "sent"
        if outcome is PushOutcome.RETRY:
            await outbox.retry(message, now=now, error=reason)
            return "retry"
        await outbox.failed(message, error=reason)
        return "failed"

    async def _push_wechat(self, message: Message, brand: Brand, words: catalogue.Push) -> str:
        """Only against an unused acceptance of the template (consent.take); without one the message
        goes over LINE if the member has it, else it stays in the inbox only."""
        now = self._clock()
        template = (brand.wechat_templates or {}).get(message.kind.value)
        if not (brand.wechat_appid and brand.wechat_secret and template):
            return await self._elsewhere(
                message, brand, words, f"brand has no WeChat template for {message.kind.value}"
            )
        credit = await consent.take(member_id=message.member_id, template_id=template, message_id=message.id, now=now)
        if credit is None:
            return await self._elsewhere(message, brand, words, "no subscribe-message credit")
        await self._pace(MessageChannel.WECHAT)
        if not await outbox.handing_over(message, now=now):
            await consent.give_back(credit)
            return "lost lease"
        result, msgid = await self._wechat.send_subscribe(
            appid=brand.wechat_appid,
            secret=brand.wechat_secret,
            openid=message.recipient or "",
            template_id=template,
            data=words.fields,
            page=words.page,
        )
        if result is SendOutcome.SENT:
            await outbox.sent(message, now=now, platform_id=msgid)
            return "sent"
        if result is SendOutcome.RETRY:
            await consent.give_back(credit)
            await outbox.retry(message, now=now, error="wechat busy or unreachable")
            return "retry"
        if result is SendOutcome.NO_CONSENT:
            await consent.void(credit, now=now)
            return await self._elsewhere(message, brand, words, "wechat 43101: no acceptance for the template")
        if result is SendOutcome.MAYBE_SENT:
            await outbox.unknown(message, error="wechat did not answer in time; not resent")
            return "unknown"
        await outbox.failed(message, error="wechat refused the message")
        return "failed"

    async def _elsewhere(self, message: Message, brand: Brand, words: catalogue.Push, reason: str) -> str:
        if await outbox.line_instead(message):
            return await self._push_line(message, brand, words)
        await outbox.skipped(message, reason=f"{reason}; in the inbox only")
        return "skipped"
