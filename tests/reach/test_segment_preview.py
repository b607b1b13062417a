"""The segment editor's live count over GraphQL: HQ sees the brand, a store manager their store, a
guide their own members; a consumer may not; malformed conditions are typed errors."""

from __future__ import annotations

from access.models import StaffRole
from referral.models import Member
from tests import factories
from tests.loyalty.scenario import gid, open_shop

PREVIEW = """query($c: SegmentCondition!) { segmentPreview(condition: $c, sampleSize: 5) {
  count sample { id } } }"""


async def test_each_role_counts_within_its_scope(client, settings) -> None:
    shop = await open_shop(client, settings)
    other_store = await factories.store(shop.brand, "S2")
    other_guide = await factories.guide(shop.brand, other_store, "bo")
    near = [(await shop.mother(f"near{i}", via=shop.guide.invite_code))[0] for i in range(3)]
    far, _ = await shop.mother("far", via=other_guide.invite_code)
    await Member.filter(id__in=[near[0].id, far.id]).update(city="北京")
    guide_token = factories.member_token(settings, await Member.get(id=shop.guide.member_id))
    manager = factories.staff_token(
        settings, await factories.staff(shop.brand, "mgr2", StaffRole.STORE_MANAGER, other_store)
    )
    in_beijing = {"city": "北京"}

    hq = (await client.ok(PREVIEW, {"c": in_beijing}, token=shop.hq))["segmentPreview"]
    guide = (await client.ok(PREVIEW, {"c": in_beijing}, token=guide_token))["segmentPreview"]
    store = (await client.ok(PREVIEW, {"c": in_beijing}, token=manager))["segmentPreview"]

    assert hq == {"count": 2, "sample": [{"id": gid("Member", near[0].id)}, {"id": gid("Member", far.id)}]}
    assert guide == {"count": 1, "sample": [{"id": gid("Member", near[0].id)}]}
    assert store == {"count": 1, "sample": [{"id": gid("Member", far.id)}]}

    # Nobody has bought yet: all four are at the "registered" stage; nobody missed an event.
    assert (await client.ok(PREVIEW, {"c": {"stage": "REGISTERED"}}, token=shop.hq))["segmentPreview"]["count"] == 4
    missed = {"atEvent": {"missed": True}}
    assert (await client.ok(PREVIEW, {"c": missed}, token=shop.hq))["segmentPreview"]["count"] == 0
    either = {"anyOf": [{"city": "北京"}, {"not": {"storeId": gid("Store", shop.store.id)}}]}
    assert (await client.ok(PREVIEW, {"c": either}, token=shop.hq))["segmentPreview"]["count"] == 2
    # Nobody has earned any value yet: all four score 0 (no row of value at all), none 1 or more.
    assert (await client.ok(PREVIEW, {"c": {"value": {"atMost": 0}}}, token=shop.hq))["segmentPreview"]["count"] == 4
    engaged = {"value": {"score": "ENGAGEMENT", "atLeast": 1}}
    assert (await client.ok(PREVIEW, {"c": engaged}, token=shop.hq))["segmentPreview"]["count"] == 0
    # sampleSize 0 shows nobody (a limit of 0 must not mean "no limit").
    none = "query($c: SegmentCondition!) { segmentPreview(condition: $c, sampleSize: 0) { count sample { id } } }"
    assert (await client.ok(none, {"c": in_beijing}, token=shop.hq))["segmentPreview"] == {"count": 2, "sample": []}


async def test_consumers_may_not_and_bad_conditions_are_typed_errors(client, settings) -> None:
    shop = await open_shop(client, settings)
    _, mum = await shop.mother("mum")
    refused = await client.post(PREVIEW, {"c": {"city": "北京"}}, token=mum)
    assert refused.body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    for condition, code in (
        ({"anyOf": []}, "SEGMENT_INVALID"),
        ({"babyAgeMonths": {"atLeast": 12, "atMost": 6}}, "SEGMENT_INVALID"),
        ({"tagId": "not-an-id"}, "INVALID_ID"),
        ({"tagId": gid("Tag", 999_999)}, "SEGMENT_INVALID"),
        ({"value": {"score": "REVENUE"}}, "SEGMENT_INVALID"),
        ({"value": {"atLeast": 10, "atMost": 5}}, "SEGMENT_INVALID"),
    ):
        response = await client.post(PREVIEW, {"c": condition}, token=shop.hq)
        assert response.body["data"] == {"segmentPreview": None}, response.body
        assert response.body["errors"][0]["extensions"]["code"] == code
    # @oneOf: two conditions in one object are refused before anything runs.
    both = await client.post(PREVIEW, {"c": {"city": "北京", "locale": "ja"}}, token=shop.hq)
    assert both.body.get("errors") and not (both.body.get("data") or {}).get("segmentPreview")


SAVE = """mutation($n: String!, $c: SegmentCondition!, $id: ID) { saveSegment(name: $n, condition: $c, segmentId: $id) {
  segment { id name } count errors { code field } } }"""


async def test_a_saved_segment_keeps_its_conditions_and_names_are_unique(client, settings) -> None:
    shop = await open_shop(client, settings)
    mum, _ = await shop.mother("mum")
    await Member.filter(id=mum.id).update(city="上海")
    lapsed = {"allOf": [{"city": "上海"}, {"not": {"bought": {"withinDays": 60}}}]}

    saved = await client.mutate("saveSegment", SAVE, {"n": "Shanghai, lapsed", "c": lapsed}, token=shop.hq)
    again = await client.mutate("saveSegment", SAVE, {"n": " Shanghai, lapsed ", "c": lapsed}, token=shop.hq)
    renamed = await client.mutate(
        "saveSegment", SAVE, {"n": "Lapsed in Shanghai", "c": lapsed, "id": saved["segment"]["id"]}, token=shop.hq
    )

    assert saved["count"] == 1 and saved["errors"] == []
    assert again == {"segment": None, "count": None, "errors": [{"code": "SEGMENT_NAME_TAKEN", "field": "name"}]}
    assert renamed["segment"] == {"id": saved["segment"]["id"], "name": "Lapsed in Shanghai"}
    listed = await client.ok("{ segments { nodes { id name } } }", token=shop.hq)
    assert listed["segments"]["nodes"] == [renamed["segment"]]
    found = await client.ok(
        "query($id: ID!) { node(id: $id) { ... on Segment { name } } }", {"id": saved["segment"]["id"]}, token=shop.hq
    )
    assert found == {"node": {"name": "Lapsed in Shanghai"}}


async def test_marketing_consent_is_given_and_withdrawn_by_the_member(client, settings) -> None:
    shop = await open_shop(client, settings)
    _, token = await shop.mother("mum")
    update = """mutation($c: Boolean) { updateProfile(input: {marketingConsent: $c}) {
      member { marketingConsent } errors { code } } }"""
    consenting = {"marketingConsent": True}

    given = await client.mutate("updateProfile", update, {"c": True}, token=token)
    assert given == {"member": {"marketingConsent": True}, "errors": []}
    assert (await client.ok(PREVIEW, {"c": consenting}, token=shop.hq))["segmentPreview"]["count"] == 1
    withdrawn = await client.mutate("updateProfile", update, {"c": False}, token=token)
    assert withdrawn["member"] == {"marketingConsent": False}
    assert (await client.ok(PREVIEW, {"c": consenting}, token=shop.hq))["segmentPreview"]["count"] == 0
