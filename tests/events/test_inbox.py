"""The in-app inbox: every notice lands there, pushed or not, in the member's locale and the brand's
time zone; texts come from the catalogue, complete in every locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from foundation.tenancy.regional import SUPPORTED_LOCALES
from referral.models import InboxItem, Member, MessageKind
from referral.notices import catalogue
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

CANCEL_EVENT = "mutation($e: ID!) { cancelEvent(id: $e) { event { status } errors { code } } }"
INBOX = "{ myUnreadCount myInbox { nodes { id purpose title body page readAt } } }"
READ = "mutation($ids: [ID!]) { markInboxRead(ids: $ids) { unreadCount errors { code field } } }"
PROFILE = "mutation($l: String) { updateProfile(input: {locale: $l}) { member { locale } errors { code field } } }"
SETTINGS = """mutation($i: BrandSettingsInput!) { updateBrandSettings(input: $i) { errors { code } } }"""
# Every fact any notice kind uses: 2027-01-10 02:00 UTC is 10:00 in Shanghai and 11:00 in Tokyo.
FACTS = {
    "title": "Baby yoga",
    "starts_at": "2027-01-10T02:00:00+00:00",
    "place": "Store",
    "coupon": "Gift can",
    "expires_at": "2027-01-31T20:00:00+00:00",
    "page": "pages/x",
}


def test_the_catalogues_hold_exactly_the_notices_msgids() -> None:
    wanted = {m for pair in catalogue.MESSAGES.values() for m in pair} | {catalogue.ONLINE}
    assert set(catalogue.MESSAGES) | catalogue.WRITTEN == set(MessageKind)
    assert not set(catalogue.MESSAGES) & catalogue.WRITTEN
    for locale in SUPPORTED_LOCALES:
        if locale == catalogue.SOURCE_LOCALE:
            continue
        with (catalogue.LOCALES_DIR / f"{locale}.po").open("rb") as po:
            found = read_po(po)
        msgids = {m.id for m in found if m.id}
        assert msgids == wanted, locale
        assert all(m.string for m in found if m.id), f"{locale}: untranslated"
    assert sorted(p.stem for p in Path(catalogue.LOCALES_DIR).glob("*.po")) == sorted(
        set(SUPPORTED_LOCALES) - {catalogue.SOURCE_LOCALE}
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("kind", list(catalogue.MESSAGES))
def test_every_kind_renders_in_every_locale_in_the_brands_time_zone(kind, locale) -> None:
    from zoneinfo import ZoneInfo

    shanghai = catalogue.render(kind, FACTS, locale=locale, zone=ZoneInfo("Asia/Shanghai"))
    tokyo = catalogue.render(kind, FACTS, locale=locale, zone=ZoneInfo("Asia/Tokyo"))
    english_title, english_body = catalogue.MESSAGES[kind]
    assert "%(" not in shanghai.body and shanghai.page == "pages/x"
    if locale != "en":
        assert shanghai.title != english_title and shanghai.body != english_body % {**FACTS, "when": "", "expires": ""}
    if kind is MessageKind.COUPON_ISSUED:
        # 20:00 UTC on the 31st is already 1 February in both zones.
        assert "Gift can" in shanghai.body and ("2月1日" in shanghai.body or "February 1" in shanghai.body)
    else:
        assert "Baby yoga" in shanghai.body
        assert "10:00" in shanghai.body and "11:00" in tokyo.body, (shanghai.body, tokyo.body)
    fields = catalogue.wechat_fields(kind, FACTS, locale=locale, zone=ZoneInfo("Asia/Tokyo"))
    assert set(fields) == {"thing1", "time2", "thing3"} and all(len(v) <= 20 for v in fields.values())


async def test_a_cancelled_event_lands_in_every_inbox_in_each_members_locale(client, town) -> None:
    hq = town["hq"]
    assert (await client.mutate("updateBrandSettings", SETTINGS, {"i": {"locales": ["zh-Hans", "ja"]}}, token=hq))[
        "errors"
    ] == []
    event = await factories.event(town["brand"], now=town["clock"].now, capacity=5)
    _, zh = await mother(town, "zh")
    _, ja = await mother(town, "ja")
    assert (await client.mutate("updateProfile", PROFILE, {"l": "ja"}, token=ja))["member"] == {"locale": "ja"}
    for token in (zh, ja):
        assert (await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token))[
            "errors"
        ] == []
    for _ in range(2):  # cancelled twice: told once
        await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=hq)

    zh_inbox = await client.ok(INBOX, token=zh)
    ja_inbox = await client.ok(INBOX, token=ja)

    [zh_item] = zh_inbox["myInbox"]["nodes"]
    [ja_item] = ja_inbox["myInbox"]["nodes"]
    assert zh_inbox["myUnreadCount"] == ja_inbox["myUnreadCount"] == 1
    assert (zh_item["purpose"], zh_item["title"], zh_item["readAt"]) == ("EVENT_CANCELLED", "活动已取消", None)
    assert zh_item["body"] == "抱歉：1月10日周日 10:00 的“Baby yoga”已取消。"
    assert ja_item["title"] == "イベント中止のお知らせ" and "1月10日(日) 10:00" in ja_item["body"]
    assert zh_item["page"] == f"pages/events/detail?id={eid(event).replace('=', '%3D')}"

    # Another member's notice is not yours to mark; nothing changes.
    refused = await client.mutate("markInboxRead", READ, {"ids": [ja_item["id"]]}, token=zh)
    assert refused == {"unreadCount": None, "errors": [{"code": "INBOX_ITEM_NOT_FOUND", "field": "ids"}]}
    assert (await client.ok(INBOX, token=ja))["myUnreadCount"] == 1
    done = await client.mutate("markInboxRead", READ, {"ids": [zh_item["id"]]}, token=zh)
    assert done == {"unreadCount": 0, "errors": []}
    assert (await client.ok(INBOX, token=zh))["myInbox"]["nodes"][0]["readAt"] is not None
    assert (await client.mutate("markInboxRead", READ, {}, token=ja))["unreadCount"] == 0


async def test_a_locale_the_brand_does_not_offer_is_refused(client, town) -> None:
    member, token = await mother(town, "fr")
    for locale in ("ja", "fr", "zh-Hans\x00"):
        response = await client.post(PROFILE, {"l": locale}, token=token)
        payload = (response.body.get("data") or {}).get("updateProfile")
        assert payload is None or payload["errors"][0]["code"] == "LOCALE_INVALID"
    assert (await Member.get(id=member.id)).locale is None


async def test_a_member_without_a_push_channel_still_gets_the_notice_and_erasure_takes_it(client, town) -> None:
    event = await factories.event(town["brand"], now=town["clock"].now)
    member, token = await mother(town, "nopush")  # signed in with the development identity: no push
    await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token)
    await client.mutate("cancelEvent", CANCEL_EVENT, {"e": eid(event)}, token=town["hq"])
    assert (await client.ok(INBOX, token=token))["myUnreadCount"] == 1
    data = await client.ok("{ myData }", token=token)
    assert [item["kind"] for item in data["myData"]["inbox"]] == ["event_cancelled"]

    deleted = await client.mutate(
        "deleteMyAccount", "mutation { deleteMyAccount(confirm: true) { ok errors { code } } }", token=token
    )
    assert deleted["ok"] is True
    assert await InboxItem.filter(member_id=member.id).count() == 0
