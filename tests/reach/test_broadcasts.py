"""A broadcast end to end against the fake LINE and WeChat: each member reached once, the way they
can be (LINE, a WeChat credit, else the inbox), in their own words, with a coupon; consent, caps and
quiet hours honoured; a double press or a second worker doubles nothing; bad input changes nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from loyalty.models import Coupon, CouponKind
from loyalty.services import coupons
from reach import broadcast_queue
from reach.broadcasts import personal_values
from reach.models import Broadcast, BroadcastRecipient
from reach.personalise import fill
from referral.models import (
    IdentityProvider,
    InboxItem,
    Member,
    Message,
    MessageKind,
    MessageStatus,
    SubscribeConsent,
)
from schema import ids
from tests.reach.broadcasting import RECIPIENTS, REPORT, broadcast, gid, person, segment

CANCEL = "mutation($b: ID!) { cancelBroadcast(broadcastId: $b) { broadcast { status } errors { code field } } }"
TEST_SEND = """mutation($b: ID!, $m: ID!) { sendTestBroadcast(broadcastId: $b, memberId: $m) {
  route errors { code field } } }"""


async def test_each_member_is_reached_once_the_way_they_can_be_in_their_own_words(
    client, town, deliver, upstream
) -> None:
    await Member.filter(id=town["guide"].member_id).update(display_name="Amy")
    lina = await person(town, "lina", IdentityProvider.LINE)
    wei = await person(town, "wei", IdentityProvider.WECHAT, credits=2)
    nora = await person(town, "nora", IdentityProvider.WECHAT, credits=0)
    sam = await person(town, "sam", IdentityProvider.LINE, consents=False)
    gift = await coupons.create_template(
        brand_id=town["brand"].id, name="Gift can", kind=CouponKind.GIFT, valid_days=30, total_limit=10
    )
    made = await broadcast(
        client,
        town,
        await segment(client, town),
        title="Hello {name}",
        body="{guide} kept you a {coupon}. You have {points} points.",
        couponTemplateId=gid("CouponTemplate", gift.id),
        page="pages/coupons/index",
    )
    assert made["status"] == "SCHEDULED" and made["audience"] is None

    done = await deliver.run_once()
    again = await deliver.run_once()

    assert done == {"sent": 2, "skipped": 1} and not again
    [pushed] = [body for body in upstream.line_pushed]
    assert pushed["to"] == "line-lina"
    assert pushed["messages"][0]["text"] == "Hello Lina\nAmy kept you a Gift can. You have 0 points."
    [line_request] = [r for r in upstream.requests if r.path.endswith("message/push")]
    assert line_request.headers.get("x-line-retry-key")
    [sent] = [body for body in upstream.wechat_sent]
    assert (sent["touser"], sent["template_id"], sent["page"]) == ("wechat-wei", "TPL-NEWS", "pages/coupons/index")
    # One acceptance spent, one left; Nora (no acceptance, no LINE) has it in her inbox only.
    assert await SubscribeConsent.filter(member_id=wei.id, used_at__isnull=False).count() == 1
    assert await SubscribeConsent.filter(member_id=wei.id, used_at=None).count() == 1
    inbox = await InboxItem.filter(kind=MessageKind.BROADCAST).order_by("member_id").values_list("member_id", flat=True)
    assert inbox == [lina.id, wei.id, nora.id]
    # A coupon each, told by the broadcast itself (no separate coupon notice); none for Sam.
    assert sorted(await Coupon.all().values_list("member_id", flat=True)) == [lina.id, wei.id, nora.id]
    assert not await Message.filter(kind=MessageKind.COUPON_ISSUED).exists()

    report = (await client.ok(REPORT, {"id": made["id"]}, token=town["hq"]))["node"]
    assert report["status"] == "SENT" and report["audience"] == 4
    assert report["report"]["routes"] == [
        {"route": "INBOX", "queued": 0, "sent": 1, "delivered": 0, "uncertain": 0, "refused": 0},
        {"route": "LINE", "queued": 0, "sent": 1, "delivered": 0, "uncertain": 0, "refused": 0},
        {"route": "WECHAT", "queued": 0, "sent": 1, "delivered": 0, "uncertain": 0, "refused": 0},
    ]
    assert report["report"]["skipped"] == [{"reason": "NO_MARKETING_CONSENT", "count": 1}]
    rows = (await client.ok(RECIPIENTS, {"id": made["id"]}, token=town["hq"]))["node"]["recipients"]["nodes"]
    timeline = await client.ok(
        "query($m: ID!) { member(id: $m) { timeline(first: 10) { nodes { kind broadcastId } } } }",
        {"m": gid("Member", lina.id)},
        token=town["hq"],
    )
    assert {"kind": "BROADCAST_RECEIVED", "broadcastId": made["id"]} in timeline["member"]["timeline"]["nodes"]
    states = {r["member"]["id"]: (r["state"], r["route"], r["reason"]) for r in rows}
    assert states == {
        gid("Member", lina.id): ("SENT", "LINE", None),
        gid("Member", wei.id): ("SENT", "WECHAT", None),
        gid("Member", nora.id): ("INBOX_ONLY", "INBOX", None),
        gid("Member", sam.id): ("SKIPPED", None, "no_marketing_consent"),
    }


async def test_the_database_fills_in_each_members_words_as_written(client, town, deliver) -> None:
    """The words are filled in by SQL in the queue: one pass, as personalise.fill (a name holding a
    placeholder stays as written), quotes and non-ASCII kept, a member without a guide gets ''."""
    await Member.filter(id=town["guide"].member_id).update(display_name="Amy")
    odd = await person(town, "odd", IdentityProvider.LINE, name="{points} O'Brien 李")
    alone = await person(town, "alone", None, via="")
    made = await broadcast(
        client, town, await segment(client, town), title="{name}|{name}!", body="{guide}: {points}% 100%"
    )
    await deliver.run_once()
    row = await Broadcast.get(id=ids.decode(made["id"], "Broadcast"))
    values = await personal_values(None, [odd.id, alone.id])
    words = {
        m: (item.params["title"], item.params["body"])
        for m, item in [(i.member_id, i) for i in await InboxItem.filter(kind=MessageKind.BROADCAST)]
    }
    assert words[odd.id] == ("{points} O'Brien 李|{points} O'Brien 李!", "Amy: 0% 100%")
    assert words[alone.id] == ("Alone|Alone!", ": 0% 100%")
    for member_id, (title, body) in words.items():
        assert (title, body) == (fill(row.title, values[member_id]), fill(row.body, values[member_id]))


async def test_each_member_reads_the_words_of_their_locale(client, town, deliver, upstream) -> None:
    brand = town["brand"]
    brand.locales, brand.default_locale = ["zh-Hans", "ja"], "zh-Hans"
    await brand.save()
    hana = await person(town, "hana", IdentityProvider.LINE, name="Hana")
    mei = await person(town, "mei", IdentityProvider.LINE, name="Mei")
    await Member.filter(id=hana.id).update(locale="ja")
    made = await broadcast(
        client,
        town,
        await segment(client, town),
        title="你好 {name}",
        body="二段奶粉到了",
        translations=[{"locale": "ja", "title": "こんにちは {name}", "body": "ステージ2が届きました"}],
    )
    await deliver.run_once()
    pushed = {p["to"]: p["messages"][0]["text"] for p in upstream.line_pushed}
    assert pushed == {"line-hana": "こんにちは Hana\nステージ2が届きました", "line-mei": "你好 Mei\n二段奶粉到了"}
    shown = await client.ok(
        "query($id: ID!) { node(id: $id) { ... on Broadcast { translations { locale title body } } } }",
        {"id": made["id"]},
        token=town["hq"],
    )
    assert shown["node"]["translations"] == [
        {"locale": "ja", "title": "こんにちは {name}", "body": "ステージ2が届きました"}
    ]
    test = await client.mutate(
        "sendTestBroadcast", TEST_SEND, {"b": made["id"], "m": ids.encode("Member", hana.id)}, token=town["hq"]
    )
    assert test["errors"] == []
    [item] = await InboxItem.filter(member_id=hana.id, dedupe_key__startswith="broadcast-test:")
    assert item.params["title"] == "[TEST] こんにちは Hana"
    assert mei.locale is None


async def test_pressing_twice_and_two_workers_send_once(client, town, deliver, upstream) -> None:
    for i in range(5):
        await person(town, f"m{i}", IdentityProvider.LINE)
    where = await segment(client, town)
    first = await broadcast(client, town, where, key="press-0000001")
    second = await broadcast(client, town, where, key="press-0000001")
    assert first["id"] == second["id"]

    now = town["clock"].now
    await asyncio.gather(broadcast_queue.run_due(now=now), broadcast_queue.run_due(now=now))
    await asyncio.gather(deliver.run_once(), deliver.run_once())
    await deliver.run_once()

    assert await BroadcastRecipient.all().count() == 5
    assert await Message.filter(kind=MessageKind.BROADCAST).count() == 5
    assert sorted(b["to"] for b in upstream.line_pushed) == [f"line-m{i}" for i in range(5)]
    cancel = await client.mutate("cancelBroadcast", CANCEL, {"b": first["id"]}, token=town["hq"])
    assert cancel == {"broadcast": None, "errors": [{"code": "BROADCAST_ALREADY_SENT", "field": "broadcastId"}]}


async def test_a_cancelled_broadcast_never_goes(client, town, deliver, upstream) -> None:
    await person(town, "lina", IdentityProvider.LINE)
    later = (town["clock"].now + timedelta(hours=2)).isoformat()
    made = await broadcast(client, town, await segment(client, town), sendAt=later)
    cancel = await client.mutate("cancelBroadcast", CANCEL, {"b": made["id"]}, token=town["hq"])
    assert cancel == {"broadcast": {"status": "CANCELLED"}, "errors": []}
    town["clock"].advance(hours=3)
    assert not await deliver.run_once()
    assert upstream.line_pushed == [] and not await BroadcastRecipient.exists()


async def test_quiet_hours_hold_and_do_not_drop(client, town, deliver, upstream) -> None:
    # The clock reads 09:00 UTC: 17:00 in Shanghai, the brand's zone.
    await person(town, "lina", IdentityProvider.LINE)
    made = await broadcast(client, town, await segment(client, town), quietFrom="16:30", quietTo="08:30")
    assert made["quietHours"] == "16:30-08:30"
    assert not await deliver.run_once() or upstream.line_pushed == []
    message = await Message.get(kind=MessageKind.BROADCAST)
    # Held until 08:30 in Shanghai the next morning: 00:30 UTC.
    assert message.next_attempt_at == town["clock"].now.replace(hour=0, minute=30) + timedelta(days=1)
    town["clock"].advance(hours=15, minutes=29)
    await deliver.run_once()
    assert upstream.line_pushed == []
    town["clock"].advance(minutes=2)
    assert await deliver.run_once() == {"sent": 1}


async def test_a_message_due_in_quiet_hours_waits_for_their_end(client, town, deliver, upstream) -> None:
    await person(town, "lina", IdentityProvider.LINE)
    await broadcast(client, town, await segment(client, town), quietFrom="21:00", quietTo="08:00")
    await broadcast_queue.run_due(now=town["clock"].now)  # queued at 17:00 local, delivered at 22:00
    town["clock"].advance(hours=5)
    assert await deliver.run_once() == {"held": 1}
    message = await Message.get(kind=MessageKind.BROADCAST)
    assert message.status is MessageStatus.PENDING and message.attempts == 0
    assert message.next_attempt_at == town["clock"].now.replace(hour=0, minute=0) + timedelta(days=1)


async def test_consent_withdrawn_before_delivery_stops_the_message(client, town, deliver, upstream) -> None:
    lina = await person(town, "lina", IdentityProvider.LINE)
    made = await broadcast(client, town, await segment(client, town))
    await broadcast_queue.run_due(now=town["clock"].now)
    await Member.filter(id=lina.id).update(marketing_consent_at=None)
    assert await deliver.run_once() == {"skipped": 1}
    assert upstream.line_pushed == []
    rows = (await client.ok(RECIPIENTS, {"id": made["id"]}, token=town["hq"]))["node"]["recipients"]["nodes"]
    assert [(r["state"], r["reason"]) for r in rows] == [("SKIPPED", "consent_withdrawn")]


async def test_the_frequency_cap_counts_every_broadcast_of_the_week(client, town, deliver, upstream) -> None:
    await person(town, "lina", IdentityProvider.LINE)
    where = await segment(client, town)
    await broadcast(client, town, where, name="One", frequencyCap=1)
    await deliver.run_once()
    town["clock"].advance(days=2)
    capped = await broadcast(client, town, where, name="Two", frequencyCap=1)
    allowed = await broadcast(client, town, where, name="Three", frequencyCap=2)
    await deliver.run_once()
    town["clock"].advance(days=6)
    after_a_week = await broadcast(client, town, where, name="Four", frequencyCap=1)
    await deliver.run_once()

    assert len(upstream.line_pushed) == 2
    for made, state in ((capped, ("SKIPPED", "frequency_cap")), (allowed, ("SENT", None))):
        rows = (await client.ok(RECIPIENTS, {"id": made["id"]}, token=town["hq"]))["node"]["recipients"]["nodes"]
        assert [(r["state"], r["reason"]) for r in rows] == [state]
    # Two in the week before "Four" (One at day 0 left the window; Three at day 2 did not).
    rows = (await client.ok(RECIPIENTS, {"id": after_a_week["id"]}, token=town["hq"]))["node"]["recipients"]["nodes"]
    assert [(r["state"], r["reason"]) for r in rows] == [("SKIPPED", "frequency_cap")]


async def test_a_test_send_goes_to_one_member_now_marked_as_a_test(client, town, deliver, upstream) -> None:
    lina = await person(town, "lina", IdentityProvider.LINE)
    sam = await person(town, "sam", IdentityProvider.LINE, consents=False)
    later = (town["clock"].now + timedelta(days=1)).isoformat()
    made = await broadcast(client, town, await segment(client, town), sendAt=later, title="Hi {name}")

    sent = await client.mutate(
        "sendTestBroadcast", TEST_SEND, {"b": made["id"], "m": gid("Member", lina.id)}, token=town["hq"]
    )
    refused = await client.mutate(
        "sendTestBroadcast", TEST_SEND, {"b": made["id"], "m": gid("Member", sam.id)}, token=town["hq"]
    )
    await deliver.run_once()

    assert sent == {"route": "LINE", "errors": []}
    assert refused == {"route": None, "errors": [{"code": "NO_MARKETING_CONSENT", "field": "memberId"}]}
    [pushed] = [b for b in upstream.line_pushed]
    assert pushed["messages"][0]["text"].startswith("[TEST] Hi Lina")
    assert (await Broadcast.get()).status.value == "scheduled" and not await BroadcastRecipient.exists()


BAD = [
    ({"title": "Hi {nme}"}, "BROADCAST_INVALID", "title"),
    ({"body": "{coupon} for you"}, "BROADCAST_INVALID", "body"),
    ({"body": "a { stray"}, "BROADCAST_INVALID", "body"),
    ({"title": ""}, "BROADCAST_INVALID", "title"),
    ({"sendAt": "2026-05-01T09:00:00+08:00"}, "SEND_TIME_PASSED", "sendAt"),
    ({"quietFrom": "25:00", "quietTo": "08:00"}, "BROADCAST_INVALID", "quietFrom"),
    ({"quietFrom": "21:00"}, "BROADCAST_INVALID", "quietTo"),
    ({"holdoutPercent": 80}, "BROADCAST_INVALID", "holdoutPercent"),
    ({"frequencyCap": 0}, "BROADCAST_INVALID", "frequencyCap"),
    ({"couponTemplateId": "Q291cG9uVGVtcGxhdGU6OTk5"}, "COUPON_TEMPLATE_UNKNOWN", "couponTemplateId"),
    ({"segmentId": "U2VnbWVudDo5OTk="}, "SEGMENT_NOT_FOUND", "segmentId"),
    ({"translations": [{"locale": "fr", "title": "Salut", "body": "Hi"}]}, "BROADCAST_INVALID", "translations"),
    ({"translations": [{"locale": "zh-Hans", "title": "Hi", "body": "Hi"}]}, "BROADCAST_INVALID", "translations"),
    ({"translations": [{"locale": "ja", "title": "Hi {nope}", "body": "Hi"}]}, "BROADCAST_INVALID", "translations"),
    ({"translations": [{"locale": "ja", "title": "", "body": "Hi"}]}, "BROADCAST_INVALID", "translations"),
    (
        {"translations": [{"locale": "ja", "title": "A", "body": "B"}, {"locale": "ja", "title": "C", "body": "D"}]},
        "BROADCAST_INVALID",
        "translations",
    ),
]


@pytest.mark.parametrize(("fields", "code", "field"), BAD)
async def test_bad_input_is_a_typed_error_and_stores_nothing(client, town, fields, code, field) -> None:
    town["brand"].locales, town["brand"].default_locale = ["zh-Hans", "ja"], "zh-Hans"
    await town["brand"].save()
    await person(town, "lina", IdentityProvider.LINE)
    body = {"name": "News", "segmentId": await segment(client, town), "title": "Hi", "body": "Hi", **fields}
    from tests.reach.broadcasting import CREATE

    made = await client.mutate("createBroadcast", CREATE, {"i": body}, token=town["hq"])
    assert made["broadcast"] is None and [(e["code"], e["field"]) for e in made["errors"]] == [(code, field)]
    assert not await Broadcast.exists()


async def test_an_empty_segment_and_a_coupon_out_of_stock_are_refused(client, town) -> None:
    from tests.reach.broadcasting import CREATE

    for i in range(3):
        await person(town, f"m{i}", IdentityProvider.LINE)
    nobody = await segment(client, town, {"city": "Atlantis"}, name="Nobody")
    few = await coupons.create_template(
        brand_id=town["brand"].id, name="Rare", kind=CouponKind.GIFT, valid_days=30, total_limit=2
    )
    for where, extra, code in (
        (nobody, {}, "SEGMENT_EMPTY"),
        (await segment(client, town), {"couponTemplateId": gid("CouponTemplate", few.id)}, "COUPON_OUT_OF_STOCK"),
    ):
        body = {"name": "News", "segmentId": where, "title": "Hi", "body": "Hi", **extra}
        made = await client.mutate("createBroadcast", CREATE, {"i": body}, token=town["hq"])
        assert [e["code"] for e in made["errors"]] == [code]
    assert not await Broadcast.exists()
