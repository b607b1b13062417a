"""The notification outbox: written with the change, delivered through WeChat and LINE (a fake of
their HTTP APIs on 127.0.0.1), sent once even when a worker dies between sending and recording."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from events.services import reminders
from referral.models import IdentityProvider, Message, MessageStatus
from referral.notices import catalogue
from referral.services import outbox
from server.notifications import Deliverer
from tests import factories
from tests.events.helpers import SIGN_UP, eid, person

CANCEL_EVENT = "mutation($e: ID!) { cancelEvent(id: $e) { event { status } errors { code } } }"
LEAVE = "mutation($e: ID!) { cancelEventSignUp(eventId: $e) { registration { status } errors { code } } }"


async def test_cancelling_an_event_tells_everyone_once_on_their_channel(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now, capacity=2)
    tokens = [
        await person(town, "wx", IdentityProvider.WECHAT),
        await person(town, "ln", IdentityProvider.LINE),
        await person(town, "dev", IdentityProvider.DEV),
    ]  # reachable on neither
    for token in tokens:  # two confirmed, one waiting: all are told
        assert (await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token))[
            "errors"
        ] == []

    for _ in range(2):
        done = await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
        assert done["event"]["status"] == "CANCELLED"
    assert await Message.all().count() == 3

    delivered = await post.run_once()
    assert delivered == {"sent": 2}
    [wechat] = upstream.wechat_sent
    assert (wechat["touser"], wechat["template_id"], wechat["data"]["thing1"]["value"]) == (
        "wechat-wx",
        "TPL-CANCEL",
        "Baby yoga",
    )
    # The page opens the event by the id the API takes, so the mini-program can ask for it as it is.
    page, _, query = wechat["page"].partition("?")
    [linked] = parse_qs(query)["id"]
    assert page == "pages/events/detail" and linked == eid(event)
    shown = await client.ok("query($e: ID!) { event(id: $e) { title } }", {"e": linked}, token=tokens[0])
    assert shown == {"event": {"title": "Baby yoga"}}
    [line] = upstream.line_pushed
    # In the brand's default locale (zh-Hans) and time zone (Asia/Shanghai: the 02:00 UTC start is 10:00).
    assert line["to"] == "line-ln"
    assert line["messages"][0]["text"] == "活动已取消\n抱歉：1月10日周日 10:00 的“Baby yoga”已取消。"
    statuses = sorted((m.channel.value if m.channel else "-", m.status.value) for m in await Message.all())
    assert statuses == [("-", "failed"), ("line", "sent"), ("wechat", "sent")]
    assert await post.run_once() == {}  # nothing is sent twice


async def test_a_line_notice_links_the_event_on_the_brands_liff_page(client, town, upstream, post) -> None:
    brand = town["brand"]
    brand.event_link_base = "https://liff.line.me/1650000000-abcd/events"
    await brand.save(update_fields=["event_link_base"])
    event = await factories.event(brand, now=town["clock"].now)
    token = await person(town, "ln", IdentityProvider.LINE)
    await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
    assert await post.run_once() == {"sent": 1}
    last_line = upstream.line_pushed[0]["messages"][0]["text"].splitlines()[-1]
    assert last_line == "https://liff.line.me/1650000000-abcd/events?" + urlencode({"id": eid(event)})


async def test_a_promotion_from_the_waitlist_is_announced(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now, capacity=1)
    first = await person(town, "first", IdentityProvider.WECHAT)
    waiting = await person(town, "waiting", IdentityProvider.LINE)
    for token in (first, waiting):
        await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    assert (await client.mutate("cancelEventSignUp", LEAVE, {"e": eid(event)}, token=first))["errors"] == []
    assert await post.run_once() == {"sent": 1}
    assert (
        upstream.line_pushed[0]["to"] == "line-waiting"
        and "您已确认参加" in upstream.line_pushed[0]["messages"][0]["text"]
    )


async def test_a_worker_dying_mid_send_never_sends_twice(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    for subject, provider in (("wx", IdentityProvider.WECHAT), ("ln", IdentityProvider.LINE)):
        await client.mutate(
            "signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=await person(town, subject, provider)
        )
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])

    # A worker leases both and gets them out, then dies before recording it.
    crashed = await outbox.lease_due(now=town["clock"].now)
    for message in crashed:
        await _send_only(post, message, town)
    assert len(upstream.wechat_sent) == len(upstream.line_pushed) == 1

    assert await post.run_once() == {}  # their leases still hold
    town["clock"].advance(minutes=3)
    after = await post.run_once()
    # LINE: sent again with the same retry key, which LINE answers 409: the member saw it once.
    # WeChat: no such key, so it is given up as unknown rather than risk a second copy.
    assert after == {"sent": 1}
    assert len(upstream.wechat_sent) == len(upstream.line_pushed) == 1
    assert sorted((m.channel.value, m.status.value) for m in await Message.all()) == [
        ("line", "sent"),
        ("wechat", "unknown"),
    ]


async def test_unreachable_upstreams_are_retried_with_back_off(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    await client.mutate(
        "signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=await person(town, "ln", IdentityProvider.LINE)
    )
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
    upstream.failing = True
    assert await post.run_once() == {"retry": 1}
    upstream.failing = False
    assert await post.run_once() == {}  # not due yet
    town["clock"].advance(seconds=31)
    assert await post.run_once() == {"sent": 1}
    message = await Message.get()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2) and len(upstream.line_pushed) == 1


async def _send_only(post: Deliverer, message: Message, town) -> None:
    """Do what a worker does up to the moment it would record the outcome."""
    brand = town["brand"]
    words = catalogue.for_push(message.kind, message.payload, locale="zh-Hans", zone=ZoneInfo("Asia/Shanghai"))
    if message.channel.value == "line":
        await post._line.push(
            access_token=brand.line_channel_access_token,
            to=message.recipient,
            text=words.text,
            retry_key=str(message.retry_key),
        )
    else:
        assert await outbox.handing_over(message, now=town["clock"].now)
        await post._wechat.send_subscribe(
            appid=brand.wechat_appid,
            secret=brand.wechat_secret,
            openid=message.recipient,
            template_id=brand.wechat_templates["event_cancelled"],
            data=words.fields,
            page=None,
        )


async def test_reminders_the_day_before_go_out_once(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    await client.mutate(
        "signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=await person(town, "ln", IdentityProvider.LINE)
    )
    assert await reminders.queue(now=town["clock"].now) == 0  # months ahead
    town["clock"].now = event.starts_at - timedelta(hours=20)
    assert await reminders.queue(now=town["clock"].now) == 1
    assert await reminders.queue(now=town["clock"].now) == 1  # considered again, queued once
    assert await post.run_once() == {"sent": 1}
    assert upstream.line_pushed[0]["messages"][0]["text"].startswith("活动明天开始\n提醒：“Baby yoga”将于")


async def test_a_wechat_message_never_handed_over_is_sent_after_a_crash(client, town, upstream, post) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    await client.mutate(
        "signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=await person(town, "wx", IdentityProvider.WECHAT)
    )
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
    assert len(await outbox.lease_due(now=town["clock"].now)) == 1  # leased, then the worker dies
    town["clock"].advance(minutes=3)
    assert await post.run_once() == {"sent": 1}
    assert len(upstream.wechat_sent) == 1 and (await Message.get()).attempts == 2
