"""Guides join through a store's enrolment QR, are approved by their store, leave, and hand over members."""

import base64
import io

import cairosvg
import PIL.Image
import pytest
import zxingcpp

from access.models import StaffRole
from referral.models import BindingReason, GuideBinding, GuideRole, GuideStatus, Member
from referral.services import attribution, guides as guide_service, members
from schema import ids
from tests import factories
from tests.referral.helpers import codes, consumer, register

CREATE_QR = """mutation($store: ID!, $hours: Int!) {
  createEnrolmentQr(storeId: $store, validHours: $hours) {
    enrolment { id token expiresAt qr { url mediaType dataBase64 } } errors { code field }
  }
}"""
ENROL = "mutation($t: String!) { enrolAsGuide(token: $t) { guide { id status store { code } } errors { code } } }"
APPROVE = "mutation($g: ID!) { approveGuide(guideId: $g) { guide { status approvedAt } errors { code } } }"
DEACTIVATE = "mutation($g: ID!) { deactivateGuide(guideId: $g) { guide { status leftAt } errors { code } } }"
REVOKE = "mutation($e: ID!) { revokeEnrolmentQr(id: $e) { enrolment { revokedAt } errors { code } } }"
REASSIGN = (
    "mutation($f: ID!, $t: ID!) { reassignMembers(fromGuideId: $f, toGuideId: $t) { moved errors { code field } } }"
)
ME = "{ me { roles guide { status inviteCode inviteQr(format: SVG) { url mediaType dataBase64 } } } }"


def decode_qr(image: dict) -> str:
    data = base64.b64decode(image["dataBase64"])
    if image["mediaType"] == "image/svg+xml":
        data = cairosvg.svg2png(bytestring=data, output_width=400, output_height=400, background_color="white")
    found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(data)))
    assert len(found) == 1
    return found[0].text


@pytest.fixture
async def shop(db, settings):
    brand = await factories.brand("acme")
    store = await factories.store(brand, "SH-1")
    second = await factories.store(brand, "SH-2")
    hq = factories.staff_token(settings, await factories.staff(brand))
    manager = factories.staff_token(settings, await factories.staff(brand, "mgr-1", StaffRole.STORE_MANAGER, store))
    other_manager = factories.staff_token(
        settings, await factories.staff(brand, "mgr-2", StaffRole.STORE_MANAGER, second)
    )
    return brand, store, second, hq, manager, other_manager


async def test_a_guide_joins_by_qr_is_approved_and_gets_a_personal_qr(client, settings, shop) -> None:
    brand, store, _, _, manager, _ = shop
    created = await client.mutate(
        "createEnrolmentQr", CREATE_QR, {"store": ids.encode("Store", store.id), "hours": 48}, token=manager
    )
    enrolment = created["enrolment"]
    assert created["errors"] == [] and decode_qr(enrolment["qr"]) == enrolment["qr"]["url"]
    assert enrolment["qr"]["url"] == f"https://mp.example.com/r?e={enrolment['token']}"

    member, token = await consumer(settings, brand, "new-guide")
    joined = await client.mutate("enrolAsGuide", ENROL, {"t": enrolment["token"]}, token=token)
    assert joined["errors"] == [] and joined["guide"]["status"] == "PENDING"
    assert (await client.ok("{ me { roles } }", token=token))["me"]["roles"] == ["CONSUMER"]
    assert codes(await client.mutate("enrolAsGuide", ENROL, {"t": enrolment["token"]}, token=token)) == [
        "GUIDE_ALREADY_ENROLLED"
    ]

    approved = await client.mutate("approveGuide", APPROVE, {"g": joined["guide"]["id"]}, token=manager)
    assert approved["guide"]["status"] == "ACTIVE" and approved["guide"]["approvedAt"]
    me = (await client.ok(ME, token=token))["me"]
    assert me["roles"] == ["CONSUMER", "GUIDE"] and me["guide"]["status"] == "ACTIVE"
    qr = me["guide"]["inviteQr"]
    assert (
        qr["mediaType"] == "image/svg+xml"
        and decode_qr(qr) == f"https://mp.example.com/r?c={me['guide']['inviteCode']}"
    )
    assert codes(await client.mutate("approveGuide", APPROVE, {"g": joined["guide"]["id"]}, token=manager)) == [
        "GUIDE_NOT_PENDING"
    ]


async def test_qr_destination_follows_the_brand_policy(client, settings, shop) -> None:
    brand, store, _, hq, _, _ = shop
    guide = await factories.guide(brand, store, "amy")
    await client.mutate(
        "updateReferralPolicy",
        'mutation { updateReferralPolicy(input: {inviteUrlBase: "https://m.acme.cn/join"}) { errors { code } } }',
        token=hq,
    )
    member, token = await consumer(settings, brand, "mum")
    png = (await client.ok("{ me { member { inviteCode inviteQr { url mediaType dataBase64 } } } }", token=token))[
        "me"
    ]["member"]
    assert png["inviteQr"]["mediaType"] == "image/png"
    assert decode_qr(png["inviteQr"]) == f"https://m.acme.cn/join?c={png['inviteCode']}"
    bad = await client.mutate(
        "updateReferralPolicy",
        'mutation { updateReferralPolicy(input: {inviteUrlBase: "http://insecure.example/x?y=1"}) { errors { code field } } }',
        token=hq,
    )
    assert bad["errors"] == [{"code": "POLICY_INVALID", "field": "inviteUrlBase"}]
    assert guide.invite_code


@pytest.mark.parametrize("problem", ["expired", "revoked", "tampered", "other-brand", "garbage"])
async def test_enrolment_tokens_that_must_not_work(client, settings, shop, clock, problem) -> None:
    brand, store, _, hq, _, _ = shop
    created = await client.mutate(
        "createEnrolmentQr", CREATE_QR, {"store": ids.encode("Store", store.id), "hours": 1}, token=hq
    )
    token_value = created["enrolment"]["token"]
    expected = "ENROLMENT_INVALID"
    if problem == "expired":
        clock.advance(hours=1, seconds=1)
        expected = "ENROLMENT_EXPIRED"
    elif problem == "revoked":
        await client.mutate("revokeEnrolmentQr", REVOKE, {"e": created["enrolment"]["id"]}, token=hq)
        expected = "ENROLMENT_REVOKED"
    elif problem == "tampered":
        enrolment_id, expires, mac = token_value.split(".")
        token_value = f"{enrolment_id}.{int(expires) + 86400}.{mac}"  # try to extend it
    elif problem == "other-brand":
        rival = await factories.brand("rival")
        _, rival_token = await consumer(settings, rival, "spy")
        payload = await client.mutate("enrolAsGuide", ENROL, {"t": token_value}, token=rival_token)
        assert codes(payload) == [expected]
        return
    else:
        token_value = "E1.x.y"
    _, token = await consumer(settings, brand, "hopeful")
    payload = await client.mutate("enrolAsGuide", ENROL, {"t": token_value}, token=token)
    assert codes(payload) == [expected] and payload["guide"] is None


async def test_store_managers_act_only_on_their_own_store(client, settings, shop, clock) -> None:
    brand, store, second, _, manager, other_manager = shop
    pending = await guide_service.enrol(
        key=settings.signing_key("enrolment"),
        brand_id=brand.id,
        member_id=(await factories.member(brand, "p")).id,
        token=(
            await client.mutate(
                "createEnrolmentQr", CREATE_QR, {"store": ids.encode("Store", store.id), "hours": 5}, token=manager
            )
        )["enrolment"]["token"],
        now=clock.now,
    )
    gid = ids.encode("Guide", pending.id)
    assert codes(await client.mutate("approveGuide", APPROVE, {"g": gid}, token=other_manager)) == ["GUIDE_NOT_FOUND"]
    assert codes(await client.mutate("deactivateGuide", DEACTIVATE, {"g": gid}, token=other_manager)) == [
        "GUIDE_NOT_FOUND"
    ]
    foreign_qr = await client.mutate(
        "createEnrolmentQr", CREATE_QR, {"store": ids.encode("Store", store.id), "hours": 5}, token=other_manager
    )
    assert codes(foreign_qr) == ["STORE_NOT_FOUND"]
    listed = await client.ok("{ guides { nodes { id } } }", token=other_manager)
    assert listed["guides"]["nodes"] == []
    listed = await client.ok("{ guides(status: PENDING) { nodes { id } } }", token=manager)
    assert listed["guides"]["nodes"] == [{"id": gid}]
    assert second.id != store.id


@pytest.mark.parametrize("hours", [0, -5, 24 * 91])
async def test_enrolment_validity_is_bounded(client, shop, hours) -> None:
    _, store, _, hq, _, _ = shop
    payload = await client.mutate(
        "createEnrolmentQr", CREATE_QR, {"store": ids.encode("Store", store.id), "hours": hours}, token=hq
    )
    assert payload["errors"] == [{"code": "VALIDITY_INVALID", "field": "validHours"}]


async def test_a_leaving_guide_keeps_history_and_hq_reassigns_their_members(client, settings, shop, clock) -> None:
    brand, store, _, hq, manager, _ = shop
    leaving = await factories.guide(brand, store, "leaving")
    staying = await factories.guide(brand, store, "staying")
    mums = []
    for i in range(3):
        member, token = await consumer(settings, brand, f"mum-{i}")
        await register(client, token, code=leaving.invite_code)
        mums.append(member)
    registered_at = clock.now
    clock.advance(days=10)

    left = await client.mutate("deactivateGuide", DEACTIVATE, {"g": ids.encode("Guide", leaving.id)}, token=manager)
    assert left["guide"]["status"] == "INACTIVE" and left["guide"]["leftAt"]
    refused = await client.mutate(
        "reassignMembers",
        REASSIGN,
        {"f": ids.encode("Guide", leaving.id), "t": ids.encode("Guide", leaving.id)},
        token=hq,
    )
    assert refused["errors"] == [{"code": "SAME_GUIDE", "field": "toGuideId"}]
    moved = await client.mutate(
        "reassignMembers",
        REASSIGN,
        {"f": ids.encode("Guide", leaving.id), "t": ids.encode("Guide", staying.id)},
        token=hq,
    )
    assert moved == {"moved": 3, "errors": []}

    for mum in mums:
        row = await Member.get(id=mum.id)
        assert (row.guide_id, row.origin_guide_id) == (staying.id, leaving.id)  # first touch stays on record
        history = await GuideBinding.filter(member_id=mum.id).order_by("started_at")
        assert [(b.guide_id, b.reason, b.ended_at) for b in history] == [
            (leaving.id, BindingReason.REGISTRATION, clock.now),
            (staying.id, BindingReason.REASSIGNMENT, None),
        ]
        # A purchase before the move is credited to the guide bound then.
        assert await attribution.guide_at(brand_id=brand.id, member_id=mum.id, at=registered_at) == (
            leaving.id,
            store.id,
        )
        assert await attribution.guide_at(brand_id=brand.id, member_id=mum.id, at=clock.now) == (staying.id, store.id)


async def test_appointed_manager_role(db, settings) -> None:
    from access import sessions
    from foundation.auth.caller import Role

    brand = await factories.brand("acme")
    store = await factories.store(brand)
    manager = await factories.guide(brand, store, "boss", GuideRole.MANAGER)
    assert manager.status is GuideStatus.ACTIVE and manager.invite_code.startswith("G")
    assert manager.role is GuideRole.MANAGER
    # The role is what a session of the manager's member carries: a guide who manages the store.
    token = factories.member_token(settings, await Member.get(id=manager.member_id))
    caller = await sessions.caller_from_token(settings=settings, token=token)
    assert caller.roles == {Role.CONSUMER, Role.GUIDE, Role.STORE_MANAGER} and caller.store_id == store.id


async def test_managers_see_their_guides_names(client, settings, shop) -> None:
    brand, store, _, _, manager, _ = shop
    guide = await factories.guide(brand, store, "named")
    await Member.filter(id=guide.member_id).update(name="Zhao Min")
    listed = await client.ok("{ guides { nodes { name member { name } } } }", token=manager)
    assert listed["guides"]["nodes"] == [{"name": "Zhao Min", "member": {"name": None}}]


async def test_a_request_draws_at_most_twenty_qr_images(client, settings, clock) -> None:
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guide = await factories.guide(brand, store, "amy")
    for i in range(21):
        member = await factories.member(brand, f"mum{i}")
        await members.register(brand_id=brand.id, member_id=member.id, now=clock.now, code=guide.invite_code)
    token = factories.member_token(settings, await Member.get(id=guide.member_id))
    query = "query($n: Int!) { myMembers(first: $n) { nodes { inviteQr { mediaType } } } }"
    twenty = await client.ok(query, {"n": 20}, token=token)
    assert [n["inviteQr"]["mediaType"] for n in twenty["myMembers"]["nodes"]] == ["image/png"] * 20
    # Counted from the document before anything runs: 21 members' images, or two aliases of 20.
    more = await client.post(query, {"n": 21}, token=token)
    assert more.status == 400 and more.error_codes == ["QR_LIMIT_REACHED"] and more.data is None
    aliased = await client.post(
        "{ myMembers { nodes { a: inviteQr { mediaType } b: inviteQr { mediaType } } } }", token=token
    )
    assert aliased.status == 400 and aliased.error_codes == ["QR_LIMIT_REACHED"]


def test_attribution_decisions_are_pure_functions_of_what_was_read() -> None:
    # The rules of referral/services/attribution.py, on unsaved rows: no database involved.
    from datetime import UTC, datetime

    from referral.errors import ReferralError
    from referral.models import Channel, Guide
    from referral.services.invites import Inviter

    now = datetime(2026, 11, 25, tzinfo=UTC)
    active, gone = (
        Guide(id=1, store_id=7, status=GuideStatus.ACTIVE),
        Guide(id=2, store_id=7, status=GuideStatus.INACTIVE),
    )
    friend = Member(id=10, registered_at=now, guide_id=2)
    by_friend = attribution.recruited_by_code(11, Inviter(guide=gone, member=friend), None)
    assert (by_friend.guide, by_friend.referrer, by_friend.channel) == (None, friend, Channel.MEMBER_INVITE)
    by_guide = attribution.recruited_by_code(11, Inviter(guide=active, member=None), None)
    assert (by_guide.guide, by_guide.referrer, by_guide.channel) == (active, None, Channel.GUIDE_QR)
    for inviter, code in (
        (Inviter(guide=None, member=Member(id=11, registered_at=now)), "INVITE_SELF"),
        (Inviter(guide=None, member=Member(id=12, registered_at=None)), "INVITER_NOT_REGISTERED"),
        (Inviter(guide=gone, member=None), "GUIDE_INACTIVE"),
    ):
        with pytest.raises(ReferralError) as refused:
            attribution.recruited_by_code(11, inviter, None)
        assert refused.value.code.value == code
    assert attribution.recruited_without_code(gone, None).channel is Channel.ORGANIC
    assert attribution.recruited_without_code(active, None).guide is active
    registered = Member(id=11, registered_at=now, guide_id=1)
    assert attribution.scan_could_move(registered, gone) is False
    assert attribution.scan_could_move(registered, active) is False  # already theirs
    assert attribution.scan_could_move(Member(id=12, registered_at=now, guide_id=2), active) is True
    assert attribution.scan_could_move(Member(id=13, registered_at=None), active) is False
