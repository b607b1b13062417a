"""A member's events and loyalty data: in their export, cleared on erasure, carried over on a merge."""

import json

from events.models import Registration
from referral.models import IdentityProvider, MemberIdentity, Message, MessageStatus
from referral.services import identities
from server.wiring import wire
from tests import factories
from tests.events.helpers import SIGN_UP, eid, mother

ERASE = "mutation { deleteMyAccount(confirm: true) { ok errors { code } } }"


async def test_export_holds_sign_ups_and_points_and_erasure_clears_answers(client, town) -> None:
    event = await factories.event(
        town["brand"],
        now=town["clock"].now,
        questions=[{"key": "baby_age_months", "label": "Baby's age (months)", "kind": "int", "required": True}],
    )
    mum, token = await mother(town, "mum")
    await MemberIdentity.filter(member_id=mum.id).update(provider=IdentityProvider.LINE)  # reachable by LINE
    signed = await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": {"baby_age_months": 7}}, token=token)
    assert signed["errors"] == []

    exported = (await client.ok("{ myData }", token=token))["myData"]
    data = exported if isinstance(exported, dict) else json.loads(exported)
    [registration] = data["eventRegistrations"]
    assert (registration["event__title"], registration["answers"]) == ("Baby yoga", {"baby_age_months": 7})
    assert data["points"] == {"balance": 0, "debt": 0} and data["claims"] == [] and data["coupons"] == []

    await client.mutate(
        "cancelEvent",
        "mutation($e: ID!) { cancelEvent(id: $e) { errors { code } } }",
        {"e": eid(event)},
        token=town["hq"],
    )
    assert (await client.mutate("deleteMyAccount", ERASE, token=token))["ok"] is True
    message = await Message.get(member_id=mum.id)  # the cancellation notice, not yet sent
    assert (message.status, message.recipient) == (MessageStatus.FAILED, None)
    row = await Registration.get(member_id=mum.id)
    assert row.answers == {} and row.status.value == "confirmed"  # attendance figures keep the row


async def test_a_merge_carries_sign_ups_to_the_surviving_member(client, town) -> None:
    yoga = await factories.event(town["brand"], now=town["clock"].now)
    swim = await factories.event(town["brand"], now=town["clock"].now, title="Baby swim")
    first, first_token = await mother(town, "wechat-self")
    second, second_token = await mother(town, "line-self")
    await MemberIdentity.filter(member_id=second.id).update(provider=IdentityProvider.LINE)
    for token, event in ((first_token, yoga), (second_token, yoga), (second_token, swim)):
        assert (await client.mutate("signUpForEvent", SIGN_UP, {"e": eid(event), "a": None}, token=token))[
            "errors"
        ] == []

    survivor = await identities.merge(
        brand_id=town["brand"].id,
        member_ids=(first.id, second.id),
        now=town["clock"].now,
        member_data=wire().member_data,
    )

    kept = await Registration.filter(member_id=survivor.id).values_list("event_id", flat=True)
    assert sorted(kept) == sorted([yoga.id, swim.id])
