"""What guides, members and HQ read through the API, and who may read it."""

import json

import pytest

from access.models import StaffRole
from referral.models import Member, MemberIdentity, TouchKind
from referral.services import touches
from schema import ids
from tests import factories
from tests.referral.helpers import consumer, register

MY_MEMBERS = """query($search: String) {
  myMembers(search: $search) { nodes { id name phone profile { stage tags value { total revenue } } } }
}"""
MEMBER = "query($id: ID!) { member(id: $id) { phone profile { stage tags } timeline(first: 2) { edges { node { kind } } pageInfo { hasNextPage endCursor } } } }"


@pytest.fixture
async def world(db, settings, client, clock):
    brand = await factories.brand("acme")
    store = await factories.store(brand, "S1")
    other_store = await factories.store(brand, "S2")
    amy = await factories.guide(brand, store, "amy")
    bob = await factories.guide(brand, other_store, "bob")
    amy_token = factories.member_token(settings, await Member.get(id=amy.member_id))
    bob_token = factories.member_token(settings, await Member.get(id=bob.member_id))
    hq = factories.staff_token(settings, await factories.staff(brand))
    mgr2 = factories.staff_token(settings, await factories.staff(brand, "mgr2", StaffRole.STORE_MANAGER, other_store))
    mum, mum_token = await consumer(settings, brand, "mum")
    await register(
        client,
        mum_token,
        code=amy.invite_code,
        profile={"name": "Li Na", "phone": "13812345678", "phoneConsent": True, "babyBirthDate": "2026-03-01"},
    )
    other, other_token = await consumer(settings, brand, "other")
    await register(client, other_token, code=bob.invite_code, profile={"name": "Wang Fang"})
    await touches.record(
        brand_id=brand.id, member_id=mum.id, kind=TouchKind.PURCHASE, at=clock.now, amount_cents=12_000, attribute=True
    )
    return dict(
        brand=brand,
        amy=amy,
        bob=bob,
        amy_token=amy_token,
        bob_token=bob_token,
        hq=hq,
        mgr2=mgr2,
        mum=mum,
        mum_token=mum_token,
        other=other,
        store=store,
        other_store=other_store,
    )


async def test_a_guide_sees_and_searches_only_their_own_members(client, world) -> None:
    mine = (await client.ok(MY_MEMBERS, {"search": None}, token=world["amy_token"]))["myMembers"]["nodes"]
    assert [m["name"] for m in mine] == ["Li Na"]
    # Masked phone for the guide; profile with an automatic tag from the baby's birth date.
    assert mine[0]["phone"] == "+861******5678"
    assert mine[0]["profile"] == {
        "stage": "PURCHASED",
        "tags": ["new mother"],
        "value": {"total": 120.0, "revenue": 120.0},
    }
    assert (await client.ok(MY_MEMBERS, {"search": "Wang"}, token=world["amy_token"]))["myMembers"]["nodes"] == []
    assert len((await client.ok(MY_MEMBERS, {"search": "5678"}, token=world["amy_token"]))["myMembers"]["nodes"]) == 1
    # Bob cannot reach Amy's member through the member type either: no profile, no phone.
    bobs = (await client.ok(MY_MEMBERS, {"search": None}, token=world["bob_token"]))["myMembers"]["nodes"]
    assert [m["name"] for m in bobs] == ["Wang Fang"]


async def test_hq_reads_full_profile_and_pages_the_timeline(client, world) -> None:
    data = await client.ok(MEMBER, {"id": ids.encode("Member", world["mum"].id)}, token=world["hq"])
    member = data["member"]
    assert member["phone"] == "+8613812345678" and member["profile"]["stage"] == "PURCHASED"
    first = member["timeline"]
    assert [e["node"]["kind"] for e in first["edges"]] == ["PURCHASE", "REGISTRATION"]
    assert first["pageInfo"]["hasNextPage"] is False


async def test_tags_hq_defines_show_in_profiles(client, world) -> None:
    created = await client.mutate(
        "createTag", 'mutation { createTag(name: "Twins") { tag { id } errors { code } } }', token=world["hq"]
    )
    dup = await client.mutate(
        "createTag", 'mutation { createTag(name: "Twins") { tag { id } errors { code } } }', token=world["hq"]
    )
    assert dup["errors"] == [{"code": "TAG_TAKEN"}]
    tagged = await client.mutate(
        "tagMember",
        "mutation($m: ID!, $t: ID!) { tagMember(memberId: $m, tagId: $t) { ok errors { code } } }",
        {"m": ids.encode("Member", world["mum"].id), "t": created["tag"]["id"]},
        token=world["hq"],
    )
    assert tagged == {"ok": True, "errors": []}
    mine = (await client.ok(MY_MEMBERS, {"search": None}, token=world["amy_token"]))["myMembers"]["nodes"]
    assert mine[0]["profile"]["tags"] == ["Twins", "new mother"]


async def test_attribution_over_the_api_names_guides_and_scopes_managers(client, world) -> None:
    query = """query($store: ID) { attribution(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", by: GUIDE, storeId: $store) {
      key newMembers purchases revenueCents guide { inviteCode } } }"""
    rows = (await client.ok(query, {"store": None}, token=world["hq"]))["attribution"]
    assert [(r["guide"]["inviteCode"], r["newMembers"], r["revenueCents"]) for r in rows] == [
        (world["amy"].invite_code, 1, 12_000),
        (world["bob"].invite_code, 1, 0),
    ]
    assert rows[0]["key"] == ids.encode("Guide", world["amy"].id)
    scoped = (await client.ok(query, {"store": None}, token=world["mgr2"]))["attribution"]
    assert [r["guide"]["inviteCode"] for r in scoped] == [world["bob"].invite_code]
    # Another store is outside a manager's scope: as if it did not exist, never a silently empty report.
    foreign = await client.post(query, {"store": ids.encode("Store", world["store"].id)}, token=world["mgr2"])
    assert foreign.error_codes == ["STORE_NOT_FOUND"] and foreign.data == {"attribution": None}
    funnel = (await client.ok("{ funnel { stage members } }", token=world["hq"]))["funnel"]
    assert {f["stage"]: f["members"] for f in funnel} == {
        "aware": 2,
        "registered": 1,
        "purchased": 1,
        "repeat": 0,
        "advocate": 0,
    }
    figures = await client.ok(
        '{ myFigures(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { newMembers revenueCents } }',
        token=world["amy_token"],
    )
    assert figures["myFigures"] == {"newMembers": 1, "revenueCents": 12_000}


async def test_a_member_exports_and_erases_their_data_without_moving_hq_figures(client, world, clock) -> None:
    exported = (await client.ok("{ myData }", token=world["mum_token"]))["myData"]
    data = exported if isinstance(exported, dict) else json.loads(exported)
    assert data["member"]["name"] == "Li Na" and data["member"]["phone"] == "+8613812345678"
    assert [t["kind"] for t in data["touches"]] == ["registration", "purchase"]
    assert data["identities"][0]["provider"] == "dev"

    report = """{ attribution(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", by: STORE) { key newMembers revenueCents } }"""
    before = await client.ok(report, token=world["hq"])
    refused = await client.mutate(
        "deleteMyAccount",
        "mutation { deleteMyAccount(confirm: false) { ok errors { code } } }",
        token=world["mum_token"],
    )
    assert refused == {"ok": False, "errors": [{"code": "CONFIRMATION_REQUIRED"}]}
    done = await client.mutate(
        "deleteMyAccount",
        "mutation { deleteMyAccount(confirm: true) { ok errors { code } } }",
        token=world["mum_token"],
    )
    assert done == {"ok": True, "errors": []}

    row = await Member.get(id=world["mum"].id)
    assert (row.name, row.phone, row.baby_birth_date, row.deleted_at) == (None, None, None, clock.now)
    assert await MemberIdentity.filter(member_id=row.id).count() == 0
    assert await client.ok(report, token=world["hq"]) == before
    gone = await client.post("{ me { roles } }", token=world["mum_token"])
    assert gone.error_codes == ["TOKEN_INVALID"]
    assert (await client.ok(MY_MEMBERS, {"search": None}, token=world["amy_token"]))["myMembers"]["nodes"] == []


async def test_people_who_meet_a_member_see_a_nickname_only(client, world, settings) -> None:
    friend, friend_token = await consumer(settings, world["brand"], "friend")
    scan = """mutation($c: String!) { scanCode(code: $c) {
      inviter { displayName name phone city birthday babyBirthDate gender profile { stage } } errors { code } } }"""
    seen = (await client.mutate("scanCode", scan, {"c": world["mum"].invite_code}, token=friend_token))["inviter"]
    assert seen == {
        "displayName": "L*",
        "name": None,
        "phone": None,
        "city": None,
        "birthday": None,
        "babyBirthDate": None,
        "gender": None,
        "profile": None,
    }
    own = (await client.ok("{ me { member { name displayName babyBirthDate } } }", token=world["mum_token"]))["me"][
        "member"
    ]
    assert own == {"name": "Li Na", "displayName": "Li Na", "babyBirthDate": "2026-03-01"}
