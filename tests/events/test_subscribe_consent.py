"""The subscribe-message consent ledger: one acceptance in WeChat's popup is one message, spent
exactly once even by racing workers; 43101 voids it; without one a notice goes to LINE or stays in
the inbox (against the fake WeChat and LINE)."""

from __future__ import annotations

import asyncio

from foundation.integrations.clients import open_integrations
from referral.models import (
    ConsentSource,
    IdentityProvider,
    InboxItem,
    MemberIdentity,
    Message,
    MessageStatus,
    SubscribeConsent,
    SubscribeResult,
)
from referral.services import consent
from server.notifications import Deliverer
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother, person

RECORD = """mutation($r: [SubscribeResultInput!]!, $k: String) { recordSubscribeResults(results: $r, idempotencyKey: $k) {
  credits { templateId available } errors { code field } } }"""
CANCEL_EVENT = "mutation($e: ID!) { cancelEvent(id: $e) { event { status } errors { code } } }"


async def test_answers_are_recorded_and_each_acceptance_is_one_credit(client, town, post) -> None:
    _, token = await mother(town, "mum")
    accept = {"templateId": "TPL-CANCEL", "result": "ACCEPT"}

    first = await client.mutate("recordSubscribeResults", RECORD, {"r": [accept], "k": "popup-0001"}, token=token)
    retried = await client.mutate("recordSubscribeResults", RECORD, {"r": [accept], "k": "popup-0001"}, token=token)
    second = await client.mutate(
        "recordSubscribeResults",
        RECORD,
        {"r": [accept, {"templateId": "TPL-PROMO", "result": "REJECT"}], "k": "popup-0002"},
        token=token,
    )

    assert first["credits"] == retried["credits"] == [{"templateId": "TPL-CANCEL", "available": 1}]
    assert second["credits"] == [{"templateId": "TPL-CANCEL", "available": 2}]
    assert await SubscribeConsent.filter(result=SubscribeResult.REJECT).count() == 1
    # Declining later voids what is left of that template's acceptances.
    declined = await client.mutate(
        "recordSubscribeResults", RECORD, {"r": [{"templateId": "TPL-CANCEL", "result": "REJECT"}]}, token=token
    )
    assert declined["credits"] == []


async def test_unknown_templates_and_bad_keys_are_refused_and_record_nothing(client, town, post) -> None:
    _, token = await mother(town, "mum")
    for variables, code in (
        (
            {"r": [{"templateId": "TPL-CANCEL", "result": "ACCEPT"}, {"templateId": "TPL-OTHER", "result": "ACCEPT"}]},
            "TEMPLATE_ID_UNKNOWN",
        ),
        ({"r": []}, "TEMPLATE_ID_UNKNOWN"),
        ({"r": [{"templateId": "TPL-CANCEL", "result": "ACCEPT"}], "k": "short"}, "IDEMPOTENCY_KEY_INVALID"),
    ):
        done = await client.mutate("recordSubscribeResults", RECORD, variables, token=token)
        assert done["credits"] is None and done["errors"][0]["code"] == code
    assert await SubscribeConsent.all().count() == 0


async def test_racing_senders_spend_each_credit_once(client, town, post) -> None:
    member, _ = await mother(town, "mum")
    for _ in range(5):
        await consent.record(
            brand_id=member.brand_id,
            member_id=member.id,
            answers=[consent.Answer("TPL-CANCEL", SubscribeResult.ACCEPT)],
            source=ConsentSource.CLIENT,
            now=town["clock"].now,
        )
    taken = await asyncio.gather(
        *(
            consent.take(member_id=member.id, template_id="TPL-CANCEL", message_id=i, now=town["clock"].now)
            for i in range(20)
        )
    )
    won = [t for t in taken if t is not None]
    assert len(won) == len(set(won)) == 5
    assert await consent.available(member_id=member.id) == {}


async def test_two_workers_send_one_credit_once_and_the_other_notice_stays_in_the_inbox(
    client, town, upstream, settings, post
) -> None:
    token = await person(town, "wx", IdentityProvider.WECHAT)  # one acceptance of each template
    events = [await factories.event(town["brand"], now=town["clock"].now) for _ in range(2)]
    for event in events:
        await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
        await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])

    async with open_integrations(settings) as other:
        second = Deliverer(other, clock=lambda: town["clock"].now)
        results = await asyncio.gather(post.run_once(limit=1), second.run_once(limit=1))

    assert sum((r for r in results), start=type(results[0])()) == {"sent": 1, "skipped": 1}
    assert len(upstream.wechat_sent) == 1
    assert sorted(m.status for m in await Message.all()) == [MessageStatus.SENT, MessageStatus.SKIPPED]
    assert await InboxItem.all().count() == 2  # both notices are in the inbox either way


async def test_43101_voids_the_credit_and_the_notice_goes_to_line_or_the_inbox(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    both = await person(town, "both", IdentityProvider.WECHAT)
    only_wechat = await person(town, "wx", IdentityProvider.WECHAT)
    for token in (both, only_wechat):
        await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
    # Queued for WeChat (all they had then); one of them links LINE before the worker runs.
    both_member = (await MemberIdentity.get(subject="wechat-both")).member_id
    await MemberIdentity.create(
        brand_id=town["brand"].id, member_id=both_member, provider=IdentityProvider.LINE, subject="line-both"
    )
    upstream.wechat_send_errcode = 43101  # the acceptance was not there after all

    done = await post.run_once()

    assert done == {"sent": 1, "skipped": 1}
    assert [p["to"] for p in upstream.line_pushed] == ["line-both"] and upstream.wechat_sent == []
    assert await SubscribeConsent.filter(voided_at__isnull=False).count() == 2
    assert await InboxItem.all().count() == 2
