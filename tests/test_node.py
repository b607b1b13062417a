"""node(id:): every object with a global id is fetched again by it, by whoever may read it where it is
listed, and by nobody else (another brand, another member, a role the list refuses)."""

from __future__ import annotations

import pytest
from tortoise import connections

from foundation import global_ids
from reach import tasks as guide_tasks
from reach.models import Conversation as ConversationModel, GuideTask as GuideTaskModel
from schema.queries.node import KINDS
from tests import factories
from tests.loyalty.scenario import gid, open_shop

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
TYPENAMES = {"Registration": "EventRegistration", "Interaction": "EventInteraction", "Rescan": "SuspiciousScan"}


async def _objects(client, settings, clock) -> tuple[dict[str, str], dict[str, str]]:
    """One global id of every kind, made as the mini-program and HQ make them; and the tokens."""
    shop = await open_shop(client, settings)
    hq = shop.hq
    mum, mum_token = await shop.mother("mum", via=shop.guide.invite_code)
    template = await shop.template()
    campaign = await shop.campaign(firstPurchase=True, couponTemplateId=template)
    code = shop.code()
    claimed = await shop.claim(mum_token, code)
    _, friend_token = await shop.mother("friend")
    assert (await shop.claim(friend_token, code))["errors"][0]["code"] == "ITEM_CODE_ALREADY_CLAIMED"
    event = gid("Event", (await factories.event(shop.brand, shop.store, now=clock.now)).id)
    signed_up = await client.mutate(
        "signUpForEvent",
        "mutation($e: ID!) { signUpForEvent(eventId: $e) { registration { id } errors { code } } }",
        {"e": event},
        token=mum_token,
    )
    asked = await client.mutate(
        "createEventInteraction",
        'mutation($e: ID!) { createEventInteraction(eventId: $e, input: {kind: POLL, question: "When?", '
        'options: ["9am", "3pm"]}) { interaction { id } errors { code } } }',
        {"e": event},
        token=hq,
    )
    tag = await client.mutate(
        "createTag", 'mutation { createTag(name: "VIC") { tag { id } errors { code } } }', token=hq
    )
    enrolment = await client.mutate(
        "createEnrolmentQr",
        "mutation($s: ID!) { createEnrolmentQr(storeId: $s) { enrolment { id } errors { code } } }",
        {"s": gid("Store", shop.store.id)},
        token=hq,
    )
    manager = await factories.staff(shop.brand, "mgr", factories.StaffRole.STORE_MANAGER, shop.store)
    inbox = await client.ok("{ myInbox(first: 1) { nodes { id } } }", token=mum_token)
    segment = await client.mutate(
        "saveSegment",
        'mutation { saveSegment(name: "All", condition: {bought: {}}) { segment { id } errors { code } } }',
        token=hq,
    )
    broadcast = await client.mutate(
        "createBroadcast",
        'mutation($s: ID!) { createBroadcast(input: {name: "Hello", segmentId: $s, title: "Hi", body: "Hi"}) '
        "{ broadcast { id } errors { code } } }",
        {"s": segment["segment"]["id"]},
        token=hq,
    )
    await guide_tasks.create_one(
        connections.get("default"),
        brand_id=shop.brand.id,
        guide_id=shop.guide.id,
        member_id=mum.id,
        title="Call about stage 2",
        note=None,
        due_at=None,
        source="test:1",
        now=clock.now,
    )
    task = await GuideTaskModel.get(source="test:1")
    # A member's first message to the brand opens their conversation (tests/reach/test_conversations.py).
    conversation = await ConversationModel.create(
        brand_id=shop.brand.id, member_id=mum.id, guide_id=shop.guide.id, last_at=clock.now
    )
    journey = await client.mutate(
        "saveJourney",
        'mutation($d: JSON!) { saveJourney(name: "Welcome", definition: $d) { journey { id } errors { code } } }',
        {"d": {"trigger": {"kind": "registered"}, "steps": [{"kind": "message", "title": "Hi", "body": "Welcome"}]}},
        token=hq,
    )
    seen = await client.ok(
        "query($m: ID!) { member(id: $m) { timeline(first: 1) { nodes { id } } } suspiciousScans { nodes { id } } }",
        {"m": gid("Member", mum.id)},
        token=hq,
    )
    assert signed_up["errors"] == [], signed_up
    made = {
        "Brand": gid("Brand", shop.brand.id),
        "Store": gid("Store", shop.store.id),
        "Guide": gid("Guide", shop.guide.id),
        "Member": gid("Member", mum.id),
        "Enrolment": enrolment["enrolment"]["id"],
        "Tag": tag["tag"]["id"],
        "Touch": seen["member"]["timeline"]["nodes"][0]["id"],
        "StaffAccount": gid("StaffAccount", manager.id),
        "Event": event,
        "Registration": signed_up["registration"]["id"],
        "Interaction": asked["interaction"]["id"],
        "CodeBatch": gid("CodeBatch", shop.batch.id),
        "Claim": claimed["claim"]["id"],
        "Rescan": seen["suspiciousScans"]["nodes"][0]["id"],
        "Campaign": campaign["campaign"]["id"],
        "CouponTemplate": template,
        "Coupon": claimed["rewards"][0]["coupon"]["id"],
        "InboxItem": inbox["myInbox"]["nodes"][0]["id"],
        "Segment": segment["segment"]["id"],
        "Broadcast": broadcast["broadcast"]["id"],
        "GuideTask": gid("GuideTask", task.id),
        "Journey": journey["journey"]["id"],
        "Conversation": gid("Conversation", conversation.id),
    }
    return made, {"hq": hq, "mum": mum_token, "friend": friend_token}


async def test_hq_fetches_every_kind_by_its_id(client, settings, clock) -> None:
    made, tokens = await _objects(client, settings, clock)
    assert set(made) == set(KINDS), "every kind node() knows is made here"

    for kind, id in made.items():
        found = (await client.ok(NODE, {"id": id}, token=tokens["hq"]))["node"]
        assert found == {"__typename": TYPENAMES.get(kind, kind), "id": id}, kind


async def test_a_member_fetches_what_is_theirs_and_nothing_of_others(client, settings, clock) -> None:
    made, tokens = await _objects(client, settings, clock)
    theirs = {"Brand", "Store", "Guide", "Member", "Touch", "Event", "Registration", "Interaction", "Claim", "Coupon"}
    theirs |= {"CouponTemplate", "InboxItem"}

    for kind, id in made.items():
        as_owner = (await client.ok(NODE, {"id": id}, token=tokens["mum"]))["node"]
        as_friend = (await client.ok(NODE, {"id": id}, token=tokens["friend"]))["node"]
        assert (as_owner is not None) == (kind in theirs), kind
        # What is the mother's own is not her friend's; what every member of the brand sees, is.
        shared = {"Brand", "Store", "Guide", "Event", "CouponTemplate"}
        assert (as_friend is not None) == (kind in shared), kind


async def test_another_brand_sees_none_of_them(client, settings, clock) -> None:
    made, _ = await _objects(client, settings, clock)
    other = await factories.brand("other")
    other_hq = factories.staff_token(settings, await factories.staff(other, "other-hq"))

    for kind, id in made.items():
        assert (await client.ok(NODE, {"id": id}, token=other_hq))["node"] is None, kind


@pytest.mark.parametrize(
    "id",
    [
        "",
        "not base64!",
        global_ids.encode("Nothing", 1),
        global_ids.encode("Member", 2**40),
        global_ids.encode("Member", 0),
        "x" * 90,
        "5Lya5ZGYOjE=",
    ],
)
async def test_ids_that_name_nothing_are_null_not_errors(client, settings, id) -> None:
    b = await factories.brand()
    hq = factories.staff_token(settings, await factories.staff(b))
    response = await client.post(NODE, {"id": id}, token=hq)
    assert response.status == 200, response.body
    assert response.body.get("errors") is None and response.body["data"] == {"node": None}


async def test_node_needs_a_session(client) -> None:
    response = await client.post(NODE, {"id": global_ids.encode("Store", 1)})
    assert response.body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
