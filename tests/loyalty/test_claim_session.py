"""A request made only of claims does not read the session before it runs: the claim's own statement
reads the member with the session check's condition (this brand, not erased), so the claim is the
request's only round trip on PostgreSQL (schema.permissions.CHECK_OWN_SESSION). What a client sees
does not change: an erased member's session is refused as TOKEN_INVALID, whatever the claim would
have said; a staff token is refused as before; an operation asking for more reads the session."""

from __future__ import annotations

from datetime import UTC, datetime

from loyalty.models import Claim
from referral.models import Member
from schema import documents
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import QueryLog
from tests.loyalty.scenario import CLAIM, open_shop

# How the session check reads a member (referral.services.members.get_active).
SESSION_READ = "LEFT JOIN guide g ON g.member_id = m.id"
WITH_TYPENAME = """mutation($c: String!) { __typename claimItemCode(code: $c) { pointsEarned errors { code } } }"""
TWO = """mutation($a: String!, $b: String!) {
  a: claimItemCode(code: $a) { errors { code } } b: claimItemCode(code: $b) { errors { code } } }"""


def session_reads(log: QueryLog) -> int:
    return sum(SESSION_READ in s for s in log.statements)


async def test_a_claim_alone_is_its_own_session_check(
    db: str, client: GraphQLClient, settings, query_log, monkeypatch
) -> None:
    monkeypatch.setattr(documents, "texts", documents.Sightings())  # every text's first sight is here
    shop = await open_shop(client, settings)
    _, token = await shop.mother("mum", via=shop.guide.invite_code)
    await shop.claim(token)  # the text's first sight: the session is read as for any request
    query_log.statements.clear()
    done = await shop.claim(token)
    assert done["errors"] == [] and done["pointsEarned"] == 30
    assert session_reads(query_log) == 0, query_log.statements
    if db == "postgres":
        assert len(query_log.statements) == 1 and "loyalty_claim(" in query_log.statements[0]
    # Two claims in one request (aliases): still only fields that check their own session.
    query_log.statements.clear()
    for _ in range(2):
        body = await client.ok(TWO, {"a": shop.code(), "b": shop.code()}, token=token)
        assert body["a"]["errors"] == body["b"]["errors"] == []
    assert session_reads(query_log) == 1  # at the text's first sight only
    # Anything else beside the claim, even __typename: the session is read first, as for any request.
    query_log.statements.clear()
    for _ in range(2):
        body = await client.ok(WITH_TYPENAME, {"c": shop.code()}, token=token)
        assert body["claimItemCode"]["errors"] == [] and body["__typename"] == "Mutation"
    assert session_reads(query_log) == 2


async def test_an_erased_member_is_refused_as_a_revoked_session(db: str, client: GraphQLClient, settings) -> None:
    shop = await open_shop(client, settings)
    member, token = await shop.mother("mum", via=shop.guide.invite_code)
    first = shop.code()
    assert (await shop.claim(token, first, key="key-0000-0001"))["errors"] == []
    await Member.filter(id=member.id).update(deleted_at=datetime.now(UTC))
    # A fresh code, a forged one, and the retry of the claim made before (which a member still
    # there would get answered again): each twice, the text's first sight and a later one.
    for code, key in [(shop.code(), None)] * 2 + [("not-a-code", None)] * 2 + [(first, "key-0000-0001")] * 2:
        reply = await client.post(CLAIM, {"c": code, "k": key, "city": None}, token=token)
        assert reply.error_codes == ["TOKEN_INVALID"], reply.body
        assert reply.data == {"claimItemCode": None}
    assert await Claim.filter(member_id=member.id).count() == 1


async def test_a_guide_claims_as_a_consumer_and_staff_may_not(db: str, client: GraphQLClient, settings) -> None:
    shop = await open_shop(client, settings)
    guide_member = await Member.get(id=shop.guide.member_id)
    await Member.filter(id=guide_member.id).update(registered_at=datetime.now(UTC))
    guide_token = factories.member_token(settings, guide_member)
    for _ in range(2):
        assert (await shop.claim(guide_token))["errors"] == []
    for _ in range(2):
        refused = await client.post(CLAIM, {"c": shop.code(), "k": None, "city": None}, token=shop.hq)
        assert refused.error_codes == ["FORBIDDEN"]
        expired = await client.post(
            CLAIM, {"c": shop.code(), "k": None, "city": None}, token=factories.member_token(settings, guide_member, -5)
        )
        assert expired.error_codes == ["TOKEN_EXPIRED"]
