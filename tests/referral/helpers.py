"""Shared steps of the referral tests, phrased as a mini-program would perform them."""

from __future__ import annotations

from referral.models import Member
from tests import factories
from tests.client import GraphQLClient

REGISTER = """mutation($input: RegisterInput!) {
  register(input: $input) {
    member { id channel registeredAt guide { id inviteCode store { code } } referrer { id } phone city }
    errors { code message field }
  }
}"""
SCAN = """mutation($code: String!) {
  scanCode(code: $code) { switched guide { id } inviter { id } errors { code field } }
}"""


async def consumer(settings, brand, subject: str) -> tuple[Member, str]:
    member = await factories.member(brand, subject)
    return member, factories.member_token(settings, member)


async def register(client: GraphQLClient, token: str, **input_: object) -> dict:
    return await client.mutate("register", REGISTER, {"input": input_}, token=token)


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
