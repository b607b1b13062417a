"""Steps the broadcast tests share, as HQ and members perform them."""

from __future__ import annotations

from datetime import UTC, datetime

from referral.models import ConsentSource, IdentityProvider, Member, MemberIdentity, SubscribeResult
from referral.services import consent, members
from schema import ids
from tests import factories

SAVE = """mutation($n: String!, $c: SegmentCondition!) { saveSegment(name: $n, condition: $c) {
  segment { id } count errors { code } } }"""
CREATE = """mutation($i: BroadcastInput!, $k: String) { createBroadcast(input: $i, idempotencyKey: $k) {
  broadcast { id status audience sendAt quietHours } errors { code field message } } }"""
REPORT = """query($id: ID!, $d: Int) { node(id: $id) { ... on Broadcast { status audience report(days: $d) {
  audience heldOut conversionDays routes { route queued sent delivered uncertain refused } skipped { reason count }
  recipients { members converted conversionRate claims revenue { amount } signUps writeOffs }
  holdout { members converted conversionRate claims revenue { amount } signUps writeOffs }
  conversionLift { difference low high } revenueLift { difference low high } } } } }"""
RECIPIENTS = """query($id: ID!) { node(id: $id) { ... on Broadcast { recipients(first: 100) { nodes {
  member { id } group state reason route } } } } }"""
EVERYONE = {"anyOf": [{"marketingConsent": True}, {"marketingConsent": False}]}


async def person(
    town: dict,
    subject: str,
    provider: IdentityProvider | None,
    *,
    consents: bool = True,
    credits: int = 1,
    name: str | None = None,
    via: str | None = None,
) -> Member:
    """A registered member of the town's guide (or of the guide whose code is `via`; "" for none),
    reachable on `provider` (None: on neither), who agreed to marketing unless told otherwise; on
    WeChat with `credits` acceptances of the broadcast template."""
    member = await factories.member(town["brand"], subject)
    code = town["guide"].invite_code if via is None else (via or None)
    await members.register(brand_id=town["brand"].id, member_id=member.id, now=datetime.now(UTC), code=code)
    await Member.filter(id=member.id).update(
        display_name=name or subject.title(), marketing_consent_at=town["clock"].now if consents else None
    )
    if provider is None:
        await MemberIdentity.filter(member_id=member.id).delete()
    else:
        await MemberIdentity.filter(member_id=member.id).update(
            provider=provider, subject=f"{provider.value}-{subject}"
        )
    if provider is IdentityProvider.WECHAT and credits:
        await consent.record(
            brand_id=member.brand_id,
            member_id=member.id,
            answers=[consent.Answer("TPL-NEWS", SubscribeResult.ACCEPT)] * credits,
            source=ConsentSource.CLIENT,
            now=town["clock"].now,
        )
    return await Member.get(id=member.id)


async def segment(client, town: dict, condition: dict | None = None, name: str = "Everyone") -> str:
    saved = await client.mutate("saveSegment", SAVE, {"n": name, "c": condition or EVERYONE}, token=town["hq"])
    assert saved["errors"] == [], saved
    return saved["segment"]["id"]


async def broadcast(client, town: dict, segment_id: str, key: str | None = None, **fields: object) -> dict:
    body = {"name": "Stage 2 is here", "segmentId": segment_id, "title": "Hello {name}", "body": "Hi", **fields}
    made = await client.mutate("createBroadcast", CREATE, {"i": body, "k": key}, token=town["hq"])
    assert made["errors"] == [], made
    return made["broadcast"]


def gid(kind: str, pk: int) -> str:
    return ids.encode(kind, pk)
