"""One person through WeChat and LINE: link both identities, merge two members, count the person once."""

from datetime import UTC, datetime

import pytest

from referral.models import IdentityProvider, Member, MemberIdentity, Touch, TouchKind
from referral.services import members, reports, touches
from referral.services.reports import Dimension
from schema import ids
from tests import factories
from tests.referral.helpers import register

WECHAT = (
    'mutation($c: String!) { signInWithWechat(brand: "acme", code: $c) { token viewer { memberId } errors { code } } }'
)
LINE = (
    'mutation($t: String!) { signInWithLine(brand: "acme", idToken: $t) { token viewer { memberId } errors { code } } }'
)
LINK_LINE = "mutation($t: String!) { linkLine(idToken: $t) { token viewer { memberId } errors { code } } }"
LINK_WECHAT = "mutation($c: String!) { linkWechat(code: $c) { token viewer { memberId } errors { code } } }"
JUNE = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))


@pytest.fixture
async def people(db, client, upstream):
    brand = await factories.brand("acme")
    upstream.wechat_apps[brand.wechat_appid] = brand.wechat_secret
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    return brand, guide


async def sign_in_wechat(client, upstream, openid: str) -> dict:
    return await client.mutate("signInWithWechat", WECHAT, {"c": upstream.wechat_code("wxacme", openid)})


async def test_linking_a_new_line_identity_keeps_one_member(client, upstream, people) -> None:
    brand, _ = people
    wechat = await sign_in_wechat(client, upstream, "o-1")
    token = upstream.line_token(channel_id=brand.line_channel_id, sub="U-1")
    linked = await client.mutate("linkLine", LINK_LINE, {"t": token}, token=wechat["token"])
    assert linked["errors"] == [] and linked["viewer"]["memberId"] == wechat["viewer"]["memberId"]
    via_line = await client.mutate(
        "signInWithLine", LINE, {"t": upstream.line_token(channel_id=brand.line_channel_id, sub="U-1")}
    )
    assert via_line["viewer"]["memberId"] == wechat["viewer"]["memberId"]
    member_id = ids.decode(wechat["viewer"]["memberId"], "Member")
    assert sorted(await MemberIdentity.filter(member_id=member_id).values_list("provider", flat=True)) == [
        "line",
        "wechat",
    ]


async def test_two_registered_members_merge_into_the_first_and_count_once(client, upstream, people, clock) -> None:
    brand, guide = people
    wechat = await sign_in_wechat(client, upstream, "o-1")
    await register(client, wechat["token"], code=guide.invite_code, profile={"city": "Suzhou"})
    first_id = ids.decode(wechat["viewer"]["memberId"], "Member")
    await touches.record(
        brand_id=brand.id, member_id=first_id, kind=TouchKind.PURCHASE, at=clock.now, amount_cents=5_000, attribute=True
    )

    clock.advance(days=2)
    line = await client.mutate(
        "signInWithLine", LINE, {"t": upstream.line_token(channel_id=brand.line_channel_id, sub="U-9")}
    )
    await register(client, line["token"], profile={"name": "Chen Jing"})
    second_id = ids.decode(line["viewer"]["memberId"], "Member")
    await touches.record(
        brand_id=brand.id,
        member_id=second_id,
        kind=TouchKind.PURCHASE,
        at=clock.now,
        amount_cents=3_000,
        attribute=True,
    )
    friend = await factories.member(brand, "friend")
    second = await Member.get(id=second_id)
    await members.register(brand_id=brand.id, member_id=friend.id, code=second.invite_code, now=clock.now)
    totals = lambda rows: (
        sum(r.new_members for r in rows),
        sum(r.purchases for r in rows),
        sum(r.revenue_cents for r in rows),
    )  # noqa: E731
    before = totals(await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.STORE))
    assert before == (3, 2, 8_000)

    # The LINE user proves their WeChat identity too: the later account folds into the earlier one.
    merged = await client.mutate(
        "linkWechat", LINK_WECHAT, {"c": upstream.wechat_code("wxacme", "o-1")}, token=line["token"]
    )

    assert merged["errors"] == [] and merged["viewer"]["memberId"] == wechat["viewer"]["memberId"]
    survivor, absorbed = await Member.get(id=first_id), await Member.get(id=second_id)
    assert absorbed.deleted_at is not None and absorbed.name is None
    assert (survivor.city, survivor.name, survivor.guide_id) == ("Suzhou", "Chen Jing", guide.id)
    assert (await Member.get(id=friend.id)).referrer_id == first_id
    assert await Touch.filter(member_id=first_id, kind=TouchKind.PURCHASE).count() == 2
    after = totals(await reports.attribution(brand_id=brand.id, start=JUNE[0], end=JUNE[1], by=Dimension.STORE))
    assert after == (2, 2, 8_000)  # one person, one registration; every purchase still counted once
    # The old LINE session ends with the absorbed member; the new token works.
    assert (await client.post("{ me { roles } }", token=line["token"])).error_codes == ["TOKEN_INVALID"]
    assert (await client.ok("{ me { memberId } }", token=merged["token"]))["me"]["memberId"] == wechat["viewer"][
        "memberId"
    ]
    relogin = await client.mutate(
        "signInWithLine", LINE, {"t": upstream.line_token(channel_id=brand.line_channel_id, sub="U-9")}
    )
    assert relogin["viewer"]["memberId"] == wechat["viewer"]["memberId"]


async def test_linking_what_is_already_linked_changes_nothing(client, upstream, people) -> None:
    brand, _ = people
    wechat = await sign_in_wechat(client, upstream, "o-1")
    again = await client.mutate(
        "linkWechat", LINK_WECHAT, {"c": upstream.wechat_code("wxacme", "o-1")}, token=wechat["token"]
    )
    assert again["errors"] == [] and again["viewer"]["memberId"] == wechat["viewer"]["memberId"]
    other = await client.mutate(
        "linkWechat", LINK_WECHAT, {"c": upstream.wechat_code("wxacme", "o-2")}, token=wechat["token"]
    )
    assert [e["code"] for e in other["errors"]] == ["IDENTITY_PROVIDER_TAKEN"]
    bad = await client.mutate("linkLine", LINK_LINE, {"t": "forged"}, token=wechat["token"])
    assert [e["code"] for e in bad["errors"]] == ["LINE_TOKEN_INVALID"]
    assert await MemberIdentity.filter(provider=IdentityProvider.WECHAT).count() == 1


async def test_two_accounts_with_the_same_kind_of_sign_in_do_not_merge(client, upstream, people) -> None:
    brand, _ = people
    first = await sign_in_wechat(client, upstream, "o-1")
    second = await sign_in_wechat(client, upstream, "o-2")
    line = upstream.line_token(channel_id=brand.line_channel_id, sub="U-2")
    await client.mutate("linkLine", LINK_LINE, {"t": line}, token=second["token"])
    refused = await client.mutate(
        "linkLine",
        LINK_LINE,
        {"t": upstream.line_token(channel_id=brand.line_channel_id, sub="U-2")},
        token=first["token"],
    )
    assert [e["code"] for e in refused["errors"]] == ["MERGE_CONFLICT"]
    assert (
        await Member.filter(
            deleted_at__isnull=True,
            id__in=[
                ids.decode(first["viewer"]["memberId"], "Member"),
                ids.decode(second["viewer"]["memberId"], "Member"),
            ],
        ).count()
        == 2
    )
