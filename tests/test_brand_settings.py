"""A brand configures itself without SQL: time zone, locales, currency, event links, WeChat templates
and platform secrets, each change recorded (who, when, old and new; a secret never shown), bad values
refused with a typed error that changes nothing. Amounts carry the brand's currency."""

from __future__ import annotations

import pytest
from tortoise import connections

from foundation.tenancy.models import Brand, BrandChange
from tests import factories
from tests.loyalty.scenario import gid, open_shop

SETTINGS = """mutation($i: BrandSettingsInput!) { updateBrandSettings(input: $i) {
  brand { timeZone locales defaultLocale currency currencyDigits eventLinkBase } errors { code field } } }"""
TEMPLATE = """mutation($p: MessagePurpose!, $t: String) { setWechatTemplate(purpose: $p, templateId: $t) {
  brand { wechatTemplates { purpose templateId } } errors { code field } } }"""
SECRETS = """mutation($i: ChannelSecretsInput!) { replaceChannelSecrets(input: $i) {
  brand { hasWechatSecret hasLineCredentials } errors { code field } } }"""
WECHAT = """mutation($brand: String!, $code: String!) {
  signInWithWechat(brand: $brand, code: $code) { token errors { code } } }"""


async def _hq(settings) -> tuple[Brand, str]:
    b = await factories.brand()
    return b, factories.staff_token(settings, await factories.staff(b))


async def _changes() -> list[tuple[str, str | None, str | None, str]]:
    rows = await BrandChange.all().order_by("id")
    return [(r.setting, r.old_value, r.new_value, r.changed_by.split(":")[0]) for r in rows]


async def test_defaults_until_hq_changes_them_and_each_change_is_recorded(client, settings) -> None:
    b, hq = await _hq(settings)
    me = await client.ok("{ me { brand { timeZone locales defaultLocale currency currencyDigits } } }", token=hq)
    assert me["me"]["brand"] == {
        "timeZone": "Asia/Shanghai",
        "locales": ["zh-Hans"],
        "defaultLocale": "zh-Hans",
        "currency": "CNY",
        "currencyDigits": 2,
    }

    wanted = {
        "timeZone": "Asia/Taipei",
        "locales": ["zh-Hant", "en", "zh-Hant"],
        "defaultLocale": "zh-Hant",
        "currency": "twd",
        "eventLinkBase": "https://liff.line.me/1650000000-abcd/events",
    }
    done = await client.mutate("updateBrandSettings", SETTINGS, {"i": wanted}, token=hq)

    assert done == {
        "brand": {
            "timeZone": "Asia/Taipei",
            "locales": ["zh-Hant", "en"],
            "defaultLocale": "zh-Hant",
            "currency": "TWD",
            "currencyDigits": 2,
            "eventLinkBase": "https://liff.line.me/1650000000-abcd/events",
        },
        "errors": [],
    }
    assert sorted(await _changes()) == [
        ("currency", "CNY", "TWD", "staff"),
        ("default_locale", "zh-Hans", "zh-Hant", "staff"),
        ("event_link_base", None, "https://liff.line.me/1650000000-abcd/events", "staff"),
        ("locales", "zh-Hans", "zh-Hant,en", "staff"),
        ("time_zone", "Asia/Shanghai", "Asia/Taipei", "staff"),
    ]
    # The same values again change nothing and record nothing.
    await client.mutate("updateBrandSettings", SETTINGS, {"i": wanted}, token=hq)
    assert len(await _changes()) == 5


@pytest.mark.parametrize(
    ("wanted", "code", "field"),
    [
        ({"timeZone": "Mars/Olympus"}, "TIME_ZONE_INVALID", "timeZone"),
        ({"timeZone": "../../etc/passwd"}, "TIME_ZONE_INVALID", "timeZone"),
        ({"timeZone": "Asia/Shanghai\x00"}, None, None),
        ({"locales": ["fr"]}, "LOCALE_INVALID", "locales"),
        ({"locales": []}, "LOCALE_INVALID", "locales"),
        ({"defaultLocale": "ja"}, "LOCALE_INVALID", "defaultLocale"),
        ({"currency": "XYZ"}, "CURRENCY_INVALID", "currency"),
        ({"currency": "人民币"}, "CURRENCY_INVALID", "currency"),
        ({"eventLinkBase": "http://liff.example/e"}, "LINK_INVALID", "eventLinkBase"),
        ({"eventLinkBase": "https://liff.example/e?x=1"}, "LINK_INVALID", "eventLinkBase"),
        ({"timeZone": "Asia/Tokyo", "currency": "XYZ"}, "CURRENCY_INVALID", "currency"),
    ],
)
async def test_bad_settings_are_refused_and_change_nothing(client, settings, wanted, code, field) -> None:
    b, hq = await _hq(settings)
    response = await client.post(SETTINGS, {"i": wanted}, token=hq)
    if code is None:  # NUL never reaches a domain: the request is refused whole
        assert response.body.get("errors"), response.body
    else:
        assert response.body["data"]["updateBrandSettings"]["errors"] == [{"code": code, "field": field}], response.body
    row = await Brand.get(id=b.id)
    assert (row.time_zone, row.locales, row.currency, row.event_link_base) == (None, None, None, None)
    assert await _changes() == []


async def test_wechat_templates_per_purpose(client, settings) -> None:
    b, hq = await _hq(settings)
    set_ = await client.mutate("setWechatTemplate", TEMPLATE, {"p": "EVENT_REMINDER", "t": "tplRemind_01"}, token=hq)
    assert set_["brand"]["wechatTemplates"] == [{"purpose": "EVENT_REMINDER", "templateId": "tplRemind_01"}]
    bad = await client.mutate("setWechatTemplate", TEMPLATE, {"p": "COUPON_ISSUED", "t": "no spaces!"}, token=hq)
    assert bad["errors"] == [{"code": "TEMPLATE_ID_INVALID", "field": "templateId"}]
    cleared = await client.mutate("setWechatTemplate", TEMPLATE, {"p": "EVENT_REMINDER", "t": None}, token=hq)
    assert cleared["brand"]["wechatTemplates"] == []
    assert await _changes() == [
        ("wechat_template:event_reminder", None, "tplRemind_01", "staff"),
        ("wechat_template:event_reminder", "tplRemind_01", None, "staff"),
    ]


async def test_a_rotated_wechat_secret_works_from_the_next_sign_in_and_is_never_shown(
    client, settings, upstream
) -> None:
    b, hq = await _hq(settings)
    upstream.wechat_apps[b.wechat_appid] = b.wechat_secret
    assert (
        await client.mutate(
            "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o-1")}
        )
    )["token"]

    new_secret = "f" * 32
    upstream.wechat_apps[b.wechat_appid] = new_secret  # reset in WeChat's console: the old one stops working
    refused = await client.mutate(
        "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o-1")}
    )
    assert refused["token"] is None
    done = await client.mutate("replaceChannelSecrets", SECRETS, {"i": {"wechatSecret": new_secret}}, token=hq)
    assert done == {"brand": {"hasWechatSecret": True, "hasLineCredentials": False}, "errors": []}

    again = await client.mutate(
        "signInWithWechat", WECHAT, {"brand": "acme", "code": upstream.wechat_code("wxacme", "o-1")}
    )
    assert again["token"], again
    assert await _changes() == [("wechat_secret", None, "(changed)", "staff")]
    [raw] = await connections.get("default").execute_query_dict(f"SELECT wechat_secret FROM brand WHERE id = {b.id}")
    assert raw["wechat_secret"] and new_secret not in str(raw["wechat_secret"])  # sealed at rest


@pytest.mark.parametrize("secret", ["short", "x" * 65, "with space in the middle!", "秘密" * 10])
async def test_malformed_secrets_are_refused_without_echoing_them(client, settings, secret) -> None:
    b, hq = await _hq(settings)
    done = await client.mutate("replaceChannelSecrets", SECRETS, {"i": {"wechatSecret": secret}}, token=hq)
    assert done["errors"][0]["code"] == "SECRET_INVALID" and secret not in str(done)
    assert (await Brand.get(id=b.id)).wechat_secret == b.wechat_secret
    assert await _changes() == []


async def test_amounts_carry_the_brands_currency(client, settings) -> None:
    shop = await open_shop(client, settings)
    mum, token = await shop.mother("mum")
    assert (await shop.claim(token))["errors"] == []
    query = "query($m: ID!) { member(id: $m) { profile { revenue { amount currency digits } } } }"

    cny = await client.ok(query, {"m": gid("Member", mum.id)}, token=shop.hq)
    assert cny["member"]["profile"]["revenue"] == {"amount": 29_900, "currency": "CNY", "digits": 2}

    await client.mutate("updateBrandSettings", SETTINGS, {"i": {"currency": "JPY"}}, token=shop.hq)
    jpy = await client.ok(query, {"m": gid("Member", mum.id)}, token=shop.hq)
    assert jpy["member"]["profile"]["revenue"] == {"amount": 29_900, "currency": "JPY", "digits": 0}


async def test_revenue_past_32_bits_is_exact(client, settings) -> None:
    shop = await open_shop(client, settings)
    batch = await shop.batch_of("TIN-GOLD")
    batch.price_cents = 2_000_000_000  # two 20-million-yuan cans make a total past what GraphQL's Int holds
    await batch.save(update_fields=["price_cents"])
    mum, token = await shop.mother("mum")
    for _ in range(2):
        assert (await shop.claim(token, shop.code(batch)))["errors"] == []
    got = await client.ok(
        "query($m: ID!) { member(id: $m) { profile { revenue { amount } } } }",
        {"m": gid("Member", mum.id)},
        token=shop.hq,
    )
    assert got["member"]["profile"]["revenue"]["amount"] == 4_000_000_000
